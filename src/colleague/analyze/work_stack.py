"""The stack lexicon of the work analyzer: languages, data stores, queues, cloud and
infrastructure, observability, CI and tools, frameworks, kernel toolchains — English names,
found inside Chinese text too — and a fast matcher over it."""

from __future__ import annotations

import re

from colleague.analyze.work_common import mask

# -- the stack lexicon -------------------------------------------------------------------------

# canonical name → alias phrases: lower-case words matched case-insensitively as whole ASCII
# words (so also inside Chinese text); "=Word" matches that exact case only; Chinese aliases
# match anywhere.
STACK: dict[str, tuple[str, ...]] = {
    # languages
    "Python": ("python", "py3", "cpython"), "Java": ("java", "jvm", "jdk"),
    "Go": ("golang", "go module", "go service", "go code"), "Rust": ("rust", "cargo"),
    "JavaScript": ("javascript", "js"), "TypeScript": ("typescript",),
    "C++": ("c++", "cpp"), "C": ("c code", "c compiler", "c api"), "C#": ("c#", ".net"),
    "Kotlin": ("kotlin",), "Scala": ("scala",), "Ruby": ("ruby", "rails"), "PHP": ("php",),
    "Lua": ("lua",), "Shell": ("bash", "shell script", "zsh"), "SQL": ("sql",),
    "Assembly": ("inline assembly", "assembly code", "asm"),
    # data stores
    "MySQL": ("mysql", "mariadb", "innodb"), "PostgreSQL": ("postgresql", "postgres", "psql"),
    "Oracle": ("oracle db", "oracle"), "SQLite": ("sqlite",), "MongoDB": ("mongodb", "mongo"),
    "Redis": ("redis",), "Elasticsearch": ("elasticsearch", "opensearch"), "ClickHouse": ("clickhouse",),
    "TiDB": ("tidb",), "HBase": ("hbase",), "Cassandra": ("cassandra",), "Doris": ("apache doris", "starrocks"),
    "Hive": ("hive",), "Spark": ("apache spark", "spark job", "spark sql", "pyspark"), "Flink": ("flink",), "Hadoop": ("hadoop", "hdfs"),
    "Memcached": ("memcached",),
    # queues
    "Kafka": ("kafka",), "RabbitMQ": ("rabbitmq", "amqp"), "RocketMQ": ("rocketmq",),
    "Pulsar": ("pulsar",), "ZeroMQ": ("zeromq", "zmq", "pyzmq"), "NATS": ("nats",),
    # cloud and infrastructure
    "AWS": ("aws", "s3", "ec2"), "GCP": ("gcp", "google cloud"), "Azure": ("azure",),
    "Aliyun": ("aliyun", "阿里云"), "Tencent Cloud": ("腾讯云", "tencent cloud"), "Kubernetes": ("kubernetes", "k8s", "kubectl"), "Docker": ("docker", "dockerfile"),
    "Helm": ("helm",), "Terraform": ("terraform",), "Ansible": ("ansible",), "Nginx": ("nginx",),
    "Istio": ("istio",), "Envoy": ("envoy",), "Consul": ("consul",), "etcd": ("etcd",),
    "ZooKeeper": ("zookeeper",), "Nacos": ("nacos",), "ingress": ("ingress",),
    "Linux": ("linux",), "Windows": ("=Windows",), "macOS": ("macos", "os x"),
    # observability
    "Prometheus": ("prometheus", "promql"), "Grafana": ("grafana",), "Alertmanager": ("alertmanager",),
    "Kibana": ("kibana", "elk"), "Jaeger": ("jaeger",), "SkyWalking": ("skywalking",), "Sentry": ("sentry",),
    # CI and tools
    "Jenkins": ("jenkins",), "GitLab CI": ("gitlab ci", "gitlab-ci"), "GitHub Actions": ("github actions",),
    "Travis CI": ("travis",), "CircleCI": ("circleci",), "Argo CD": ("argocd", "argo cd"),
    "Git": ("git",), "GitHub": ("github",), "GitLab": ("gitlab",), "Gerrit": ("gerrit",),
    "SonarQube": ("sonarqube", "sonar"), "Maven": ("maven",), "Gradle": ("gradle",), "npm": ("npm", "yarn"),
    "pip": ("pip", "conda"), "pytest": ("pytest",), "JUnit": ("junit",), "Selenium": ("selenium",),
    "JMeter": ("jmeter",), "Webpack": ("webpack",),
    # frameworks and libraries
    "Spring": ("spring boot", "springboot", "spring cloud", "spring mvc"), "MyBatis": ("mybatis",), "Django": ("django",),
    "Flask": ("flask",), "FastAPI": ("fastapi",), "React": ("reactjs", "react.js", "react native", "react component"), "Vue": ("vue", "vuex"),
    "Angular": ("angular",), "Node.js": ("node.js", "nodejs"), "gRPC": ("grpc",), "Dubbo": ("dubbo",),
    "GraphQL": ("graphql",), "Protobuf": ("protobuf",), "Thrift": ("thrift",), "Jupyter": ("jupyter",),
    "NumPy": ("numpy",), "pandas": ("pandas",), "matplotlib": ("matplotlib",), "Qt": ("qt", "pyqt"),
    "Sphinx": ("sphinx",), "Element UI": ("element-ui", "element ui", "element-plus"),
    "ECharts": ("echarts",), "AntV": ("antv", "g2plot"),
    # kernel and toolchain
    "GCC": ("gcc",), "LLVM": ("llvm", "clang"), "binutils": ("binutils",), "U-Boot": ("u-boot", "uboot"),
    "Device Tree": ("device tree", "devicetree", "dts"), "MIPS": ("mips", "mips64"),
    "ARM": ("=ARM", "arm64", "aarch64"), "x86": ("x86", "x86_64"), "OpenWrt": ("openwrt",),
    "QEMU": ("qemu",), "KVM": ("kvm",),
}


