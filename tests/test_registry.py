"""Every real sample file is claimed by its own reader and by no earlier one."""

from __future__ import annotations

import pytest

from colleague.sources import registry

from conftest import SAMPLES

EXPECTED = {
    "dingtalk": "dingtalk",
    "discord-chat-exporter": "discord",
    "feishu-lark": "feishu",
    "irc-logs": "irc",
    "mattermost-bulk-export": "mattermost",
    "ms-teams": "teams",
    "qq": "qq",
    "slack-export": "slack",
    "telegram-desktop": "telegram",
    "wechat": "pywxdump",
    "wecom-archive": "wecom",
}
# API documentation of message bodies, not an export anyone would have.
NOT_EXPORTS = {"message-content-by-msg_type.official-doc.json"}


def _samples() -> list[tuple[str, str]]:
    if not SAMPLES.exists():
        return []
    out = []
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        for item in sorted(folder.iterdir()):
            if item.name in ("SOURCE.txt", "README.md") or item.name in NOT_EXPORTS:
                continue
            out.append((folder.name, item.name))
    return out


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present")
@pytest.mark.parametrize(("folder", "name"), _samples())
def test_sample_identified_by_its_reader(folder: str, name: str) -> None:
    reader = registry.identify(SAMPLES / folder / name)
    assert reader is not None, f"{folder}/{name}: no reader"
    assert reader.name == EXPECTED[folder], f"{folder}/{name} claimed by {reader.name}"


def test_every_reader_is_named_and_described() -> None:
    names = registry.names()
    assert len(names) == len(set(names))
    for required in ("slack", "feishu", "dingtalk", "qq", "wechatmsg", "pywxdump", "wecom",
                     "discord", "telegram", "mattermost", "teams", "irc", "mbox", "eml",
                     "maildir", "git", "docs"):
        assert required in names
    assert all(r.description for r in registry.readers())
