"""The files a test stored: the test storage (in memory) lives as long as the process."""

from __future__ import annotations

from django.core.files.storage import default_storage


def stored_files(folder: str) -> set[str]:
    """Every file the default storage holds under ``folder``."""
    found: set[str] = set()

    def walk(path: str) -> None:
        try:
            dirs, names = default_storage.listdir(path)
        except FileNotFoundError:
            return
        found.update(f"{path}/{name}" for name in names)
        for sub in dirs:
            walk(f"{path}/{sub}")

    walk(folder)
    return found


def empty_folder(folder: str) -> None:
    """Delete what earlier tests stored under ``folder``."""
    for name in stored_files(folder):
        default_storage.delete(name)
