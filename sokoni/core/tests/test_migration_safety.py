"""Migrations never lock readers out of a live table (sokoni.core.migration_safety): the rules
on sample SQL, and every migration of ours as PostgreSQL would run it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from sokoni.core.migration_safety import RELEASED, problems


@pytest.mark.parametrize(
    "sql",
    [
        'ALTER TABLE "orders_order" ALTER COLUMN "number" TYPE varchar(40);',
        'ALTER TABLE "orders_order" ALTER COLUMN "note" SET NOT NULL;',
        'ALTER TABLE "orders_order" ADD CONSTRAINT "total_positive" CHECK ("total" > 0);',
        'ALTER TABLE "orders_order" ADD CONSTRAINT "one_number" UNIQUE ("number");',
        'ALTER TABLE "orders_order" ADD COLUMN "seen_at" timestamptz DEFAULT (now()) NOT NULL;',
        # a PositiveSmallIntegerField as Django adds it: every row is checked under the lock
        'ALTER TABLE "orders_order" ADD COLUMN "tries" smallint DEFAULT 0 NOT NULL '
        'CHECK ("tries" >= 0);',
        'ALTER TABLE "orders_order" ADD COLUMN "code" varchar(8) NULL UNIQUE;',
        'VACUUM FULL "orders_order";',
        'REINDEX TABLE "orders_order";',
    ],
)
def test_reader_blocking_statements_on_a_live_table_are_named(sql):
    found = problems([sql])
    assert len(found) == 1
    assert found[0].statement == sql


@pytest.mark.parametrize(
    "sql",
    [
        'ALTER TABLE "orders_order" ADD COLUMN "note" text NULL;',
        'ALTER TABLE "orders_order" ADD COLUMN "paid" boolean DEFAULT false NOT NULL;',
        'ALTER TABLE "orders_order" ADD CONSTRAINT "total_positive" CHECK ("total" > 0) NOT VALID;',
        'ALTER TABLE "orders_order" VALIDATE CONSTRAINT "total_positive";',
        'ALTER TABLE "orders_order" RENAME COLUMN "note" TO "remark";',
        'CREATE INDEX CONCURRENTLY "order_note" ON "orders_order" ("note");',
        'REINDEX INDEX CONCURRENTLY "order_note";',
        "-- a comment",
    ],
)
def test_safe_statements_pass(sql):
    assert problems([sql]) == []


def test_a_data_step_beside_an_alter_of_a_live_table_is_named():
    """A migration is one transaction: the ALTER's lock lasts until its backfill ends."""
    statements = [
        'ALTER TABLE "orders_order" ADD COLUMN "note" text NULL;',
        "--\n-- Raw Python operation\n--",
    ]
    (found,) = problems(statements)
    assert found.table == "orders_order"
    assert "data step" in found.why
    assert problems(statements[:1]) == []


def test_a_table_created_in_the_same_migration_may_be_shaped_freely():
    statements = [
        'CREATE TABLE "trust_note" ("id" bigint NOT NULL PRIMARY KEY, "text" text NULL);',
        'ALTER TABLE "trust_note" ALTER COLUMN "text" SET NOT NULL;',
        'ALTER TABLE "trust_note" ADD CONSTRAINT "text_short" CHECK (length("text") < 9);',
    ]
    assert problems(statements) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_migration_of_ours_locks_readers_out_on_postgresql():
    """Every migration of Sokoni's apps, as `sqlmigrate` would print it for PostgreSQL; the
    ones released before this check (RELEASED) are known and may not grow."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQL and its locks are PostgreSQL's")
    loader = MigrationLoader(connection)
    graph = loader.graph
    ours = sorted(key for key in graph.nodes if graph.nodes[key].__module__.startswith("sokoni."))
    offenders = {}
    for key in ours:
        statements = loader.collect_sql([(graph.nodes[key], False)])
        found = problems(statements)
        if found:
            offenders[key] = found
    unknown = {
        key: [str(p) for p in found] for key, found in offenders.items() if key not in RELEASED
    }
    assert unknown == {}, (
        "These migrations would lock readers out of a live table; see "
        "sokoni/core/migration_safety.py for the safe way"
    )
    # The list of released offenders only shrinks: one that no longer offends leaves it.
    assert set(offenders) == set(RELEASED)
