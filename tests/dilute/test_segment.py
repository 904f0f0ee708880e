"""The segmenter: lossless on any text, Markdown-aware, body/rebuild round trips."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from colleague.dilute.segment import Segment, body, lang_of, rebuild, segment

from conftest import shared_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "documents"

DOC = """---
title: 支付服务
---
# 支付服务 On-call 手册

## 告警处理
如果 p99 > 2s，就先看 `pay-gateway` 的监控。
第二行续行。

1. 登录跳板机
   - 执行 `kubectl get pods`
     继续说明
2) 回滚
   ```bash
   kubectl rollout undo deploy/pay
   ```

> 引用 quote
> 第二行
>
> > nested

| 指标 | 阈值 |
|---|---|
| p99 | 2s |

    indented code

***
Setext
======
<!-- comment
-->
```py
unclosed
"""


def kinds(text: str) -> list[tuple[str, int, str]]:
    return [(s.kind, s.level, s.marker) for s in segment(text) if s.kind != "blank"]


def check_lossless(text: str) -> list[Segment]:
    segs = segment(text)
    assert "".join(s.text for s in segs) == text
    pos = 0
    for s in segs:
        assert s.start == pos and s.end == pos + len(s.text) and text[s.start:s.end] == s.text
        assert s.text
        pos = s.end
        assert rebuild(s, body(s)) == s.text
    return segs


def test_structure_of_a_mixed_document() -> None:
    segs = check_lossless(DOC)
    got = [(s.kind, s.level, s.marker) for s in segs if s.kind != "blank"]
    assert got == [
        ("frontmatter", 0, "---"), ("heading", 1, "# "), ("heading", 2, "## "),
        ("paragraph", 0, ""), ("list_item", 0, "1. "), ("list_item", 1, "- "),
        ("list_item", 0, "2) "), ("code", 0, "```bash"), ("blockquote", 1, "> "),
        ("blockquote", 1, ">"), ("blockquote", 2, "> > "), ("table_row", 0, ""),
        ("table_sep", 0, ""), ("table_row", 0, ""), ("code", 0, ""), ("hr", 0, ""),
        ("heading", 1, ""), ("html", 0, ""), ("code", 0, "```py"),
    ]
    by_kind = {s.kind + str(i): s for i, s in enumerate(segs)}
    para = next(s for s in segs if s.kind == "paragraph")
    assert body(para) == "如果 p99 > 2s，就先看 `pay-gateway` 的监控。\n第二行续行。"
    assert para.section == ("支付服务 On-call 手册", "告警处理")
    assert para.lang == "zh"
    nested = next(s for s in segs if s.kind == "list_item" and s.level == 1)
    assert body(nested) == "执行 `kubectl get pods`\n继续说明"  # continuation line joined
    code = next(s for s in segs if s.marker == "```bash")
    assert body(code) == "kubectl rollout undo deploy/pay"  # fence indent removed
    assert segs[0].kind == "frontmatter" and body(segs[0]) == "title: 支付服务"
    h2 = next(s for s in segs if s.marker == "## ")
    assert h2.section == ("支付服务 On-call 手册",)  # a heading's section is its parents
    setext = next(s for s in segs if s.kind == "heading" and s.marker == "")
    assert body(setext) == "Setext" and setext.section == ()
    assert segs[-1].text == "```py\nunclosed\n"  # unclosed fence runs to the end
    assert by_kind


def test_rebuild_keeps_the_frame() -> None:
    segs = segment(DOC)
    nested = next(s for s in segs if s.kind == "list_item" and s.level == 1)
    assert rebuild(nested, "检查实例状态") == "   - 检查实例状态\n"
    assert rebuild(nested, "a\nb\nc") == "   - a\n     b\n     c\n"
    code = next(s for s in segs if s.marker == "```bash")
    assert rebuild(code, "echo ok\necho done") == "   ```bash\n   echo ok\n   echo done\n   ```\n"
    assert rebuild(code, "") == "   ```bash\n\n   ```\n"
    quote = next(s for s in segs if s.kind == "blockquote" and s.level == 2)
    assert rebuild(quote, "x\ny") == "> > x\n> > y\n"
    h = next(s for s in segs if s.marker == "## ")
    assert rebuild(h, "Alerts") == "## Alerts\n"
    closed = segment("### Title ###\n")[0]
    assert body(closed) == "Title" and rebuild(closed, "T") == "### T ###\n"


def test_fences_never_split() -> None:
    text = "- item\n\n  ```\n  a\n\n  # not a heading\n  - not an item\n  ```\n~~~~\n```\n~~~~\n"
    segs = check_lossless(text)
    codes = [s for s in segs if s.kind == "code"]
    assert [s.text for s in codes] == [
        "  ```\n  a\n\n  # not a heading\n  - not an item\n  ```\n", "~~~~\n```\n~~~~\n"]
    assert body(codes[1]) == "```"
    assert not any(s.kind == "heading" for s in segs)
    # a longer fence is only closed by one at least as long
    segs = check_lossless("`````md\n```\ninner\n```\n`````\nafter\n")
    assert [s.kind for s in segs] == ["code", "paragraph"]
    # a fence inside a quote stays in one quote segment across its empty lines
    segs = check_lossless("> ```\n> a\n>\n> b\n> ```\n")
    assert [s.kind for s in segs] == ["blockquote"]


