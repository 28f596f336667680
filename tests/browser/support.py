"""Helpers of the browser tests: axe-core, signing in, and a small world built with factories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def log_in(page: Any, live_server: Any, user: Any) -> None:
    """Sign a user in for this page's context by giving it a session cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return its violations (WCAG A and AA rules)."""
    # Through the DevTools protocol, which the page's Content-Security-Policy does not govern
    # (a <script> tag with axe's source inline would be refused by it, as it should be).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate("() => {" + AXE.read_text() + "\n}")
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )
    return list(result)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)


# -- a small world ---------------------------------------------------------------------------

_PICTURES: dict[str, str] = {}


def picture_key(motif: str, colour: str, label: str) -> str:
    """Store a generated picture once per test session (the storage outlives the DB flush)."""
    from django.core.files.storage import default_storage

    from sokoni.core.images import rendition_path, store_photo
    from sokoni.web.demo.pictures import product_picture, village_picture

    key = f"{motif}:{colour}:{label}"
    stored = _PICTURES.get(key)
    if stored is None or not default_storage.exists(rendition_path(stored, 160)):
        if motif == "village":
            png = village_picture(("#9cc8e8", colour, "#b5452a"), 0, label)
        else:
            png = product_picture(motif, colour, label, 0)
        _PICTURES[key] = store_photo(png, "test-pictures").key
    return _PICTURES[key]


@dataclass
class World:
    staff: Any
    seller: Any
    buyer: Any
    villages: list[Any]
    shops: list[Any]
    products: list[Any]

    @property
    def coffee(self) -> Any:
        return next(p for p in self.products if "coffee" in p.name.lower())


def build_small_world() -> World:
    """Two villages, three shops, twelve products with pictures, categories, search index."""
    from sokoni.accounts.tests.factories import StaffFactory, UserFactory
    from sokoni.catalog import search
    from sokoni.catalog.models import Category
    from sokoni.catalog.services import category_tree_install
    from sokoni.catalog.states import CertificationKind, CertificationStatus, ProductKind, Unit
    from sokoni.catalog.tests.factories import (
        CertificationFactory,
        ProductFactory,
        ProductImageFactory,
        ShopFactory,
    )
    from sokoni.villages.tests.factories import (
        ServiceCentreFactory,
        VillageFactory,
        VillagePhotoFactory,
    )

    category_tree_install()
    cat = {c.slug: c for c in Category.objects.all()}
    staff = StaffFactory(name="Staff member")
    seller = UserFactory(name="Njeri Wairimu")
    buyer = UserFactory(name="Achieng Otieno")
    othaya = VillageFactory(
        name="Othaya",
        slug="othaya",
        is_featured=True,
        description="Tea, avocados and honey on the ridges below Mount Kenya.",
    )
    chettalli = VillageFactory(
        name="Chettalli",
        slug="chettalli",
        country="IN",
        region="Karnataka",
        district="Kodagu",
        specialities="Arabica coffee\nPepper\nCardamom",
        attractions="Estate walks",
        is_featured=True,
    )
    for village, colour in ((othaya, "#3f8a3f"), (chettalli, "#2f6a2f")):
        VillagePhotoFactory(
            village=village, key=picture_key("village", colour, village.name), caption="Hills"
        )
        ServiceCentreFactory(village=village, name=f"{village.name} service centre")
    honey_shop = ShopFactory(
        village=othaya, owner=seller, name="Aberdare Honey", slug="aberdare-honey"
    )
    tea_shop = ShopFactory(village=othaya, name="Othaya Tea Growers", slug="othaya-tea-growers")
    coffee_shop = ShopFactory(
        village=chettalli, name="Silver Oak Coffee", slug="silver-oak-coffee", currency="INR"
    )
    specs = [
        (honey_shop, "honey", "Organic highland honey, 500 g", 75_000, "jar", "#e0a020", "Honey"),
        (honey_shop, "honey", "Comb honey, 400 g", 98_000, "jar", "#d09010", "Honey"),
        (honey_shop, "honey", "Forest honey, 1 kg", 140_000, "jar", "#c08010", "Honey"),
        (tea_shop, "tea", "Othaya black tea, 250 g", 32_000, "leaf", "#3f7a3a", "Tea"),
        (tea_shop, "tea", "Purple tea, 100 g", 52_000, "leaf", "#6a3a7a", "Tea"),
        (tea_shop, "fruit", "Hass avocados", 16_000, "fruit", "#4a7a2a", "Avocados"),
        (tea_shop, "coffee", "Nyeri AA coffee, 250 g", 78_000, "cup", "#6a3a1a", "Coffee"),
        (coffee_shop, "coffee", "Coorg arabica coffee, 250 g", 34_000, "cup", "#8a5a3c", "Coffee"),
        (
            coffee_shop,
            "coffee",
            "Coorg robusta coffee, 500 g",
            29_000,
            "beans",
            "#6a3a1a",
            "Robusta",
        ),
        (coffee_shop, "pepper", "Coorg black pepper, 250 g", 25_000, "mound", "#3a3a3a", "Pepper"),
        (coffee_shop, "cardamom", "Green cardamom, 100 g", 33_000, "mound", "#7aa05a", "Cardamom"),
        (coffee_shop, "coffee", "Green arabica beans", 58_000, "beans", "#7a9a5a", "Green coffee"),
    ]
    products = []
    for shop, category, name, price, motif, colour, label in specs:
        produce = name in {"Hass avocados", "Green arabica beans"}
        product = ProductFactory(
            shop=shop,
            category=cat[category],
            name=name,
            description=f"{name} from {shop.village.name}.",
            price_minor=price,
            kind=ProductKind.PRODUCE if produce else ProductKind.PHYSICAL,
            unit=Unit.KG if produce else Unit.PIECE,
        )
        ProductImageFactory(product=product, key=picture_key(motif, colour, label), alt=label)
        products.append(product)
    CertificationFactory(
        product=products[0],
        kind=CertificationKind.ORGANIC,
        status=CertificationStatus.VERIFIED,
        reviewed_by=staff,
    )
    search.product_reindex([p.pk for p in products])
    return World(
        staff=staff,
        seller=seller,
        buyer=buyer,
        villages=[othaya, chettalli],
        shops=[honey_shop, tea_shop, coffee_shop],
        products=products,
    )


def pickup_checkout(world: World, product: Any, *, pay: str | None = "card") -> Any:
    """The world's buyer checks out one ``product`` for pickup at the Othaya centre and pays
    by the sandbox's good card (``pay="card"``), cash at the centre (``"cash"``) or not yet."""
    from sokoni.orders.services.checkout import Delivery, checkout_pay, checkout_place
    from sokoni.villages.models import ServiceCentre

    centre = ServiceCentre.objects.filter(village=world.villages[0]).get()
    checkout = checkout_place(
        buyer=world.buyer,
        items=[(product.pk, 1)],
        currency="KES",
        delivery=Delivery(
            method="pickup",
            recipient_name="Mama Atieno",
            recipient_phone="+254722000222",
            service_centre_id=centre.pk,
        ),
    )
    if pay == "card":
        checkout_pay(
            checkout=checkout, actor=world.buyer, method="card", card_number="4242424242424242"
        )
    elif pay == "cash":
        checkout_pay(checkout=checkout, actor=world.buyer, method="cash", centre_id=centre.pk)
    return checkout
