"""Easy mode (low-literacy mode): the switch, and the buyer pages drawn icon-first.

The switch is a plain POST form on every page; the choice is a cookie. In the mode, prices are
big numerals with their currency, key buttons carry icons with words for screen readers, and
products and menus have a hidden "listen" button that easy.js reveals when a voice exists.
"""

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog import services as catalog_services
from sokoni.catalog.tests.factories import (
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    ProductImageFactory,
    ShopFactory,
)
from sokoni.core.money import format_money
from sokoni.orders.services.cart import cart_add
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import paid_order, place, shipped_order
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory
from sokoni.web.views.easy import COOKIE

pytestmark = pytest.mark.django_db

BUDGET = 14 * 1024
YEAR = 365 * 24 * 3600


def easy(client: Client) -> Client:
    """Give this client the easy-mode cookie, as the switch does."""
    client.cookies[COOKIE] = "1"
    return client


def icon(name: str) -> str:
    return f'icons.svg#{name}"'


class Controls(HTMLParser):
    """Buttons and links with their text (SVG excluded), and the ids of the page; what a
    <template> holds is not part of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, dict[str, str | None], str]] = []
        self.ids: set[str] = set()
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._svg = 0
        self._template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "template":
            self._template += 1
        if self._template:
            return
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "svg":
            self._svg += 1
        elif tag in {"button", "a"}:
            self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        if self._template:
            return
        if tag == "svg":
            self._svg -= 1
        elif tag in {"button", "a"} and self._open:
            name, attributes, text = self._open.pop()
            self.controls.append((name, attributes, " ".join("".join(text).split())))

    def handle_data(self, data: str) -> None:
        if not self._svg:
            for _tag, _attributes, text in self._open:
                text.append(data)


def controls_of(response) -> Controls:
    parser = Controls()
    parser.feed(response.content.decode())
    return parser


def listen_buttons(response) -> list[tuple[dict[str, str | None], str]]:
    return [
        (attributes, text)
        for tag, attributes, text in controls_of(response).controls
        if tag == "button" and "say" in str(attributes.get("class", "")).split()
    ]


def assert_every_control_has_words(response) -> None:
    """Icons always carry text for screen readers; listen buttons read elements that exist."""
    parsed = controls_of(response)
    nameless = [
        (tag, attributes)
        for tag, attributes, text in parsed.controls
        if not text and not attributes.get("aria-label")
    ]
    assert nameless == []
    for attributes, _text in listen_buttons(response):
        assert "hidden" in attributes
        for element_id in str(attributes.get("data-read") or "").split():
            assert element_id in parsed.ids, element_id


# -- the switch -------------------------------------------------------------------------------


def test_switching_on_sets_a_year_long_cookie_and_goes_back(client):
    """easy=1 sets the cookie for a year and returns to the page the reader was on."""
    # when
    response = client.post(reverse("web:easy_mode"), {"easy": "1", "next": "/search/?q=honey"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=honey"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "1"
    assert cookie["max-age"] == YEAR
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_switching_off_clears_the_cookie(client):
    """easy=0 deletes the cookie and the next page is drawn as usual."""
    # given
    easy(client)
    # when
    response = client.post(reverse("web:easy_mode"), {"easy": "0", "next": "/villages/"})
    page = client.get(reverse("web:home"))
    # then
    assert response["Location"] == "/villages/"
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0
    assert page.context["easy_mode"] is False
    assert 'class="easy"' not in page.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/cart/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
        "",
    ],
)
def test_an_unsafe_next_goes_to_the_front_page(client, target):
    """Only addresses on this site are followed; the switch still happens."""
    # when
    response = client.post(reverse("web:easy_mode"), {"easy": "1", "next": target})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert response.cookies[COOKIE].value == "1"


def test_the_switch_goes_back_to_the_front_page_of_the_readers_language(client):
    """Under /sw/ an unsafe next lands on the Swahili front page."""
    response = client.post("/sw/easy-mode/", {"easy": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/sw/"


@pytest.mark.parametrize("value", ["", "2", "on", "true"])
def test_a_bad_value_is_refused_and_changes_nothing(client, value):
    """Anything but 0 or 1 is a bad request and sets no cookie."""
    # when
    response = client.post(reverse("web:easy_mode"), {"easy": value, "next": "/"})
    # then
    assert response.status_code == 400
    assert COOKIE not in response.cookies


def test_a_get_is_refused_and_changes_nothing(client):
    """Switching is a POST: a link or a prefetch cannot change the mode."""
    response = client.get(reverse("web:easy_mode"), {"easy": "1", "next": "/"})
    assert response.status_code == 405
    assert COOKIE not in response.cookies


def test_every_page_has_the_switch_as_a_plain_form_that_works_without_javascript():
    """The header form carries the CSRF token, the page to go back to and the way to switch;
    posting it, as a browser without JavaScript would, turns the mode on, then off."""
    # given: a browser that enforces CSRF, on a product page
    browser = Client(enforce_csrf_checks=True)
    product = ProductFactory()
    path = reverse("web:product_detail", args=[product.pk, product.slug])
    html = browser.get(path).content.decode()
    form = re.search(r'<form class="ez" action="([^"]+)" method="post">(.*?)</form>', html, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    assert form.group(1) == reverse("web:easy_mode")
    assert fields["next"] == path
    assert fields["easy"] == "1"
    assert 'aria-pressed="false"' in form.group(2)
    assert icon("picture") in form.group(2)
    # when: the form is sent
    switched = browser.post(form.group(1), fields)
    page = browser.get(switched["Location"])
    # then: back on the product page, in easy mode, with a form that switches it off
    assert switched.status_code == 302
    assert switched["Location"] == path
    html = page.content.decode()
    assert '<body class="easy">' in html
    assert 'aria-pressed="true"' in html
    assert '<input type="hidden" name="easy" value="0">' in html
    off = browser.post(
        reverse("web:easy_mode"),
        {"easy": "0", "next": path, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )
    assert off.cookies[COOKIE].value == ""


def test_the_switch_is_refused_without_a_csrf_token():
    """A cross-site form cannot switch the mode."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("web:easy_mode"), {"easy": "1", "next": "/"})
    assert response.status_code == 403
    assert COOKIE not in response.cookies


