"""The offline app in Chromium: pages read online reopen offline with a notice, other pages
give the offline page, an add to cart made offline is queued and sent once when the link
returns, and a new service worker deletes the old caches. Pages here let the worker install."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse

from sokoni.core.models import RequestKey
from sokoni.orders.models import CartItem
from sokoni.trust.models import Message, Thread
from sokoni.web.views import pwa
from tests.browser.support import World, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE = "You are offline. This page was last updated"


@pytest.fixture
def page(app_page: Any) -> Any:
    """Here the page lets the service worker install (elsewhere workers are blocked)."""
    return app_page


def product_url(product: Any) -> str:
    return reverse("web:product_detail", args=[product.pk, product.slug])


def under_worker(page: Any, url: str = "/") -> None:
    """Open a page and wait until the service worker is installed and controls it."""
    page.goto(url)
    # Polled with evaluate: wait_for_function compiles its predicate with new Function, which
    # the pages' Content-Security-Policy (no 'unsafe-eval') refuses.
    eventually(
        lambda: page.evaluate(
            "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
        )
    )


def cache_names(page: Any) -> list[str]:
    return list(page.evaluate("caches.keys()"))


def stored(page: Any, path: str) -> bool:
    return bool(
        page.evaluate(
            """async (path) => {
                for (const name of await caches.keys()) {
                    if (!name.startsWith("sokoni-pages-")) continue;
                    const keys = await (await caches.open(name)).keys();
                    if (keys.some(k => new URL(k.url).pathname === path)) return true;
                }
                return false;
            }""",
            path,
        )
    )


def eventually(check: Any, timeout: float = 10.0) -> None:
    """Poll ``check`` until it holds (``wait_for_function`` does not await a promise)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def wait_until_stored(page: Any, path: str) -> None:
    eventually(lambda: stored(page, path))


def queued(page: Any) -> int:
    return int(
        page.evaluate(
            """() => new Promise((resolve) => {
                const open = indexedDB.open("sokoni", 1);
                open.onupgradeneeded = () => open.result.createObjectStore(
                    "queue", {keyPath: "id", autoIncrement: true});
                open.onsuccess = () => {
                    const count = open.result.transaction("queue").objectStore("queue").count();
                    count.onsuccess = () => { open.result.close(); resolve(count.result); };
                };
            })"""
        )
    )


def submit_offline(page: Any, button: str) -> None:
    """Drop the link and press ``button``: the page saves the form in its queue (one entry in
    IndexedDB) and says so, sending nothing."""
    page.context.set_offline(True)
    page.click(button)
    page.locator("[data-queued]").wait_for(state="visible")
    eventually(lambda: queued(page) == 1)


def back_online(page: Any) -> None:
    """Bring the link back and wait until the page has sent its queue."""
    page.context.set_offline(False)
    eventually(lambda: queued(page) == 0)


def test_a_product_read_online_reopens_offline_with_the_time_it_was_read(
    page: Any, live_server: Any, world: World
) -> None:
    # given: the product page read once under the worker
    url = product_url(world.coffee)
    under_worker(page)
    page.goto(url)
    wait_until_stored(page, url)
    # when: the link drops and the buyer opens it again
    page.context.set_offline(True)
    page.goto(url)
    # then
    assert page.locator("h1").inner_text() == world.coffee.name
    note = page.locator("#offline-note")
    note.wait_for(state="visible")
    assert NOTICE in note.inner_text()
    assert page.locator("#offline-note time").get_attribute("datetime")
    # the stylesheet came from the worker's cache: the header keeps its colour
    colour = page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
    assert colour == "rgb(29, 107, 58)"


def test_a_page_never_read_gives_the_offline_page_and_a_private_one_is_never_kept(
    page: Any, live_server: Any, world: World
) -> None:
    # given
    log_in(page, live_server, world.buyer)
    under_worker(page)
    page.goto(reverse("orders:order_list"))
    page.goto(product_url(world.products[0]))
    wait_until_stored(page, product_url(world.products[0]))
    # then: the private page was not kept
    assert not stored(page, reverse("orders:order_list"))
    # when
    page.context.set_offline(True)
    page.goto(product_url(world.products[1]))
    # then
    assert page.locator("h1").inner_text() == "You are offline"
    page.goto(reverse("orders:order_list"))
    assert page.locator("h1").inner_text() == "You are offline"


def test_an_add_to_cart_made_offline_is_queued_and_sent_once_when_the_link_returns(
    page: Any, live_server: Any, world: World
) -> None:
    # given: the buyer is on a product page under the worker
    log_in(page, live_server, world.buyer)
    product = world.coffee
    under_worker(page)
    page.goto(product_url(product))
    # when: offline, they add two to the cart
    page.fill("#buy-qty", "2")
    submit_offline(page, "form.buy button[type=submit]")
    # then: it is saved, not sent (the page stores it in IndexedDB, then says so)
    assert (
        "Saved: it will be sent when you are back online"
        in page.locator("[data-queued]").inner_text()
    )
    assert not CartItem.objects.filter(cart__user=world.buyer).exists()
    # when: the link returns
    back_online(page)
    # then: the cart has it once
    assert CartItem.objects.get(cart__user=world.buyer, product=product).quantity == 2
    page.goto(reverse("orders:cart"))
    assert product.name in page.locator("main").inner_text()


