"""Browser tests: Playwright for Python drives Debian's Chromium against the live server.

Each test gets a fresh browser context (no cookies) and a small world built with factories:
two villages, their service centres, three shops and a dozen products with real (generated)
pictures, indexed for search. axe-core (tests/vendor/axe.min.js) checks every page against the
WCAG 2.0, 2.1 and 2.2 A and AA rules.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.support import World, build_small_world

# Playwright's sync API runs an event loop in this thread; Django would then refuse the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; skipped (failed on CI) when it is missing."""
    path = _chromium_path()
    if path is None:
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev dependencies install it
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


def _new_page(browser: Any, live_server: Any, service_workers: str) -> Any:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1100, "height": 900},
        service_workers=service_workers,
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page (new context: no cookies) whose relative URLs go to the live server.

    Service workers are blocked: the pages must work without one, and a worker installing in
    the background would race the test's own requests. tests/browser/test_offline.py uses
    ``app_page`` instead, which allows them.
    """
    tab = _new_page(browser, live_server, "block")
    yield tab
    tab.context.close()


@pytest.fixture
def app_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page whose context lets the service worker install (the offline app)."""
    tab = _new_page(browser, live_server, "allow")
    yield tab
    tab.context.close()


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_small_world()
