"""Credentials: 0600 files written atomically, masked everywhere, keyring when one works."""

from __future__ import annotations

import logging
import os
import pickle
import stat
import sys
import types
from pathlib import Path

import pytest

from colleague.privacy import credentials
from colleague.privacy.credentials import CredentialError, Credentials, Secret

TOKEN = "xoxb-1234567890-abcdefghijklmnop"


def test_file_is_created_0600_and_replaced_atomically(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = Credentials(tmp_path, backend="file")
        store.set("slack.token", TOKEN)
        store.set("llm.key", "sk-test-000111222333")
    finally:
        os.umask(old)
    path = tmp_path / credentials.FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [credentials.FILE_NAME]  # no temp left
    assert store.keys() == ["llm.key", "slack.token"]
    assert store.get("slack.token") == Secret(TOKEN)
    assert store.get("slack.token").reveal() == TOKEN  # type: ignore[union-attr]
    assert Credentials(tmp_path, backend="file").get("llm.key").reveal() == "sk-test-000111222333"  # type: ignore[union-attr]
    assert store.delete("slack.token") and not store.delete("slack.token")
    assert store.get("slack.token") is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_values_never_show(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = Credentials(tmp_path, backend="file")
    store.set("slack.token", TOKEN)
    secret = store.get("slack.token")
    assert secret is not None
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}",
             repr(store), repr(store.backend), repr({"t": secret}), repr([secret])]
    assert all(TOKEN not in s for s in shown)
    assert repr(secret) == "Secret(********)" and str(secret) == "********"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("colleague.test").info("token is %s / %r", secret, secret)
    assert TOKEN not in caplog.text and "********" in caplog.text
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_a_readable_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    store = Credentials(tmp_path, backend="file")
    store.set("k", TOKEN)
    path = tmp_path / credentials.FILE_NAME
    path.chmod(0o644)
    with pytest.raises(CredentialError, match="readable by others") as info:
        store.get("k")
    assert TOKEN not in str(info.value)
    path.chmod(0o600)
    path.write_text('{"k": "' + TOKEN + '"', encoding="utf-8")  # broken JSON
    with pytest.raises(CredentialError, match="unreadable credential file") as info:
        store.get("k")
    assert TOKEN not in str(info.value)


def test_a_name_is_required(tmp_path: Path) -> None:
    with pytest.raises(CredentialError):
        Credentials(tmp_path, backend="file").set(" ", "x")


def test_without_keyring_the_file_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import fails
    store = Credentials(tmp_path)
    assert store.backend.name == "file"
    with pytest.raises(CredentialError, match="no working OS keyring"):
        Credentials(tmp_path, backend="keyring")


def _fake_keyring(monkeypatch: pytest.MonkeyPatch, priority: float) -> dict:
    vault: dict = {}

    class FailKeyring:
        priority = 0

    class Backend:
        pass

    Backend.priority = priority  # type: ignore[attr-defined]
    fail_mod = types.ModuleType("keyring.backends.fail")
    fail_mod.Keyring = FailKeyring  # type: ignore[attr-defined]
    backends = types.ModuleType("keyring.backends")
    backends.fail = fail_mod  # type: ignore[attr-defined]
    mod = types.ModuleType("keyring")
    mod.backends = backends  # type: ignore[attr-defined]
    mod.get_keyring = lambda: Backend()  # type: ignore[attr-defined]
    mod.get_password = lambda s, k: vault.get((s, k))  # type: ignore[attr-defined]
    mod.set_password = lambda s, k, v: vault.__setitem__((s, k), v)  # type: ignore[attr-defined]
    mod.delete_password = lambda s, k: vault.pop((s, k))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", mod)
    monkeypatch.setitem(sys.modules, "keyring.backends", backends)
    monkeypatch.setitem(sys.modules, "keyring.backends.fail", fail_mod)
    return vault


def test_a_working_keyring_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = _fake_keyring(monkeypatch, priority=5)
    store = Credentials(tmp_path)
    assert store.backend.name == "keyring"
    store.set("llm.key", TOKEN)
    assert vault == {("colleague", "llm.key"): TOKEN}
    assert store.get("llm.key") == Secret(TOKEN) and store.keys() == ["llm.key"]
    assert not (tmp_path / credentials.FILE_NAME).exists()
    # Only key names are kept beside the keyring, never values.
    index = tmp_path / "credentials.keys"
    assert TOKEN not in index.read_text(encoding="utf-8")
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
    assert store.delete("llm.key") and vault == {} and store.keys() == []


def test_a_keyring_without_a_real_backend_falls_back(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_keyring(monkeypatch, priority=0)
    assert Credentials(tmp_path).backend.name == "file"
