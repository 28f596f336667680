"""What one order costs the primary database: rows, bytes, WAL and time (docs/scaling.md).

A fresh PostgreSQL database (``sokoni_bench_footprint`` on ``BENCH_POSTGRES_URL``), migrated and
seeded with the demo world; then, in this one process, one at a time, ``--orders`` orders go
through their whole life by the real services: placed (two products of one shop, delivered to a
Nairobi address), paid by the sandbox card, shipped by the seller, received by the buyer (the
escrow released to the seller's wallet, less the commission). Before and after, after a plain
``VACUUM ANALYZE``: every table's rows and ``pg_total_relation_size``, and the WAL position.
Then ``manage.py backup`` of the whole database and ``manage.py restore`` into a new one, timed.

    .venv/bin/python bench/order_footprint.py                 # 1,000 orders
    .venv/bin/python bench/order_footprint.py --orders 200 --json

The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
NAME = "sokoni_bench_footprint"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql)


def _manage(*args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)
    return time.perf_counter() - started


def _sizes(*, full: bool = False) -> dict[str, tuple[int, int]]:
    """Rows and bytes (table, indexes, TOAST) of every table, after VACUUM ANALYZE (FULL:
    rewritten compact, without the room the status updates left behind)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE" if full else "VACUUM ANALYZE")
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        out = {}
        for table in tables:
            cursor.execute(
                f'SELECT COUNT(*), pg_total_relation_size(%s) FROM "{table}"',  # noqa: S608 (catalogue names)
                [f'"{table}"'],
            )
            rows, size = cursor.fetchone()
            out[table] = (int(rows), int(size))
        return out


