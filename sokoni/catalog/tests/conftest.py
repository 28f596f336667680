import pytest
from django.core.files.storage import default_storage


@pytest.fixture
def reindexed(monkeypatch):
    """Record the product ids that services ask search to reindex."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        "sokoni.catalog.search.product_reindex", lambda ids: calls.append(sorted(ids))
    )
    return calls


@pytest.fixture
def stored_files():
    """List every file the default storage holds under products/ (emptied first)."""

    def files() -> list[str]:
        found: list[str] = []

        def walk(path: str) -> None:
            try:
                dirs, names = default_storage.listdir(path)
            except FileNotFoundError:
                return
            found.extend(f"{path}/{name}" for name in names)
            for sub in dirs:
                walk(f"{path}/{sub}")

        walk("products")
        return sorted(found)

    for name in files():  # the in-memory storage lives as long as the test process
        default_storage.delete(name)
    return files
