"""Running this project in a fresh interpreter with its real settings (not the test ones), as
a server would start: a clean environment with only what is given on top."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[3]
# Inherited from the test run: enough to find programs and the database, nothing that would
# change what the settings decide (DEBUG, HTTPS, SECRET_KEY, REDIS_URL, TASK_QUEUE...).
INHERITED: Final = frozenset({"PATH", "HOME", "LANG", "DATABASE_URL"})


def settings_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """The environment of a process using ``sokoni.settings`` with its files in ``tmp_path``
    and ``env`` on top."""
    return {
        **{k: v for k, v in os.environ.items() if k in INHERITED},
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "sokoni.settings",
        "SOKONI_VAR_DIR": str(tmp_path),
        **env,
    }
