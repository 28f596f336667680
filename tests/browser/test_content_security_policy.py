"""The Content-Security-Policy in a real browser: the main pages raise no violation (no inline
script or style slips through) and the photos still get their placeholder colours, which now
come from a nonce'd <style>; pages answered 304 or from the visitors' cache keep both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.support import World, log_in

pytestmark = pytest.mark.browser

# Collects the page's CSP violations (an init script runs through the DevTools protocol, so the
# policy under test does not apply to it).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                      (e.sample || ""));
});
"""

PUBLIC_PAGES: dict[str, Callable[[World], str]] = {
    "home": lambda w: reverse("web:home"),
    "village list": lambda w: reverse("web:village_list"),
    "village detail": lambda w: reverse("web:village_detail", args=[w.villages[0].slug]),
    "category": lambda w: reverse("web:category_detail", args=["coffee"]),
    "shop": lambda w: reverse("web:shop_detail", args=[w.shops[0].slug]),
    "product": lambda w: reverse("web:product_detail", args=[w.coffee.pk, w.coffee.slug]),
    "search": lambda w: reverse("web:search") + "?q=coffee",
    "cart": lambda w: reverse("orders:cart"),
    "login": lambda w: reverse("accounts:login"),
    "signup": lambda w: reverse("accounts:signup"),
    "404": lambda w: "/no-such-page/",
    "home in Swahili": lambda w: "/sw/",
}

SIGNED_IN_PAGES: dict[str, Callable[[World], str]] = {
    "preferences": lambda w: reverse("accounts:preferences"),
    "my orders": lambda w: reverse("orders:order_list"),
    "messages": lambda w: reverse("trust:inbox"),
    "seller home": lambda w: reverse("catalog:seller_home"),
    "product edit form": lambda w: reverse("catalog:product_edit", args=[w.products[0].pk]),
    "village apply": lambda w: reverse("villages:apply"),
}


def paint(world: World) -> None:
    """Give the world's photos their colours, as uploads and the demo data have."""
    from sokoni.catalog.models import ProductImage
    from sokoni.villages.models import VillagePhoto

    ProductImage.objects.update(colour="#1d6b3a")
    VillagePhoto.objects.update(colour="#8a3b00")


def visit(page: Any, live_server: Any, path: str) -> list[str]:
    """Open a page, let it settle, and return its CSP violations and console errors."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    response = page.goto(live_server.url + path)
    assert response is not None
    assert response.status in {200, 404}, f"{path} answered {response.status}"
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)  # violation events are dispatched asynchronously
    csp_errors = [e for e in errors if "Content Security Policy" in e]
    return list(page.evaluate("window.__csp")) + csp_errors


def colour_of(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "img => getComputedStyle(img).backgroundColor"))


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_pages_raise_no_csp_violation(
    name: str, page: Any, live_server: Any, world: World
) -> None:
    # given
    paint(world)
    page.context.add_init_script(LISTEN)
    # when
    violations = visit(page, live_server, PUBLIC_PAGES[name](world))
    # then
    assert violations == []


@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_signed_in_pages_raise_no_csp_violation(
    name: str, page: Any, live_server: Any, world: World
) -> None:
    # given
    paint(world)
    log_in(page, live_server, world.seller)
    page.context.add_init_script(LISTEN)
    # when
    violations = visit(page, live_server, SIGNED_IN_PAGES[name](world))
    # then
    assert violations == []


def test_photos_are_painted_in_their_colour(page: Any, live_server: Any, world: World) -> None:
    """Product photos, cards and village photos show their average colour while they load."""
    # given
    paint(world)
    page.context.add_init_script(LISTEN)
    # when
    product = visit(page, live_server, PUBLIC_PAGES["product"](world))
    product_photo = colour_of(page, "main img")
    home = visit(page, live_server, reverse("web:home"))
    card_photo = colour_of(page, "li.card img.bg-1d6b3a")
    village_photo = colour_of(page, "li.card img.bg-8a3b00")
    # then
    assert product == home == []
    assert product_photo == card_photo == "rgb(29, 107, 58)"
    assert village_photo == "rgb(138, 59, 0)"


def test_a_page_kept_for_visitors_and_revalidated_keeps_its_colours(
    page: Any, live_server: Any, world: World, settings: Any
) -> None:
    """Answered from the visitors' cache, then revalidated with a 304 on reload: no
    violation, and the colours still paint (the nonce in the page matches the policy)."""
    # given
    settings.VISITOR_PAGE_SECONDS = 60
    paint(world)
    page.context.add_init_script(LISTEN)
    path = PUBLIC_PAGES["product"](world)
    visit(page, live_server, path)  # drawn and kept
    # when
    from_cache = visit(page, live_server, path)
    asked: list[Any] = []
    page.on("request", lambda r: asked.append(r) if r.url.endswith(path) else None)
    page.reload()
    page.wait_for_timeout(150)
    reloaded = list(page.evaluate("window.__csp"))
    # then
    assert from_cache == reloaded == []
    assert len(asked) == 1
    # a conditional request, which the server answers 304 (sokoni/web/tests/test_security_headers)
    assert asked[0].all_headers().get("if-none-match", "").endswith('"')
    assert colour_of(page, "main img") == "rgb(29, 107, 58)"
