import pytest

from sokoni.core.tests import storage


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
    storage.empty_folder("products")
    return lambda: sorted(storage.stored_files("products"))