_WORD = re.compile(r"[A-Za-z0-9.][A-Za-z0-9+#._\-]*[A-Za-z0-9+#]|[A-Za-z0-9]")


def _stack_index() -> tuple[dict[str, list[tuple[tuple[str, ...], str]]], re.Pattern[str] | None]:
    first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    cjk: dict[str, str] = {}
    for canon, alts in sorted(STACK.items()):
        for alt in alts:
            if re.search(r"[\u4e00-\u9fff]", alt):
                cjk[alt] = canon
                continue
            words = tuple(alt[1:].split()) if alt.startswith("=") else tuple(alt.split())
            key = words[0] if alt.startswith("=") else words[0].lower()
            first.setdefault(key, []).append((words, canon))
    for v in first.values():
        v.sort(key=lambda x: -len(x[0]))  # longest phrase first
    rx = re.compile("|".join(sorted(cjk, key=len, reverse=True))) if cjk else None
    _CJK_STACK.update(cjk)
    return first, rx


_CJK_STACK: dict[str, str] = {}
_STACK_FIRST, _STACK_CJK = _stack_index()
_STACK_FIRST_LOW = frozenset(k.lower() for k in _STACK_FIRST)


def stack_in(text: str) -> list[tuple[str, int, int]]:
    """Stack terms in `text` as (canonical name, start, end). A dictionary walk over the
    ASCII words (one regex pass), not one big alternation: this runs on every message."""
    low = text.lower()
    if not _STACK_FIRST_LOW.intersection(_WORD.findall(low)) and (
            _STACK_CJK is None or not _STACK_CJK.search(text)):
        return []  # the common case, decided by one findall and a set intersection
    text = mask(text)
    words = [(w.group(0), w.start(), w.end()) for w in _WORD.finditer(text)]
    out = []
    i = 0
    while i < len(words):
        w, s, e = words[i]
        cands = _STACK_FIRST.get(w.lower(), []) + _STACK_FIRST.get(w, [])
        hit = None
        for phrase, canon in cands:
            k = len(phrase)
            if i + k > len(words):
                continue
            seq = words[i : i + k]
            if all(a.lower() == b.lower() if b.islower() or not b.isalpha() else a == b
                   for (a, _, _), b in zip(seq, phrase, strict=True)) and all(
                    text[seq[j][2] : seq[j + 1][1]].strip() == "" for j in range(k - 1)):
                hit = (canon, s, seq[-1][2], k)
                break
        if hit:
            out.append(hit[:3])
            i += hit[3]
        else:
            i += 1
    if _STACK_CJK is not None:
        out.extend((_CJK_STACK[m.group(0)], m.start(), m.end()) for m in _STACK_CJK.finditer(text))
    return out
