"""Where all state lives: --home DIR, else $COLLEAGUE_HOME, else the user data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "COLLEAGUE_HOME"


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    if home:
        return Path(home).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("colleague", appauthor=False))


@dataclass(frozen=True)
class Workspace:
    home: Path

    @classmethod
    def at(cls, home: str | os.PathLike[str] | None = None) -> Workspace:
        return cls(resolve_home(home))

    @property
    def db_path(self) -> Path:
        return self.home / "corpus.db"

    @property
    def skills_dir(self) -> Path:
        return self.home / "skills"

    def ensure(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
