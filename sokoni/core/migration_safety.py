"""Migrations must not lock readers out of a live table (docs/operations.md, "Migrations").

On PostgreSQL most ``ALTER TABLE`` forms take an ACCESS EXCLUSIVE lock, which queues every
reader behind it: harmless for a moment (adding a nullable column, renaming), but not while
the table is rewritten or scanned. ``problems`` reads the SQL a migration would run and names
each statement that would hold such a lock on a table the migration did not create itself:

- a column's type changed (a rewrite, or at least a scan);
- ``SET NOT NULL`` on an existing column (a full scan);
- a CHECK, UNIQUE, PRIMARY KEY or EXCLUDE constraint added without ``NOT VALID`` (a scan or an
  index build under the lock), also when it comes with a new column (Django writes a
  ``PositiveIntegerField``'s ``CHECK (x >= 0)`` into the ``ADD COLUMN``: every row is checked);
- a column added with a volatile default (``now()``, ``random()``, ...: a rewrite);
- ``VACUUM FULL``, ``CLUSTER``, ``REINDEX`` without ``CONCURRENTLY``;
- any ``ALTER TABLE`` of a live table in a migration that also runs a data step (RunPython,
  RunSQL): a migration is one transaction, so the ALTER's lock is held until the data step
  ends (a backfill scanning the table queues every reader behind it). The data step goes in
  a migration of its own.

The safe ways: add the column nullable and backfill in batches; add a CHECK ``NOT VALID`` then
``VALIDATE CONSTRAINT`` (a lighter lock); build a unique index CONCURRENTLY first. `make
serve-prod` also runs `migrate` with ``lock_timeout=5s``, so a migration that cannot get its
lock gives up instead of queueing readers behind it. Migrations already released are listed
in ``RELEASED`` (run once, on tables that were empty).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

_CREATED: Final = re.compile(r'CREATE TABLE\s+"?([\w.]+)"?', re.IGNORECASE)
_ALTER: Final = re.compile(r'ALTER TABLE\s+(?:ONLY\s+)?"?([\w.]+)"?\s+(.*)', re.IGNORECASE | re.S)
_RULES: Final = (
    (re.compile(r"ALTER COLUMN\s+\"?\w+\"?\s+(SET DATA\s+)?TYPE\b", re.I), "changes a column type"),
    (re.compile(r"ALTER COLUMN\s+\"?\w+\"?\s+SET NOT NULL", re.I), "sets NOT NULL (full scan)"),
    (
        re.compile(r"ADD CONSTRAINT\s+\"?\w+\"?\s+(CHECK|UNIQUE|PRIMARY KEY|EXCLUDE)\b", re.I),
        "adds a constraint that is checked under the lock",
    ),
    (
        re.compile(r"ADD COLUMN\b.*\b(CHECK|UNIQUE|PRIMARY KEY)\b", re.I | re.S),
        "adds a column with a constraint that every row is checked against under the lock",
    ),
    (
        re.compile(
            r"ADD COLUMN\b.*\bDEFAULT\s+\(?\s*(now|random|gen_random_uuid|clock_timestamp|"
            r"statement_timestamp|uuid_generate_v4)\s*\(",
            re.I | re.S,
        ),
        "adds a column with a volatile default (rewrite)",
    ),
)
_WHOLE_TABLE: Final = re.compile(
    r"^\s*(VACUUM\s+FULL|CLUSTER\b|REINDEX\s+(?!.*CONCURRENTLY))", re.IGNORECASE
)

# Released before this check existed (no installation held data yet when they ran).
RELEASED: Final = frozenset(
    {
        # Each adds a CHECK constraint to a table that existed; they ran on empty tables.
        ("catalog", "0005_commission_and_shipping_fee"),
        ("catalog", "0006_remove_shop_shop_shipping_fee_not_negative_and_more"),
        ("orders", "0002_assisted_orders"),
        ("orders", "0004_checkout_destination_hub_order_delivered_at_and_more"),
        ("orders", "0006_dispute_evidence"),
        ("payments", "0003_fx_rates"),
        ("payments", "0004_payments_and_payouts"),
        # Each adds a column and fills it in the same transaction (released before that rule).
        ("catalog", "0004_product_is_listed"),
        ("catalog", "0007_productimage_colour"),
        ("orders", "0005_checkout_address_key"),
        ("villages", "0004_villagephoto_colour"),
    }
)


@dataclass(frozen=True)
class Problem:
    table: str
    why: str
    statement: str

    def __str__(self) -> str:
        return f"{self.table}: {self.why}: {self.statement[:160]}"


# What `sqlmigrate` prints for RunPython and RunSQL's comment of an operation it cannot show.
_DATA_CHANGE: Final = re.compile(r"^--\s*(Raw Python operation|Raw SQL operation)", re.I | re.M)


def problems(statements: Iterable[str]) -> list[Problem]:
    """The statements that would lock readers out of a table that already existed."""
    statements = list(statements)
    changes_data = any(_DATA_CHANGE.search(s) for s in statements)
    statements = [s for s in statements if s.strip() and not s.lstrip().startswith("--")]
    created = {m.group(1).lower() for s in statements for m in [_CREATED.search(s)] if m}
    found = []
    for statement in statements:
        if _WHOLE_TABLE.search(statement):
            found.append(Problem("?", "rewrites or locks a whole table", statement.strip()))
            continue
        altered = _ALTER.search(statement)
        if altered is None or altered.group(1).lower() in created:
            continue
        for rule, why in _RULES:
            if rule.search(altered.group(2)) and "NOT VALID" not in statement.upper():
                found.append(Problem(altered.group(1), why, statement.strip()))
                break
        else:
            if changes_data:
                why = "holds its lock while the same migration's data step runs"
                found.append(Problem(altered.group(1), why, statement.strip()))
    return found
