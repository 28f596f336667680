"""Measure one seeded database in-process; print the results as JSON on stdout.

Run by bench/run.py in a child process whose environment (SOKONI_VAR_DIR, DATABASE_URL) points
at the database to measure. Requests go through Django's full stack (middleware, URL routing,
views, templates, gzip) with the test Client, so the times are server times without the network.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sokoni.settings")

import django  # noqa: E402

django.setup()
# Server errors are counted in the results; their tracebacks would drown the output.
logging.getLogger("django.request").setLevel(logging.CRITICAL)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models.functions import Length  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from sokoni.catalog.models import Category, Product, Shop  # noqa: E402
from sokoni.villages.models import Village  # noqa: E402

# Queries a buyer types: real words, typos ("cofee", "tomatos"), two-word queries, places.
SEARCHES = [
    "coffee",
    "cofee",
    "honey",
    "hony",
    "sandals",
    "sandles",
    "silk scarf",
    "quinoa",
    "quinao",
    "jaggery",
    "alpaca",
    "alpacca",
    "bookshelf",
    "bokshelf",
    "tea",
    "avocado",
    "avocados",
    "berbere",
    "charango",
    "patachitra",
    "mandarin",
    "mandarins jeju",
    "wardrobe",
    "tomatos",
    "organic honey",
    "coorg",
    "kenya tea",
    "pottery",
    "basket",
    "goat",
    "turmeric",
    "cardamon",
]
SEARCH_EXTRAS = ["", "", "", "&sort=price", "&sort=newest", "&page=2"]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        index = min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))
        return round(ordered[index], 2)

    return {
        "n": len(ordered),
        "p50": pick(0.50),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": round(ordered[-1], 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def blocking_assets(html: str) -> list[str]:
    """URLs of render-blocking stylesheets and scripts in a page's HTML."""
    urls = []
    for tag in re.findall(r"<link\b[^>]*>", html, flags=re.I):
        if re.search(r"rel=[\"']?stylesheet", tag, re.I) and not re.search(
            r"media=[\"']?print", tag, re.I
        ):
            href = re.search(r"href=[\"']([^\"']+)", tag)
            if href:
                urls.append(href.group(1))
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        src = re.search(r"src=[\"']([^\"']+)", tag)
        if src and not re.search(r"\b(async|defer)\b|type=[\"']?module", tag, re.I):
            urls.append(src.group(1))
    return urls


def asset_bytes(url: str) -> bytes:
    """The bytes of a static file as served (from STATIC_ROOT after collectstatic)."""
    path = url.split("?")[0]
    if path.startswith(settings.STATIC_URL):
        return (Path(settings.STATIC_ROOT) / path[len(settings.STATIC_URL) :]).read_bytes()
    raise ValueError(f"not a static file: {url}")


def sample_pages() -> dict[str, list[str]]:
    """URLs of each page type; the heaviest of each type is the one reported."""
    villages = list(Village.objects.filter(status="approved").order_by("pk"))
    shops = list(Shop.objects.filter(status="approved").order_by("pk"))
    product = (
        Product.objects.filter(is_published=True)
        .annotate(text=Length("description"))
        .order_by("-text", "pk")
        .only("pk", "slug")
        .first()
    )
    categories = list(Category.objects.filter(parent__isnull=True).order_by("pk"))
    if not (villages and shops and product and categories):
        raise SystemExit("the database holds no demo world: run seed_demo first")
    search = reverse("web:search")
    return {
        "home": [reverse("web:home")],
        "village list": [reverse("web:village_list")],
        "village": [reverse("web:village_detail", args=[v.slug]) for v in villages],
        "category": [reverse("web:category_detail", args=[c.slug]) for c in categories],
        "shop": [reverse("web:shop_detail", args=[s.slug]) for s in shops[::6]],
        "product": [reverse("web:product_detail", args=[product.pk, product.slug])],
        "search": [f"{search}?q=coffee", f"{search}?q=honey", f"{search}?q=silk+scarf"],
        "search, typo": [f"{search}?q=cofee", f"{search}?q=tomatos"],
        "search, no results": [f"{search}?q=zzqxv"],
    }


def page_weight(client: Client, pages: dict[str, list[str]]) -> dict[str, object]:
    weights: dict[str, dict[str, Any]] = {}
    blocking: set[str] = set()
    for name, urls in pages.items():
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            body = response.content
            compressed = response.get("Content-Encoding") == "gzip"
            raw = gzip.decompress(body) if compressed else body
            size = len(body) if compressed else gz(raw)
            entry = {"url": url, "html": len(raw), "gzip": size, "status": response.status_code}
            # Keep the heaviest page of the type, or the first that failed (it must be seen).
            kept = weights.get(name)
            if kept is None or (
                kept["status"] == 200 and (entry["status"] != 200 or size > kept["gzip"])
            ):
                weights[name] = entry
            if response.status_code == 200:
                blocking.update(blocking_assets(raw.decode()))
    assets = {url: gz(asset_bytes(url)) for url in sorted(blocking)}
    return {"pages": weights, "blocking": assets, "blocking_total": sum(assets.values())}


def urls_for(kind: str, rng: random.Random, count: int) -> list[str]:
    if kind == "product":
        ids = list(Product.objects.filter(is_published=True).values_list("pk", "slug"))
        return [reverse("web:product_detail", args=rng.choice(ids)) for _ in range(count)]
    if kind == "village":
        slugs = list(Village.objects.filter(status="approved").values_list("slug", flat=True))
        urls = []
        for _ in range(count):
            page = rng.choice(["", "", "", "?page=2", "?page=3"])
            urls.append(reverse("web:village_detail", args=[rng.choice(slugs)]) + page)
        return urls
    if kind == "search":
        return [
            reverse("web:search")
            + f"?q={rng.choice(SEARCHES).replace(' ', '+')}{rng.choice(SEARCH_EXTRAS)}"
            for _ in range(count)
        ]
    if kind == "category":
        slugs = list(Category.objects.values_list("slug", flat=True))
        return [reverse("web:category_detail", args=[rng.choice(slugs)]) for _ in range(count)]
    if kind == "shop":
        slugs = list(Shop.objects.filter(status="approved").values_list("slug", flat=True))
        return [reverse("web:shop_detail", args=[rng.choice(slugs)]) for _ in range(count)]
    if kind == "home":
        return [reverse("web:home")] * count
    raise ValueError(kind)


def server_times(client: Client, kinds: list[str], requests: int, warmup: int) -> dict[str, object]:
    rng = random.Random(7)
    results: dict[str, object] = {}
    for kind in kinds:
        urls = urls_for(kind, rng, warmup + requests)
        for url in urls[:warmup]:
            client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        samples = []
        statuses: dict[int, int] = {}
        for url in urls[warmup:]:
            start = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            samples.append((time.perf_counter() - start) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        results[kind] = {**percentiles(samples), "statuses": statuses}
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--kinds", default="product,village,search,category,shop,home")
    parser.add_argument("--no-weight", action="store_true")
    args = parser.parse_args()

    client = Client(raise_request_exception=False)
    result: dict[str, object] = {
        "vendor": connection.vendor,
        "products": Product.objects.filter(is_published=True).count(),
    }
    if not args.no_weight:
        result["weight"] = page_weight(client, sample_pages())
    result["times"] = server_times(client, args.kinds.split(","), args.requests, args.warmup)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