def test_the_mode_is_off_by_default_and_loads_no_script(client):
    """Without the cookie: no body class, no easy.js, no listen buttons, no card template."""
    # given
    ProductFactory()
    # when
    page = client.get(reverse("web:home"))
    html = page.content.decode()
    # then
    assert page.context["easy_mode"] is False
    assert "<body>" in html
    assert "easy.js" not in html
    assert 'class="say"' not in html
    assert 'id="say-tpl"' not in html


def test_in_easy_mode_the_body_has_its_class_and_the_script_is_deferred(client):
    """The script is the only addition to the head (beside the offline app's, on every page),
    and it never blocks rendering."""
    # when
    html = easy(client).get(reverse("web:home")).content.decode()
    # then
    assert '<body class="easy">' in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == [
        '<script src="/static/web/pwa.js" defer>',
        '<script src="/static/web/easy.js" defer>',
    ]
    assert '<template id="say-tpl">' in html
    assert "Listen: {name}" in html


# -- buyer pages in easy mode -----------------------------------------------------------------


def test_home_has_big_category_icons_a_listen_button_for_the_menu_and_icons_in_the_header(
    client,
):
    """The category menu can be heard; the header's links and search carry icons and words."""
    # given
    CategoryFactory(name="Honey", icon="honey")
    ProductFactory(name="Forest honey")
    # when
    response = easy(client).get(reverse("web:home"))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert '<ul class="cats" id="cat-menu">' in html
    assert icon("honey") in html
    listen = {str(a.get("data-read")): text for a, text in listen_buttons(response)}
    assert listen["cat-menu"] == "Listen: Categories"
    assert listen["nav-main"] == "Listen: Menu"
    for name in ("hut", "cart", "search", "user", "speaker"):
        assert icon(name) in html
    assert_every_control_has_words(response)


