"""Easy mode (low-literacy mode) in a real browser: order, pay and confirm receipt by icons.

Elements are found by their role and accessible name (a word or a name, never a sentence),
or by data attributes. Headless Chromium has no voices, so speech is replaced by a stub that
offers the voices a test asks for and records what would have been said.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus
from tests.browser.support import World, axe_violations, describe, log_in

pytestmark = pytest.mark.browser

SPEECH_STUB = """
(() => {
  const synth = window.speechSynthesis;
  window.__voices = %s;
  window.__said = [];
  synth.getVoices = () => window.__voices;
  synth.speak = (u) => window.__said.push({text: u.text, lang: u.lang});
  synth.cancel = () => {};
  window.SpeechSynthesisUtterance = function (text) {
    this.text = text; this.lang = ""; this.voice = null;
  };
})();
"""


def with_voices(page: Any, *languages: str) -> None:
    """Pretend the browser has one voice for each language (for every page of the context)."""
    voices = [{"lang": code, "name": f"Test {code}", "default": False} for code in languages]
    page.context.add_init_script(SPEECH_STUB % json.dumps(voices))


def easy_cookie(page: Any, live_server: Any) -> None:
    page.context.add_cookies([{"name": "sokoni_easy", "value": "1", "url": live_server.url}])


def said(page: Any) -> list[dict[str, str]]:
    return list(page.evaluate("() => window.__said"))


def listen(page: Any, selector: str) -> str:
    """Press a listen button; return the words it spoke (checked to be in English)."""
    before = len(said(page))
    page.locator(selector).click()
    spoken = said(page)
    assert len(spoken) == before + 1
    assert spoken[-1]["lang"] == "en-GB"
    return str(spoken[-1]["text"])


def no_violations(page: Any) -> None:
    assert page.locator("body.easy").count() == 1, f"not in easy mode on {page.url}"
    violations = axe_violations(page)
    assert violations == [], f"axe-core found violations on {page.url}:\n{describe(violations)}"


def visible_listen_buttons(page: Any) -> int:
    return int(page.locator("button.say:visible").count())


def test_buyer_orders_pays_and_confirms_receipt_in_easy_mode_by_icons(
    page: Any, live_server: Any, world: World
) -> None:
    """Switch the mode on, find honey by category icons, hear it, buy it by icons, pay by card,
    and confirm receipt once shipped; every page in the mode passes axe-core."""
    from sokoni.orders.services.lifecycle import order_ship

    honey = world.products[0]  # the seller's organic honey, KES 750.00
    path = [honey.category]
    while path[0].parent_id is not None:
        path.insert(0, path[0].parent)
    # given: a signed-in buyer whose browser speaks English
    with_voices(page, "en-GB")
    log_in(page, live_server, world.buyer)
    page.goto("/")
    assert page.locator("body.easy").count() == 0

    # when: they press the switch in the header
    page.get_by_role("button", name="Easy mode").click()
    # then: the same page, in easy mode, the switch shown as pressed
    page.wait_for_selector("body.easy")
    assert page.get_by_role("button", name="Easy mode").get_attribute("aria-pressed") == "true"
    no_violations(page)
    # and the category menu can be heard
    heard = listen(page, "button.say[data-read='cat-menu']")
    assert path[0].label in heard

    # when: they follow the category icons down to honey
    for category in path:
        page.locator("ul.cats").get_by_role("link", name=category.label, exact=True).click()
        page.wait_for_url(re.compile(rf"/categories/{category.slug}/$"))
        no_violations(page)
    # then: every product card has a listen button that reads its name and price
    cards = page.locator("li.card")
    assert cards.count() >= 1
    assert page.locator("li.card button.say:visible").count() == cards.count()
    card = cards.filter(has=page.get_by_role("heading", name=honey.name))
    heard = listen(page, f"li.card:has(a[href*='/products/{honey.pk}/']) button.say")
    assert heard.startswith(f"{honey.name}. KES")
    assert "750.00" in heard

    # when: they open the product by its photo and name
    card.get_by_role("link", name=honey.name).click()
    page.wait_for_url(re.compile(rf"/products/{honey.pk}/"))
    no_violations(page)
    heard = listen(page, "main button.say[data-read]")
    assert honey.name in heard
    assert "750.00" in heard
    # and add it to the cart by the cart icon
    page.get_by_role("button", name="Add to cart").click()
    page.locator("#msgs .msg.success").wait_for()
    no_violations(page)

    # when: they open the cart from the header's cart icon
    page.locator("#nav-main").get_by_role("link", name="Cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    # then: the line can be heard and the total is a big number
    no_violations(page)
    assert honey.name in listen(page, f"button.say[data-read='cn-{honey.pk} cp-{honey.pk}']")
    assert page.locator("main strong.price").inner_text() == "KES750.00"

    # when: they go on by the wallet icon, choose pickup and card by their icons, and pay
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    no_violations(page)
    page.locator("input[name=delivery_method][value=pickup]").check()
    centre = world.villages[0].service_centres.get()
    page.locator("select[name=service_centre]").select_option(str(centre.pk))
    page.locator("input[name=method][value=card]").check()
    page.get_by_role("textbox", name="Card number").fill("4242424242424242")
    pay = page.get_by_role("button", name=re.compile(r"^Place the order and pay"))
    assert pay.locator(".price").inner_text() == "KES750.00"
    pay.click()
    # then: the pay page shows the payment's check icon, and the order is held in escrow
    page.wait_for_url(re.compile(r"/checkout/\d+/pay/$"))
    page.locator("[data-payment=succeeded] use[href$='#check']").wait_for()
    no_violations(page)
    order = Order.objects.get(buyer=world.buyer)
    assert order.status == OrderStatus.PAID
    assert order.total_minor == 75_000

    # when: the seller ships it and the buyer opens their orders from the header's list icon
    order_ship(order=order, actor=world.seller, tracking_ref="G4S-558-Othaya")
    page.locator("#nav-main").get_by_role("link", name="My orders").click()
    page.wait_for_url(re.compile(r"/orders/$"))
    no_violations(page)
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=order.number))
    assert row.locator("use[href$='#truck']").count() == 1
    row.get_by_role("link", name=order.number).click()
    page.wait_for_url(re.compile(rf"/orders/{order.pk}/$"))
    no_violations(page)
    # then: what the confirm button does can be heard before pressing it
    heard = listen(page, "button.say[data-read='confirm-btn confirm-help']")
    assert heard.startswith("I received the goods. This releases the money to the seller.")
    confirm = page.get_by_role("button", name="I received the goods", exact=True)
    assert confirm.locator("use[href$='#received']").count() == 1

    # when: they press the "received" icon
    confirm.click()
    page.locator("#msgs .msg.success use[href$='#check']").wait_for()
    # then: the order is completed and the page says so by icon too
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert page.locator("main p.status use[href$='#received']").count() == 1
    no_violations(page)


def test_listen_buttons_appear_only_with_a_voice_for_the_pages_language(
    page: Any, live_server: Any, world: World
) -> None:
    """A French voice does not read English pages; a voice that arrives late (voiceschanged)
    reveals the buttons, cards included; French pages are read by the French voice."""
    honey = world.products[0]
    # given: easy mode, and a browser with a French voice only
    easy_cookie(page, live_server)
    with_voices(page, "fr-FR")
    # when
    page.goto(reverse("web:product_detail", args=[honey.pk, honey.slug]))
    page.wait_for_load_state("load")
    # then: no listen button is shown
    assert page.locator("button.say").count() >= 2
    assert visible_listen_buttons(page) == 0

    # when: a category page with subcategories loads before the voices, and an English voice
    # arrives later
    parent = honey.category.parent
    page.goto(reverse("web:category_detail", args=[parent.slug]))
    page.wait_for_load_state("load")
    assert page.locator("li.card button.say").count() == 0
    page.evaluate(
        """() => {
            window.__voices = [{lang: "en-GB", name: "Late English"}];
            speechSynthesis.dispatchEvent(new Event("voiceschanged"));
        }"""
    )
    # then: menus and cards get their buttons, and axe-core finds nothing wrong with them
    cards = page.locator("li.card").count()
    assert page.locator("li.card button.say:visible").count() == cards
    assert visible_listen_buttons(page) == cards + 2  # the header menu and the subcategories
    no_violations(page)

    # when: the same page in French
    page.goto("/fr" + reverse("web:category_detail", args=[parent.slug]))
    page.wait_for_load_state("load")
    # then: the French voice reads it, with the page's language
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator("li.card button.say").first.click()
    assert said(page)[-1]["lang"] == "fr-FR"


def test_the_switch_works_without_javascript(browser: Any, live_server: Any, world: World) -> None:
    """With JavaScript off the switch is a plain form: on, then off, and no listen button."""
    # given: a browser with JavaScript disabled, on a product page
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    honey = world.products[0]
    product = reverse("web:product_detail", args=[honey.pk, honey.slug])
    try:
        page.goto(product)
        # when: the switch is pressed
        page.get_by_role("button", name="Easy mode").click()
        page.wait_for_selector("body.easy")
        # then: back on the product page, in easy mode, with the listen buttons hidden
        assert page.url.endswith(product)
        assert page.locator("button.say").count() >= 2
        assert visible_listen_buttons(page) == 0
        assert page.locator("button.go use[href$='#cart-add']").count() == 1
        # when: pressed again
        page.get_by_role("button", name="Easy mode").click()
        page.wait_for_selector("body:not(.easy)")
        # then
        assert page.url.endswith(product)
        assert page.get_by_role("button", name="Easy mode").get_attribute("aria-pressed") == (
            "false"
        )
    finally:
        context.close()


def test_other_buyer_pages_in_easy_mode_have_no_axe_violations(
    page: Any, live_server: Any, world: World
) -> None:
    """Village list, village, shop, search and an empty cart, with listen buttons shown."""
    # given
    easy_cookie(page, live_server)
    with_voices(page, "en-GB")
    log_in(page, live_server, world.buyer)
    paths = [
        reverse("web:village_list"),
        reverse("web:village_detail", args=[world.villages[0].slug]),
        reverse("web:shop_detail", args=[world.shops[0].slug]),
        reverse("web:search") + "?q=coffee",
        reverse("orders:cart"),
        reverse("accounts:preferences"),
    ]
    for path in paths:
        # when
        response = page.goto(path)
        # then
        assert response is not None
        assert response.status == 200, path
        no_violations(page)