def test_the_same_queued_request_replayed_twice_adds_once(
    page: Any, live_server: Any, world: World
) -> None:
    # given: one queued add to cart
    log_in(page, live_server, world.buyer)
    product = world.coffee
    under_worker(page)
    page.goto(product_url(product))
    page.context.set_offline(True)
    page.click("form.buy button[type=submit]")
    eventually(
        lambda: page.evaluate("() => document.querySelector('[data-queued]').hidden === false")
    )
    # when: it is sent twice (two tabs replaying, or an answer lost), as the page script sends
    # it; taken out of the queue first, so that the page's own replay does not run alongside
    item = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("sokoni", 1);
            open.onsuccess = () => {
                const queue = open.result.transaction("queue", "readwrite").objectStore("queue");
                const all = queue.getAll();
                all.onsuccess = () => { queue.clear(); resolve(all.result[0]); };
            };
        })"""
    )
    page.context.set_offline(False)
    statuses = page.evaluate(
        """async (item) => {
            const out = [];
            for (let n = 0; n < 2; n++) {
                const body = new FormData();
                item.fields.forEach(f => body.append(f[0], f[1]));
                const r = await fetch(item.url, {method: "POST", body: body,
                    credentials: "same-origin", redirect: "manual"});
                out.push(r.type);
            }
            return out;
        }""",
        item,
    )
    # then
    assert statuses == ["opaqueredirect", "opaqueredirect"]
    assert CartItem.objects.get(cart__user=world.buyer, product=product).quantity == 1
    assert RequestKey.objects.filter(user=world.buyer).count() == 1


def test_messages_written_offline_are_queued_and_sent_once_when_the_link_returns(
    page: Any, live_server: Any, world: World
) -> None:
    """A question to the seller and a reply in its thread, both written offline."""
    # given: the buyer has the "ask the seller" page open under the worker
    log_in(page, live_server, world.buyer)
    product = world.coffee
    under_worker(page)
    page.goto(reverse("trust:thread_start_product", args=[product.pk]))
    # when: offline, they ask
    page.fill("#body", "Is this season's coffee roasted yet?")
    submit_offline(page, "form[data-queue] button[type=submit]")
    # then: it waits in the queue, nothing is sent
    assert not Message.objects.filter(thread__buyer=world.buyer).exists()
    # when: the link returns
    back_online(page)
    # then: one thread with the question, once
    thread = Thread.objects.get(buyer=world.buyer, product=product)
    assert list(thread.messages.values_list("body", flat=True)) == [
        "Is this season's coffee roasted yet?"
    ]
    # when: on the thread's page, offline again, they write a reply
    page.goto(reverse("trust:thread", args=[thread.pk]))
    page.fill("#body", "And can you send it by Friday?")
    submit_offline(page, "form[data-queue] button[type=submit]")
    back_online(page)
    # then: the thread has both, each once, in order
    assert list(thread.messages.order_by("pk").values_list("body", flat=True)) == [
        "Is this season's coffee roasted yet?",
        "And can you send it by Friday?",
    ]


def test_a_new_worker_version_deletes_the_old_caches(
    page: Any, live_server: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the worker of this release, with a page kept
    under_worker(page)
    page.goto(product_url(world.coffee))
    wait_until_stored(page, product_url(world.coffee))
    old = pwa.worker_version()
    assert sorted(cache_names(page)) == [f"sokoni-pages-{old}", f"sokoni-shell-{old}"]
    # when: a release changes the stylesheet, and the browser checks for a new worker
    real = pwa._static_bytes
    monkeypatch.setattr(
        pwa, "_static_bytes", lambda name: real(name) + (b"/* new */" if "css" in name else b"")
    )
    pwa.worker_version.cache_clear()
    new = pwa.worker_version()
    assert new != old
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    eventually(lambda: cache_names(page) == [f"sokoni-shell-{new}"])
    # then: only the new version's shell is left; the old pages went with their old styles
    assert cache_names(page) == [f"sokoni-shell-{new}"]
    pwa.worker_version.cache_clear()


def test_logging_out_forgets_the_pages_kept_while_signed_in(
    page: Any, live_server: Any, world: World
) -> None:
    # given
    log_in(page, live_server, world.buyer)
    under_worker(page)
    page.goto(product_url(world.coffee))
    wait_until_stored(page, product_url(world.coffee))
    # when
    page.click("nav form button[type=submit]")
    page.wait_for_load_state()
    # then: the product page is gone (the home page it lands on is kept again, signed out)
    eventually(lambda: not stored(page, product_url(world.coffee)))
    assert "Log in" in page.locator("nav").inner_text()
    assert any(name.startswith("sokoni-shell-") for name in cache_names(page))