def test_product_page_in_easy_mode_has_a_big_price_a_listen_button_and_an_icon_to_buy(client):
    """The price keeps its currency; listen reads name, price and stock; buying is one icon."""
    # given
    product = ProductFactory(name="Nyeri AA coffee", price_minor=85_000, unit="kg", stock=12)
    # when
    response = easy(client).get(reverse("web:product_detail", args=[product.pk, product.slug]))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    price = format_money(85_000, "KES", "en")
    assert f'<p id="p-price"><span class="price">{price}</span> / kg' in html
    assert '<h1 id="p-name">Nyeri AA coffee</h1>' in html
    buttons = listen_buttons(response)
    assert [(a.get("data-read"), text) for a, text in buttons] == [
        ("nav-main", "Listen: Menu"),
        ("p-name p-price p-stock", "Listen: Nyeri AA coffee"),
    ]
    buy = re.search(r'<button type="submit" class="go">(.*?)</button>', html, re.S)
    assert buy is not None
    assert icon("cart-add") in buy.group(1)
    assert '<span class="vh">Add to cart</span>' in buy.group(1)
    assert_every_control_has_words(response)


def test_category_page_in_easy_mode_has_a_listen_button_for_its_subcategories(client):
    """Children are a menu that can be heard; cards get their listen button from the template."""
    # given
    parent = CategoryFactory(name="Crafts", icon="vase")
    CategoryFactory(name="Pottery", parent=parent, icon="pot")
    ProductFactory(category=parent, name="Carved spoon")
    # when
    response = easy(client).get(reverse("web:category_detail", args=[parent.slug]))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    listen = {str(a.get("data-read")): text for a, text in listen_buttons(response)}
    assert listen["cat-menu"] == "Listen: Crafts"
    assert '<ul class="cats" id="cat-menu">' in html
    assert '<span class="price">' in html
    assert '<template id="say-tpl">' in html
    assert_every_control_has_words(response)


@pytest.mark.parametrize(
    "path",
    [
        lambda p: reverse("web:village_detail", args=[p.village.slug]),
        lambda p: reverse("web:shop_detail", args=[p.shop.slug]),
        lambda p: reverse("web:search") + "?q=basket",
        lambda p: reverse("web:village_list"),
    ],
    ids=["village", "shop", "search", "villages"],
)
def test_other_buyer_pages_render_in_easy_mode(client, path):
    """Village, shop, search and village list pages work in the mode, every control named."""
    # given
    product = ProductFactory(name="Market basket")
    # when
    response = easy(client).get(path(product))
    # then
    assert response.status_code == 200
    assert '<body class="easy">' in response.content.decode()
    assert_every_control_has_words(response)


def test_cart_in_easy_mode_has_listen_buttons_big_totals_and_icons(client):
    """Each line can be heard; removing is a bin icon; checking out is a wallet icon."""
    # given
    buyer = UserFactory()
    product = ProductFactory(name="Comb honey", price_minor=98_000)
    cart_add(user=buyer, product_id=product.pk, quantity=2)
    client.force_login(buyer)
    # when
    response = easy(client).get(reverse("orders:cart"))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    listen = {str(a.get("data-read")): text for a, text in listen_buttons(response)}
    assert listen[f"cn-{product.pk} cp-{product.pk}"] == "Listen: Comb honey"
    assert f'<strong class="price">{format_money(196_000, "KES", "en")}</strong>' in html
    assert icon("trash") in html
    assert '<span class="vh">Remove Comb honey</span>' in html
    checkout = re.search(r'<a class="btn go" href="/checkout/">(.*?)</a>', html, re.S)
    assert checkout is not None
    assert icon("wallet") in checkout.group(1)
    assert_every_control_has_words(response)


