"""Full-text search over products (stub: the search issue owner replaces the internals)."""

from __future__ import annotations

from collections.abc import Iterable


def product_reindex(product_ids: Iterable[int]) -> None:
    """Recompute the search text (and any search index rows) of these products.

    Call after creating or changing products, or the shop, village or category they belong to.
    """