def test_crlf_bom_and_missing_final_newline() -> None:
    text = "\ufeff# 标题\r\n\r\n- 一\r\n  续\r\n- two\r\n\r\n```\r\ncode\r\n```"
    segs = check_lossless(text)
    assert [s.kind for s in segs] == ["heading", "blank", "list_item", "list_item", "blank",
                                      "code"]
    assert body(segs[0]) == "标题" and segs[0].start == 0 and segs[0].text.startswith("\ufeff")
    assert body(segs[2]) == "一\n续"
    assert rebuild(segs[2], "甲\n乙\n丙") == "- 甲\r\n  乙\r\n  丙\r\n"
    assert rebuild(segs[3], "x") == "- x\r\n"
    assert rebuild(segs[-1], "a\nb") == "```\r\na\r\nb\r\n```"
    last = segment("para one\nline two")[-1]
    assert rebuild(last, "new") == "new" and rebuild(last, "a\nb") == "a\nb"
    unclosed = segment("text\n\n```py")[-1]
    assert unclosed.kind == "code" and rebuild(unclosed, "x = 1") == "```py\nx = 1"


def test_lists_nesting_and_markers() -> None:
    text = ("* a\n  + b\n    1. c\n    2. d\n  + e\n* f\n\n10) g\n- [ ] task\n\n"
            "  indented para under list\n\nback to top\n")
    segs = check_lossless(text)
    items = [(body(s), s.level, s.marker) for s in segs if s.kind == "list_item"]
    assert items == [("a", 0, "* "), ("b", 1, "+ "), ("c", 2, "1. "), ("d", 2, "2. "),
                     ("e", 1, "+ "), ("f", 0, "* "), ("g", 0, "10) "), ("[ ] task", 0, "- ")]
    paras = [body(s) for s in segs if s.kind == "paragraph"]
    assert paras == ["indented para under list", "back to top"]


def test_tables_rules_setext_and_html() -> None:
    text = ("Title\n---\n\n| a | b |\n| :-- | --: |\n| 1 | 2 |\nafter\n\n---\n\n"
            "<div align=\"center\">\n<img src=x>\n</div>\n\n*emphasis* is not a list\n")
    segs = check_lossless(text)
    assert [s.kind for s in segs if s.kind != "blank"] == [
        "heading", "table_row", "table_sep", "table_row", "paragraph", "hr", "html",
        "paragraph"]
    assert segs[0].level == 2


def test_lang() -> None:
    assert lang_of("如果 p99 超过 2s，就回滚 PaymentGateway") == "zh"
    assert lang_of("Roll back the deploy if p99 exceeds 2s") == "en"
    assert lang_of("超过阈值就回滚 / Roll back when the threshold is exceeded") == "mixed"
    assert lang_of("| --- | 123 |") == "none"


MD_PIECES = st.sampled_from([
    "# ", "## ", "### x ###", "- ", "* ", "+ ", "1. ", "2) ", "  ", "    ", "\t", "> ", ">",
    "```", "~~~", "````py", "---", "+++", "***", "___", "===", "| a | b |", "|---|---|", "|",
    "<div>", "<!--", "-->", "text", "中文段落", "如果超过 500ms", "\n", "\r\n", "\r", "\n\n",
    " ", "`code`", "[link](http://x)", "\ufeff", "...",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(MD_PIECES, max_size=40).map("".join))
def test_lossless_on_markdownish_text(text: str) -> None:
    check_lossless(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_lossless_on_any_text(text: str) -> None:
    check_lossless(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(MD_PIECES, max_size=30).map("".join), st.text(
    alphabet=st.sampled_from("ab 中\n`~>#-"), max_size=30))
def test_rebuild_keeps_code_fences_balanced(text: str, new: str) -> None:
    for s in segment(text):
        if s.kind == "code" and s.marker and s.text.rstrip("\r\n").endswith(s.marker[:3]) \
                and s.text.count("\n") >= 1 and "`" not in new and "~" not in new:
            out = segment(rebuild(s, new))
            assert out[0].kind == "code" and "".join(x.text for x in out) == rebuild(s, new)


def test_lossless_on_fixture_documents() -> None:
    files = sorted(FIXTURES.rglob("*.md"))
    assert len(files) >= 6
    for f in files:
        check_lossless(f.read_text(encoding="utf-8"))


def test_lossless_on_real_documents() -> None:
    root = shared_path("data", "zh-workplace-text")
    files = sorted(root.rglob("*.md"))
    assert len(files) > 100
    kinds_seen: set[str] = set()
    for f in files:
        text = f.read_bytes().decode("utf-8", errors="replace")
        segs = segment(text)
        assert "".join(s.text for s in segs) == text, f
        for s in segs:
            assert rebuild(s, body(s)) == s.text, (f, s)
            kinds_seen.add(s.kind)
    assert {"heading", "paragraph", "list_item", "table_row", "code", "blank"} <= kinds_seen