def test_checkout_in_easy_mode_has_icons_for_each_choice_and_the_total_on_the_pay_button(client):
    """Delivery and payment choices are recognisable by icon; the button shows what is paid."""
    # given
    buyer = UserFactory()
    product = ProductFactory(price_minor=75_000)
    ServiceCentreFactory(village=product.village)
    cart_add(user=buyer, product_id=product.pk, quantity=2)
    client.force_login(buyer)
    # when
    response = easy(client).get(reverse("orders:checkout"))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    for name in ("truck", "pin", "phone", "card", "cash"):
        assert icon(name) in html
    button = re.search(r'<button type="submit" class="go">(.*?)</button>', html, re.S)
    assert button is not None
    assert icon("wallet") in button.group(1)
    assert '<span class="vh">Place the order and pay</span>' in button.group(1)
    assert f'<span class="price">{format_money(150_000, "KES", "en")}</span>' in button.group(1)
    assert_every_control_has_words(response)


def test_pay_page_in_easy_mode_shows_a_paid_order_by_icon(client, tasks):
    """After paying: the payment's check icon and the order's parcel icon."""
    # given
    order = paid_order(tasks)
    client.force_login(order.buyer)
    # when
    response = easy(client).get(reverse("orders:checkout_pay", args=[order.checkout_id]))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    status = re.search(r'<p class="status" data-payment="succeeded">(.*?)</p>', html, re.S)
    assert status is not None
    assert icon("check") in status.group(1)
    assert icon("box") in html
    assert_every_control_has_words(response)


def test_pay_button_in_easy_mode_is_a_wallet_and_the_amount(client):
    """An unpaid checkout offers a big pay button named "Pay" plus the amount."""
    # given
    checkout = place()
    client.force_login(checkout.buyer)
    # when
    response = easy(client).get(reverse("orders:checkout_pay", args=[checkout.pk]))
    html = response.content.decode()
    # then
    button = re.search(r'<button type="submit" class="go">(.*?)</button>', html, re.S)
    assert button is not None
    assert icon("wallet") in button.group(1)
    amount = format_money(checkout.total_minor, checkout.currency, "en")
    assert f'<span class="vh">Pay</span> <span class="price">{amount}</span>' in button.group(1)
    assert_every_control_has_words(response)


def test_order_list_in_easy_mode_shows_statuses_by_icon_and_totals_big(client, tasks):
    """A shipped order is a lorry, a paid one a parcel; totals are big numerals."""
    # given
    shipped = shipped_order(tasks)
    paid = paid_order(tasks, buyer=shipped.buyer)
    client.force_login(shipped.buyer)
    # when
    response = easy(client).get(reverse("orders:order_list"))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert icon("truck") in html
    assert icon("box") in html
    for order in (shipped, paid):
        amount = format_money(order.pay_total_minor, order.pay_currency, "en")
        assert f'<td class="price">{amount}</td>' in html
    assert_every_control_has_words(response)


def test_shipped_order_in_easy_mode_confirms_receipt_by_icon(client, tasks):
    """The confirm button is the "received" icon, described by the warning, which can be
    heard; posting it completes the order as in the usual pages."""
    # given
    order = shipped_order(tasks)
    client.force_login(order.buyer)
    url = reverse("orders:order_detail", args=[order.pk])
    # when
    response = easy(client).get(url)
    html = response.content.decode()
    # then
    assert response.status_code == 200
    button = re.search(
        r'<button type="submit" class="go" id="confirm-btn" '
        r'aria-describedby="confirm-help">(.*?)</button>',
        html,
        re.S,
    )
    assert button is not None
    assert icon("received") in button.group(1)
    assert "I received the goods" in button.group(1)
    assert '<span class="help" id="confirm-help">This releases the money' in html
    listen = {str(a.get("data-read")): text for a, text in listen_buttons(response)}
    assert listen["confirm-btn confirm-help"] == "Listen: I received the goods"
    assert listen["escrow-h escrow-text"] == "Listen: Your money"
    assert_every_control_has_words(response)
    # when: the buyer presses it
    done = client.post(reverse("orders:order_confirm", args=[order.pk]))
    # then
    order.refresh_from_db()
    assert done.status_code == 302
    assert order.status == OrderStatus.COMPLETED


