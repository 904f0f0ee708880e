"""Every planted credential is removed with a fixed marker; the value never reaches a finding."""

from __future__ import annotations

import pytest

from colleague.privacy import redact_secrets
from colleague.privacy.secrets import RECOGNIZERS, find_secrets, might_hold_secret

# (planted text, expected output) — fake values shaped like the real ones.
PLANTED = [
    ("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID=[REDACTED:aws_key]"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     "aws_secret_access_key = [REDACTED:aws_secret]"),
    ("key: AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "key: [REDACTED:gcp_api_key]"),
    ("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
     "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
     "EndpointSuffix=core.windows.net",
     "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[REDACTED:azure_key];"
     "EndpointSuffix=core.windows.net"),
    ("阿里云 AccessKeyId: LTAI5tQ7mXbZ9kR2yP8sNwVh", "阿里云 AccessKeyId: [REDACTED:alibaba_key]"),
    ("腾讯云 SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
     "腾讯云 SecretId=[REDACTED:tencent_key]"),
    ("export GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a",
     "export GITHUB_TOKEN=[REDACTED:github_token]"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
     "[REDACTED:github_token]"),
    ("CI uses glpat-xJ3k9Lm2Pq8Rs4Tv6Wy1 now", "CI uses [REDACTED:gitlab_token] now"),
    ("SLACK_BOT_TOKEN=xoxb-2648123456-3312345678901-AbCdEfGhIjKlMnOpQrStUvWx",
     "SLACK_BOT_TOKEN=[REDACTED:slack_token]"),
    ("post to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX ok",
     "post to [REDACTED:slack_webhook] ok"),
    ("飞书机器人 https://open.feishu.cn/open-apis/bot/v2/hook/2c1f5e6a-8d3b-4f1e-9a7c-0b2d4e6f8a1c",
     "飞书机器人 [REDACTED:feishu_webhook]"),
    ("钉钉 https://oapi.dingtalk.com/robot/send?access_token="
     "5f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b",
     "钉钉 https://oapi.dingtalk.com/robot/send?access_token=[REDACTED:dingtalk_webhook]"),
    ("加签 SEC" + "a1b2c3d4" * 8, "加签 [REDACTED:dingtalk_secret]"),
    ("app_secret: Xk9mQ2vR7tY4wZ1pL6nB3cF8", "app_secret: [REDACTED:api_key]"),
    ("tenant_access_token t-g1044ghJIJSHHJ6QFNDN7L2JOMCTAPEMK5KNRLFW",
     "tenant_access_token [REDACTED:feishu_token]"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "Authorization: Bearer [REDACTED:jwt]"),
    ("curl -H 'Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543' https://api.example.com/v1",
     "curl -H 'Authorization: Bearer [REDACTED:bearer_token]' https://api.example.com/v1"),
    ("git clone https://deploy:s3cretPa55@git.example.com/team/app.git",
     "git clone https://deploy:[REDACTED:url_password]@git.example.com/team/app.git"),
    ("DATABASE_URL=postgresql://app:Tr0ub4dor&3@db.internal:5432/prod",
     "DATABASE_URL=postgresql://app:[REDACTED:db_password]@db.internal:5432/prod"),
    ("mongodb+srv://admin:pa55word@cluster0.example.net/test",
     "mongodb+srv://admin:[REDACTED:db_password]@cluster0.example.net/test"),
    ("redis://:foobared99@cache:6379/0", "redis://:[REDACTED:db_password]@cache:6379/0"),
    ("url=jdbc:mysql://db.internal:3306/hr?user=root&password=Hr#2024!&useSSL=false",
     "url=jdbc:mysql://db.internal:3306/hr?user=root&password=[REDACTED:jdbc_password]&useSSL=false"),
    ("password=hunter2", "password=[REDACTED:password]"),
    ("  passwd: 'CorrectHorse9'", "  passwd: '[REDACTED:password]'"),
    ("pwd = Zz8#kk1", "pwd = [REDACTED:password]"),
    ("the wifi password is Guest@2024 today", "the wifi password is [REDACTED:password] today"),
    ("服务器密码：Abc@12345，别外传", "服务器密码：[REDACTED:password]，别外传"),
    ("管理口令是 qwe!23RT", "管理口令是 [REDACTED:password]"),
    ("API 密钥：9fK2mX7qL4vR8tY1wZ6pN3bC", "API 密钥：[REDACTED:api_key]"),
    ("令牌=Qm9vL2Zvb2JhcjEyMzQ1Njc4OQ", "令牌=[REDACTED:api_key]"),
]


@pytest.mark.parametrize(("text", "expected"), PLANTED)
def test_planted_secret_is_removed(text: str, expected: str) -> None:
    out, findings = redact_secrets(text)
    assert out == expected
    assert findings and all(f.action == "redact" and f.category == "secret" for f in findings)


def test_private_key_block_is_removed_whole() -> None:
    text = ("key file:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
            "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n"
            "-----END RSA PRIVATE KEY-----\nthanks")
    out, findings = redact_secrets(text)
    assert out == "key file:\n[REDACTED:private_key]\nthanks"
    assert [f.type for f in findings] == ["private_key"]


def test_gcp_service_account_json_private_key() -> None:
    text = ('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN'
            'BgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n", "client_email": "x@y.iam.gserviceaccount.com"}')
    out, _ = redact_secrets(text)
    assert "MIIEvQ" not in out and '"private_key": "[REDACTED:private_key]\\n"' in out


def test_findings_never_carry_the_value() -> None:
    _, findings = redact_secrets("password=hunter2 and ghp_16C7e42F292c6912E7710c838347Ae178B4a")
    dumped = repr(findings) + repr([f.as_json() for f in findings])
    assert "hunter2" not in dumped and "ghp_16C7" not in dumped
    assert findings[0].as_json() == {"type": "password", "start": 9, "end": 16, "action": "redact"}


@pytest.mark.parametrize("text", [
    "password = None", "password: ${DB_PASSWORD}", "password=os.environ['PW']",
    "If no password is given, ask for one", "password = getpass('SSH password: ')",
    "会议密码：\\*\\*\\*\\*（群内通知）", "新增强制修改密码 #9231",
    "token = get_token_from_environment()", "the key is the_primary_lookup_table",
    "commit 6f629fcc23ba63342548f61cc7307eeef4f55799", "uuid 123e4567-e89b-12d3-a456-426614174000",
    "monkey patching the keyboard handler", "https://example.com/search?q=python&page=2",
])
def test_not_a_secret(text: str) -> None:
    assert redact_secrets(text) == (text, [])


def test_prefilter_rejects_plain_text_and_every_recognizer_has_triggers() -> None:
    assert not might_hold_secret("Merge pull request #1234 from user/fix-typo")
    assert not might_hold_secret("修复了仪表板刷新的问题")
    assert all(r.triggers for r in RECOGNIZERS)
    # every trigger-gated recognizer passes the global pre-filter on its own planted example
    for text, _ in PLANTED:
        assert might_hold_secret(text), text


def test_overlapping_detectors_give_one_finding() -> None:
    hits = find_secrets("token=ghp_16C7e42F292c6912E7710c838347Ae178B4a")
    assert [(h.type, h.start) for h in hits] == [("github_token", 6)]
