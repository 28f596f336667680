"""Buyer pages over a 2G network (issue 7): bytes, requests and first contentful paint.

Seeds a SQLite database (`seed_demo --products 2000`, kept in a temporary directory for
`--reuse`), serves it with gunicorn (DEBUG off, static files by WhiteNoise after collectstatic,
as in production), and loads the home, village, shop, product, search and cart pages in
Chromium (Playwright for Python, /usr/bin/chromium) through Chrome DevTools network emulation
of 2G: 300 ms round trip, 250 kbit/s down (31,250 B/s), 50 kbit/s up (6,250 B/s).

Each page is loaded cold, in a fresh browser context with an empty cache (cleared again with
`Network.clearBrowserCache`), then warm: a second visit in the same context, after a blank
page, so the browser uses what the first visit kept (revalidating the page by its ETag, the
hashed static files from the cache). The cart holds three products, put there by the context
before its cold visit. When the site registers a service worker and it controls the warm
visit, the table says so; `--service-workers block` measures the plain HTTP cache instead.

Bytes are the sum of `encodedDataLength` of CDP `Network.loadingFinished` (what crossed the
network, headers included, once the network has been quiet for half a second, so lazy
images in view count); requests are the requests the page made, and how many of them the
browser's cache (or a service worker) answered without the network (a page revalidated by its
ETag counts as a request, and its 304 as bytes); FCP is
`performance.getEntriesByName('first-contentful-paint')`.

    .venv/bin/python bench/slow_network.py            # table; exit 2 when a target is missed
    .venv/bin/python bench/slow_network.py --json     # the figures as JSON
    .venv/bin/python bench/slow_network.py --reuse    # keep the seeded database between runs

Targets: first contentful paint ≤ 3 s cold and ≤ 1 s warm on every page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness import HOST, PYTHON, ROOT, free_port, start_server, stop, url_answers, wait_ready

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LATENCY_MS = 300
DOWN_BYTES_S = 250_000 // 8  # 250 kbit/s
UP_BYTES_S = 50_000 // 8  # 50 kbit/s
COLD_TARGET_MS = 3000
WARM_TARGET_MS = 1000
PAGES = ("home", "village", "shop", "product", "search", "cart")
CART_ITEMS = 3


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def base_env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sokoni.settings",
        "SOKONI_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'bench.sqlite3'}",
        "DEBUG": "0",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SMS_BACKEND": "console",
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


URLS_CODE = """
import json
from django.urls import reverse
from sokoni.catalog.models import Product, Shop
from sokoni.villages.models import Village
village = Village.objects.filter(status="approved").order_by("pk").first()
shop = Shop.objects.filter(status="approved", village=village).order_by("pk").first()
listed = Product.objects.filter(is_listed=True, stock__gt=10).order_by("pk")
product = listed.filter(images__isnull=False).first()
print(json.dumps({
    "home": reverse("web:home"),
    "village": reverse("web:village_detail", args=[village.slug]),
    "shop": reverse("web:shop_detail", args=[shop.slug]),
    "product": reverse("web:product_detail", args=[product.pk, product.slug]),
    "search": reverse("web:search") + "?q=coffee",
    "cart": reverse("orders:cart"),
    "cart_add": reverse("orders:cart_add"),
    "cart_products": list(listed.values_list("pk", flat=True)[:%d]),
}))
"""


def prepare(products: int, reuse: bool) -> dict[str, str]:
    """A migrated, seeded SQLite database and collected static files; its environment."""
    var_dir = Path(tempfile.gettempdir()) / f"sokoni-slow-network-{products}"
    env = base_env(var_dir)
    seeded = var_dir / "seeded"
    if reuse and seeded.exists():
        log(f"reusing {var_dir}")
        manage(env, "migrate", "--noinput", "-v0")
    else:
        if var_dir.exists():
            subprocess.run(["rm", "-rf", str(var_dir)], check=True)
        var_dir.mkdir(parents=True)
        log(f"seeding {products:,} products into {var_dir}")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--products", str(products))
        seeded.touch()
    manage(env, "collectstatic", "--noinput", "-v0")
    return env


def page_urls(env: dict[str, str]) -> dict[str, Any]:
    out = manage(env, "shell", "-c", URLS_CODE % CART_ITEMS)
    return dict(json.loads(out.strip().splitlines()[-1]))


def wait_for_server(base: str, server: subprocess.Popen) -> None:
    wait_ready(server, url_answers(base + "/healthz", timeout=2), what="the server")


@dataclass
class Load:
    bytes: int = 0
    requests: int = 0
    from_cache: int = 0
    fcp_ms: float | None = None
    status: int = 0
    service_worker: bool = False
    urls: list[str] = field(default_factory=list)


class Meter:
    """Counts one page's requests and bytes through a CDP session with 2G emulation."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.load = Load()
        self.cdp.send("Network.enable")
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LATENCY_MS,
                "downloadThroughput": DOWN_BYTES_S,
                "uploadThroughput": UP_BYTES_S,
            },
        )
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)

    def reset(self) -> Load:
        self.load = Load()
        return self.load

    def _sent(self, event: dict[str, Any]) -> None:
        if not event["request"]["url"].startswith("data:"):
            self.load.requests += 1
            self.load.urls.append(event["request"]["url"])

    def _cached(self, _event: dict[str, Any]) -> None:
        self.load.from_cache += 1  # the memory cache

    def _received(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromServiceWorker"):
            self.load.from_cache += 1
        if response.get("fromServiceWorker"):
            self.load.service_worker = True

    def _finished(self, event: dict[str, Any]) -> None:
        self.load.bytes += int(event.get("encodedDataLength") or 0)


FCP_JS = """() => new Promise((resolve) => {
    const seen = () => performance.getEntriesByName("first-contentful-paint")[0];
    const answer = () => resolve({
        fcp: seen() ? seen().startTime : null,
        sw: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
    });
    if (seen()) return answer();
    new PerformanceObserver(() => answer()).observe({type: "paint", buffered: true});
    setTimeout(answer, 5000);
})"""


def visit(page: Any, meter: Meter, url: str) -> Load:
    load = meter.reset()
    response = page.goto(url, wait_until="load", timeout=120_000)
    load.status = response.status if response else 0
    # Lazy images in view do not hold the load event back: wait until the network is quiet.
    page.wait_for_load_state("networkidle", timeout=120_000)
    result = page.evaluate(FCP_JS)
    load.fcp_ms = round(result["fcp"]) if result["fcp"] is not None else None
    load.service_worker = load.service_worker or bool(result["sw"])
    return load


def fill_cart(context: Any, base: str, urls: dict[str, Any]) -> None:
    """Put products in this context's cart through the site's own form (CSRF and all)."""
    page = context.request.get(base + urls["product"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text())
    if token is None:
        raise SystemExit("no CSRF token on the product page")
    for pk in urls["cart_products"]:
        answer = context.request.post(
            base + urls["cart_add"],
            form={"csrfmiddlewaretoken": token.group(1), "product_id": str(pk), "quantity": "1"},
            headers={"Referer": base + urls["product"]},
            max_redirects=0,
        )
        if answer.status != 302:
            raise SystemExit(f"adding product {pk} to the cart answered {answer.status}")
    context.request.get(base + urls["cart"])  # shows (and so clears) the "added" messages


def measure(base: str, urls: dict[str, Any], service_workers: str) -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        )
        try:
            for name in PAGES:
                # A phone-sized window, as a buyer on 2G holds.
                context = browser.new_context(
                    viewport={"width": 412, "height": 823},
                    device_scale_factor=1.75,
                    is_mobile=True,
                    has_touch=True,
                    service_workers=service_workers,
                )
                if name == "cart":
                    fill_cart(context, base, urls)
                page = context.new_page()
                meter = Meter(page)
                meter.cdp.send("Network.clearBrowserCache")
                cold = visit(page, meter, base + urls[name])
                page.goto("about:blank")
                warm = visit(page, meter, base + urls[name])
                results[name] = {"url": urls[name], "cold": asdict(cold), "warm": asdict(warm)}
                context.close()
                log(f"{name:<8} cold {describe(cold)}; warm {describe(warm)}")
        finally:
            browser.close()
    return results


def describe(load: Load) -> str:
    fcp = "-" if load.fcp_ms is None else f"{load.fcp_ms} ms"
    return f"FCP {fcp}, {load.bytes:,} B, {load.requests} requests ({load.from_cache} cached)"


def missed(results: dict[str, dict[str, Any]]) -> list[str]:
    sentences = []
    for name, r in results.items():
        for kind, target in (("cold", COLD_TARGET_MS), ("warm", WARM_TARGET_MS)):
            load = r[kind]
            if load["status"] != 200:
                sentences.append(f"{name} {kind}: answered {load['status']}")
            elif load["fcp_ms"] is None or load["fcp_ms"] > target:
                sentences.append(f"{name} {kind}: FCP {load['fcp_ms']} ms (> {target} ms)")
    return sentences


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| page | cold FCP | cold bytes | cold requests | warm FCP | warm bytes "
        "| warm requests (cached) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        c, w = r["cold"], r["warm"]
        sw = ", service worker" if w["service_worker"] else ""
        lines.append(
            f"| {name} (`{r['url']}`) | {c['fcp_ms']} ms | {c['bytes']:,} | {c['requests']} "
            f"| {w['fcp_ms']} ms | {w['bytes']:,} | {w['requests']} ({w['from_cache']}{sw}) |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true", help="reuse the seeded database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--service-workers",
        choices=("allow", "block"),
        default="allow",
        help="let a service worker serve warm visits, or measure the HTTP cache alone",
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        log(f"Chromium not found at {CHROMIUM}")
        return 1
    env = prepare(args.products, args.reuse)
    urls = page_urls(env)
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = start_server(env, port, args.workers, Path(env["SOKONI_VAR_DIR"]) / "gunicorn.log")
    try:
        wait_for_server(base, server)
        log(
            f"2G: {LATENCY_MS} ms round trip, {DOWN_BYTES_S * 8 // 1000} kbit/s down, "
            f"{UP_BYTES_S * 8 // 1000} kbit/s up; service workers: {args.service_workers}"
        )
        results = measure(base, urls, args.service_workers)
    finally:
        stop(server)
    broken = missed(results)
    if args.json:
        for r in results.values():
            for kind in ("cold", "warm"):
                r[kind].pop("urls", None)
        print(json.dumps({"pages": results, "missed": broken}, indent=2))
    else:
        print(table(results))
        print("\n".join(f"TARGET MISSED: {s}" for s in broken) or "Every target is met.")
    return 2 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
