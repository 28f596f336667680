"""Every page type has zero axe-core violations (WCAG 2.0, 2.1 and 2.2, levels A and AA)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.support import World, axe_violations, describe, log_in

pytestmark = pytest.mark.browser

PUBLIC_PAGES: dict[str, Callable[[World], str]] = {
    "home": lambda w: reverse("web:home"),
    "village list": lambda w: reverse("web:village_list"),
    "village detail": lambda w: reverse("web:village_detail", args=[w.villages[0].slug]),
    "category": lambda w: reverse("web:category_detail", args=["coffee"]),
    "shop": lambda w: reverse("web:shop_detail", args=[w.shops[0].slug]),
    "product": lambda w: reverse("web:product_detail", args=[w.coffee.pk, w.coffee.slug]),
    "search with results": lambda w: reverse("web:search") + "?q=coffee",
    "search with no results": lambda w: reverse("web:search") + "?q=zzqxv",
    "404": lambda w: "/no-such-page/",
    "login": lambda w: reverse("accounts:login"),
    "signup": lambda w: reverse("accounts:signup"),
    "home in Swahili": lambda w: "/sw/",
}

SIGNED_IN_PAGES: dict[str, Callable[[World], str]] = {
    "preferences": lambda w: reverse("accounts:preferences"),
    "village apply": lambda w: reverse("villages:apply"),
    "seller home": lambda w: reverse("catalog:seller_home"),
    "product edit form": lambda w: reverse("catalog:product_edit", args=[w.products[0].pk]),
}


def _check(page: Any, live_server: Any, path: str, ok_statuses: tuple[int, ...] = (200,)) -> None:
    response = page.goto(live_server.url + path)
    assert response is not None
    assert response.status in ok_statuses, f"{path} answered {response.status}"
    violations = axe_violations(page)
    assert violations == [], f"axe-core found violations on {path}:\n{describe(violations)}"


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_axe_violations(
    name: str, page: Any, live_server: Any, world: World
) -> None:
    """A visitor's page passes every WCAG A/AA rule of axe-core."""
    # given: a small world and a visitor who is not signed in
    path = PUBLIC_PAGES[name](world)
    # when / then
    _check(page, live_server, path, ok_statuses=(404,) if name == "404" else (200,))


@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_signed_in_page_has_no_axe_violations(
    name: str, page: Any, live_server: Any, world: World
) -> None:
    """A signed-in seller's pages (forms included) pass every WCAG A/AA rule of axe-core."""
    # given: the owner of the honey shop, signed in
    log_in(page, live_server, world.seller)
    path = SIGNED_IN_PAGES[name](world)
    # when / then
    _check(page, live_server, path)


def test_form_with_errors_has_no_axe_violations(page: Any, live_server: Any, world: World) -> None:
    """Error messages next to fields keep the sign-up form accessible."""
    # given
    page.goto(live_server.url + reverse("accounts:signup"))
    # when: the form is sent with a bad phone number and different passwords
    page.fill("#id_phone", "12")
    page.fill("#id_password", "kahawa-tamu-2026")
    page.fill("#id_password_again", "something-else-2026")
    page.click("main form button[type=submit]")
    # then (the click only starts the navigation: wait for the answer)
    page.wait_for_selector(".errorlist")
    assert page.locator(".errorlist").count() >= 1
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_axe_check_catches_a_field_without_a_label(page: Any) -> None:
    """The checker is live: a page with an unlabelled input and an image without alt fails."""
    # given: a page with two known violations
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<h1>Broken</h1><input type="text"><img src="data:," width="10" height="10">'
        "</main></body></html>"
    )
    # when
    found = {v["id"] for v in axe_violations(page)}
    # then
    assert {"label", "image-alt"} <= found
