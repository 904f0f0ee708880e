"""Secrets the tool keeps (live collector tokens, LLM API keys): OS keyring or a 0600 file.

The OS keyring is used when the `keyring` package is installed and a real backend answers;
otherwise `credentials.json` in the workspace, created with mode 0600 and replaced atomically
(temp file + fsync + rename). A secret's value is wrapped in `Secret`, whose repr and str are
masked, so printing or logging a credential never shows it; `.reveal()` is the only way out.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any, Protocol

FILE_NAME = "credentials.json"
SERVICE = "colleague"
MASK = "********"


class CredentialError(RuntimeError):
    """The credential store cannot be read or written (e.g. the file is world-readable)."""


class Secret:
    """A secret string that does not show itself in repr/str/format/logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


class Backend(Protocol):
    name: str

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...
    def delete(self, key: str) -> bool: ...
    def keys(self) -> list[str]: ...


class FileBackend:
    """credentials.json in the workspace, mode 0600, written atomically."""

    name = "file"

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / FILE_NAME

    def __repr__(self) -> str:
        return f"FileBackend({self.path})"

    def _load(self) -> dict[str, str]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return {}
        if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CredentialError(
                f"{self.path} is readable by others (mode {stat.S_IMODE(st.st_mode):o}); "
                f"run `chmod 600 {self.path}`"
            )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            # Never echo the content: it is secrets.
            raise CredentialError(f"{self.path}: unreadable credential file") from exc
        if not isinstance(data, dict):
            raise CredentialError(f"{self.path}: unreadable credential file")
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # umask cannot widen it, an old temp file cannot either
            os.write(fd, json.dumps(data, indent=1, sort_keys=True).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)

    def get(self, key: str) -> str | None:
        return self._load().get(key)

    def set(self, key: str, value: str) -> None:
        data = self._load()
        data[key] = value
        self._save(data)

    def delete(self, key: str) -> bool:
        data = self._load()
        if key not in data:
            return False
        del data[key]
        self._save(data)
        return True

    def keys(self) -> list[str]:
        return sorted(self._load())


class KeyringBackend:
    """The OS keyring. The keyring cannot list entries, so key names are kept beside it in
    the workspace (names only, never values)."""

    name = "keyring"

    def __init__(self, home: Path, module: Any) -> None:
        self.keyring = module
        self.index = Path(home) / "credentials.keys"

    def _names(self) -> list[str]:
        try:
            return sorted(set(json.loads(self.index.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            return []

    def _save_names(self, names: list[str]) -> None:
        self.index.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.index.with_name(f".{self.index.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps(sorted(set(names))).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.index)

    def get(self, key: str) -> str | None:
        value = self.keyring.get_password(SERVICE, key)
        return None if value is None else str(value)

    def set(self, key: str, value: str) -> None:
        self.keyring.set_password(SERVICE, key, value)
        self._save_names([*self._names(), key])

    def delete(self, key: str) -> bool:
        if self.get(key) is None:
            return False
        self.keyring.delete_password(SERVICE, key)
        self._save_names([k for k in self._names() if k != key])
        return True

    def keys(self) -> list[str]:
        return self._names()


def _working_keyring() -> Any | None:
    """The keyring module if it is installed and its backend is a real one."""
    try:
        import keyring  # type: ignore[import-not-found]
        from keyring.backends import fail  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or float(getattr(backend, "priority", 0)) <= 0:
            return None
        keyring.get_password(SERVICE, "__probe__")
    except Exception:  # noqa: BLE001 - any backend failure means "use the file"
        return None
    return keyring


class Credentials:
    """get/set/delete secrets by name; values come back as `Secret`."""

    def __init__(self, home: str | os.PathLike[str], *, backend: str = "auto") -> None:
        home = Path(home)
        module = _working_keyring() if backend in ("auto", "keyring") else None
        if backend == "keyring" and module is None:
            raise CredentialError("no working OS keyring (install `keyring` or use the file)")
        self.backend: Backend = KeyringBackend(home, module) if module else FileBackend(home)

    def __repr__(self) -> str:
        return f"Credentials(backend={self.backend.name}, keys={self.keys()})"

    def get(self, key: str) -> Secret | None:
        value = self.backend.get(key)
        return None if value is None else Secret(value)

    def set(self, key: str, value: str | Secret) -> None:
        if not key or not key.strip():
            raise CredentialError("a credential needs a name")
        raw = value.reveal() if isinstance(value, Secret) else value
        self.backend.set(key, raw)

    def delete(self, key: str) -> bool:
        return self.backend.delete(key)

    def keys(self) -> list[str]:
        return self.backend.keys()