def test_messages_in_easy_mode_carry_an_icon_and_can_be_heard(client):
    """A done message comes with a check icon, a refusal with a warning sign; both can be heard."""
    # given
    product = ProductFactory(stock=3)
    path = reverse("web:product_detail", args=[product.pk, product.slug])
    easy(client)
    # when
    added = client.post(
        reverse("orders:cart_add"),
        {"product_id": product.pk, "quantity": 1, "next": path},
        follow=True,
    )
    refused = client.post(
        reverse("orders:cart_add"),
        {"product_id": product.pk, "quantity": 50, "next": path},
        follow=True,
    )
    # then
    done = re.search(r'<li class="msg success">(.*?)</li>', added.content.decode(), re.S)
    error = re.search(r'<li class="msg error">(.*?)</li>', refused.content.decode(), re.S)
    assert done is not None
    assert icon("check") in done.group(1)
    assert error is not None
    assert icon("alert") in error.group(1)
    for response in (added, refused):
        listen = {str(a.get("data-read")): text for a, text in listen_buttons(response)}
        assert listen["msgs"] == "Listen: Messages"


# -- page weight ------------------------------------------------------------------------------


def gzipped(response) -> int:
    return len(gzip.compress(response.content))


def test_product_page_in_easy_mode_fits_in_14_kb_gzipped(client):
    """With 8 photos and 3 verified certifications, as the budget test of the usual page."""
    # given
    product = ProductFactory(description="Woven by hand. " * 200)
    for n in range(8):
        ProductImageFactory(product=product, alt=f"Basket seen from side {n}")
    staff = StaffFactory()
    for kind in ("organic", "gi", "fair_trade"):
        catalog_services.certification_verify(
            certification=CertificationFactory(product=product, kind=kind), actor=staff
        )
    # when
    response = easy(client).get(reverse("web:product_detail", args=[product.pk, product.slug]))
    # then
    assert response.status_code == 200
    assert gzipped(response) <= BUDGET


def test_category_page_in_easy_mode_fits_in_14_kb_gzipped(client):
    """A full page of 24 products with photos and five subcategories."""
    # given
    category = CategoryFactory(icon="coffee")
    CategoryFactory.create_batch(5, parent=category)
    shop = ShopFactory()
    for product in ProductFactory.create_batch(30, category=category, shop=shop):
        ProductImageFactory(product=product)
    # when
    response = easy(client).get(reverse("web:category_detail", args=[category.slug]))
    # then
    assert response.status_code == 200
    assert gzipped(response) <= BUDGET


def test_cart_in_easy_mode_fits_in_14_kb_gzipped(client):
    """Twenty lines from five shops, each with its listen button and bin icon."""
    # given
    buyer = UserFactory()
    for shop in ShopFactory.create_batch(5):
        for product in ProductFactory.create_batch(4, shop=shop):
            cart_add(user=buyer, product_id=product.pk, quantity=2)
    client.force_login(buyer)
    # when
    response = easy(client).get(reverse("orders:cart"))
    # then
    assert response.status_code == 200
    assert gzipped(response) <= BUDGET


def test_checkout_in_easy_mode_fits_in_14_kb_gzipped(client):
    """Ten lines from five shops and forty service centres in twenty villages."""
    # given
    buyer = UserFactory()
    for shop in ShopFactory.create_batch(5):
        for product in ProductFactory.create_batch(2, shop=shop):
            cart_add(user=buyer, product_id=product.pk, quantity=1)
    for village in VillageFactory.create_batch(20):
        ServiceCentreFactory.create_batch(2, village=village)
    client.force_login(buyer)
    # when
    response = easy(client).get(reverse("orders:checkout"))
    # then
    assert response.status_code == 200
    assert gzipped(response) <= BUDGET


def test_the_mode_adds_little_to_the_render_blocking_css_and_a_small_deferred_script():
    """The stylesheet stays far below the 30 KB budget; easy.js is small and deferred."""
    from django.contrib.staticfiles import finders

    def read(name: str) -> bytes:
        path = finders.find(name)
        assert isinstance(path, str), name
        with open(path, "rb") as handle:
            return handle.read()

    assert len(gzip.compress(read("web/sokoni.css"))) <= 4 * 1024
    assert len(gzip.compress(read("web/easy.js"))) <= 2 * 1024
    assert len(read("web/icons.svg")) < 12 * 1024