def _wal() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def _run_orders(count: int) -> dict[str, float]:
    from django.db.models import Count

    from sokoni.accounts.models import User
    from sokoni.catalog.models import Product, Shop
    from sokoni.orders.services.checkout import Delivery, checkout_pay, checkout_place
    from sokoni.orders.services.lifecycle import order_confirm_receipt, order_ship
    from sokoni.orders.states import DeliveryMethod
    from sokoni.payments.states import PaymentMethod
    from sokoni.shipping.models import Hub
    from sokoni.web.demo.world import DEMO_ACCOUNTS

    phones = {account.role: account.phone for account in DEMO_ACCOUNTS}
    buyer = User.objects.get(phone=phones["buyer"])
    seller = User.objects.get(phone=phones["seller"])
    shop = (
        Shop.objects.filter(owner=seller)
        .annotate(n=Count("products"))
        .filter(n__gte=2)
        .order_by("pk")
        .first()
    )
    products = list(Product.objects.filter(shop=shop, is_listed=True).order_by("pk")[:2])
    Product.objects.filter(pk__in=[p.pk for p in products]).update(stock=10 * count + 100)
    delivery = Delivery(
        method=DeliveryMethod.ADDRESS,
        recipient_name=buyer.name,
        recipient_phone=buyer.phone,
        address="Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi",
        hub_id=Hub.objects.get(code="nairobi").pk,
    )
    spent = {"place": 0.0, "pay": 0.0, "ship": 0.0, "receive": 0.0}
    for number in range(count):
        started = time.perf_counter()
        checkout = checkout_place(
            buyer=buyer,
            items=[(products[0].pk, 1), (products[1].pk, 1 + number % 3)],
            currency=buyer.currency,
            delivery=delivery,
        )
        placed = time.perf_counter()
        checkout_pay(
            checkout=checkout,
            actor=buyer,
            method=PaymentMethod.CARD,
            card_number="4242424242424242",
        )
        order = checkout.orders.get()
        paid = time.perf_counter()
        order = order_ship(order=order, actor=seller, tracking_ref=f"BENCH-{number}")
        shipped = time.perf_counter()
        order_confirm_receipt(order=order, actor=buyer)
        done = time.perf_counter()
        spent["place"] += placed - started
        spent["pay"] += paid - placed
        spent["ship"] += shipped - paid
        spent["receive"] += done - shipped
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    url = f"{SERVER}/{NAME}"
    scratch = Path(tempfile.mkdtemp(prefix="sokoni-footprint-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "sokoni.settings",
        "SOKONI_VAR_DIR": str(scratch),
        "PYTHONPATH": str(ROOT),
    }
    _admin(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    _admin(f'DROP DATABASE IF EXISTS "{NAME}_restored" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{NAME}"')
    os.environ.update(env)
    _manage("migrate", "--noinput", "-v0", env=env)
    seed = _manage("seed_demo", "--products", str(args.products), env=env)

    import django

    django.setup()
    from django.conf import settings

    before, wal_before = _sizes(), _wal()
    # The tasks the services defer (reservation expiry, auto-release) are queued in the
    # database (django-tasks-db, the default backend) and not run: their rows count.
    started = time.perf_counter()
    spent = _run_orders(args.orders)
    wall = time.perf_counter() - started
    wal_after = _wal()
    after = _sizes()
    # The same before and after, rewritten compact: the bytes an order keeps for good.
    compact_after = _sizes(full=True)

    n = args.orders
    per_table = []
    for table, (rows, size) in after.items():
        rows0, size0 = before.get(table, (0, 0))
        if rows != rows0 or size != size0:
            per_table.append((table, (rows - rows0) / n, (size - size0) / n))
    per_table.sort(key=lambda row: -row[2])
    total_bytes = sum(size for _, size in after.values()) - sum(s for _, s in before.values())
    total_rows = sum(r for r, _ in after.values()) - sum(r for r, _ in before.values())
    # Over the tables the orders wrote: VACUUM FULL also shrinks what seeding left loose.
    compact_bytes = sum(compact_after[t][1] - before.get(t, (0, 0))[1] for t, _, _ in per_table)

    backups = scratch / "backups"
    backup_seconds = _manage("backup", "--output-dir", str(backups), env=env)
    (archive,) = backups.glob("*.tar")
    _admin(f'CREATE DATABASE "{NAME}_restored"')
    restore_seconds = _manage(
        "restore",
        str(archive),
        "--database-url",
        f"{url}_restored",
        "--media-root",
        str(scratch / "media-restored"),
        env=env,
    )
    database_bytes = sum(size for _, size in after.values())
    figures = {
        "orders": n,
        "products": args.products,
        "seed_seconds": round(seed, 1),
        "wall_seconds": round(wall, 2),
        "orders_per_second_one_process": round(n / wall, 1),
        "ms_per_order": {k: round(1000 * v / n, 2) for k, v in spent.items()},
        "rows_per_order": round(total_rows / n, 1),
        "bytes_per_order": round(total_bytes / n),
        "compact_bytes_per_order": round(compact_bytes / n),
        "wal_bytes_per_order": round((wal_after - wal_before) / n),
        "tables": [
            {
                "table": t,
                "rows_per_order": round(r, 2),
                "bytes_per_order": round(b),
                "compact_bytes_per_order": round(
                    (compact_after[t][1] - before.get(t, (0, 0))[1]) / n
                ),
            }
            for t, r, b in per_table
        ],
        "database_bytes": database_bytes,
        "database_rows": sum(rows for rows, _ in after.values()),
        "backup_seconds": round(backup_seconds, 1),
        "archive_bytes": archive.stat().st_size,
        "restore_seconds": round(restore_seconds, 1),
        "load_average": os.getloadavg(),
        "engine": settings.DATABASES["default"]["ENGINE"],
    }
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _admin(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        _admin(f'DROP DATABASE IF EXISTS "{NAME}_restored" WITH (FORCE)')
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    print(f"{n} orders, one process: {figures['orders_per_second_one_process']} orders/s")
    print("ms per order:", figures["ms_per_order"])
    print(
        f"per order: {figures['rows_per_order']} rows, {figures['bytes_per_order']:,} bytes "
        f"after VACUUM, {figures['compact_bytes_per_order']:,} after VACUUM FULL, "
        f"{figures['wal_bytes_per_order']:,} WAL bytes"
    )
    print("| table | rows per order | bytes per order (VACUUM) | (VACUUM FULL) |")
    print("| --- | --- | --- | --- |")
    for row in figures["tables"]:
        print(
            f"| `{row['table']}` | {row['rows_per_order']} | {row['bytes_per_order']:,} "
            f"| {row['compact_bytes_per_order']:,} |"
        )
    print(
        f"backup: {figures['backup_seconds']} s, {figures['archive_bytes']:,} bytes archive "
        f"for {database_bytes:,} database bytes ({figures['database_rows']:,} rows); "
        f"restore (with verification): {figures['restore_seconds']} s"
    )
    print("load average:", figures["load_average"])


if __name__ == "__main__":
    main()
