"""Turn the demo world into rows: accounts, villages, service centres, shops, products, photos.

Villages, service centres and shops go through the same services a person's request would use
(apply, approve, open, approve), so the demo never holds a state the platform could not reach.
Products are many, so they are written in bulk (batches of `BATCH` rows) with pictures shared
between products of one kind, then indexed for search in one pass. Everything is drawn from a
seeded random generator: two runs give the same world.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from typing import Final

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from sokoni.accounts.models import User
from sokoni.accounts.phones import normalize_phone
from sokoni.catalog import search
from sokoni.catalog.models import Category, Certification, Product, ProductImage, Shop
from sokoni.catalog.services import category_tree_install, shop_approve, shop_open
from sokoni.catalog.states import CertificationStatus, ProductKind
from sokoni.core.images import StoredPhoto, store_photo
from sokoni.core.money import currency_exponent
from sokoni.villages.models import Village
from sokoni.villages.services import service_centre_create, village_apply, village_approve
from sokoni.web.demo.centres import CentresReport, seed_centres
from sokoni.web.demo.network import NetworkReport, seed_network
from sokoni.web.demo.orders import OrdersReport, seed_orders
from sokoni.web.demo.pictures import product_picture, village_picture
from sokoni.web.demo.trust import TrustReport, seed_trust
from sokoni.web.demo.world import DEMO_ACCOUNTS, PASSWORD, WORLD, Line, ShopSpec, VillageSpec

BATCH: Final = 2000
PICTURES_PER_LINE: Final = 3
DEFAULT_PRODUCTS: Final = 1500
PRODUCT_PHOTO_FOLDER: Final = "products/demo"

# Phone numbers of generated people: a valid mobile range per country and a running number.
_PHONE_FORMATS: Final[dict[str, Callable[[int], str]]] = {
    "CN": lambda n: f"+86139{n:08d}",
    "KR": lambda n: f"+8210{50_000_000 + n:08d}",
    "IN": lambda n: f"+9198450{n:05d}",
    "CV": lambda n: f"+238991{n:04d}",
    "KE": lambda n: f"+254720{100_000 + n:06d}",
    "PE": lambda n: f"+51984{n:06d}",
    "BO": lambda n: f"+5917{1_000_000 + n:07d}",
    "ET": lambda n: f"+25191{1_000_000 + n:07d}",
    "KH": lambda n: f"+85512{100_000 + n:06d}",
}
_LANGUAGE_OF: Final[dict[str, str]] = {
    "CN": "zh-hans",
    "KR": "ko",
    "IN": "hi",
    "CV": "fr",
    "KE": "sw",
    "PE": "es",
    "BO": "es",
    "ET": "en",
    "KH": "en",
}

# A second way products of one kind differ (pack size, colour, size...), by category family, so
# that a shop's products are distinct. (label, price factor); "" means the plain product.
_FOOD_PACKS = (
    ("", 1.0),
    ("pack of 2", 1.95),
    ("pack of 3", 2.85),
    ("pack of 6", 5.5),
    ("gift box", 1.3),
)
_PRODUCE_LOTS = (
    ("", 1.0),
    ("this week's harvest", 1.05),
    ("bulk, 25 kg or more", 0.9),
    ("export grade", 1.2),
)
_CRAFT_SIZES = (
    ("", 1.0),
    ("small", 0.8),
    ("large", 1.3),
    ("gift-wrapped", 1.05),
    ("made to order", 1.15),
)
_TEXTILE_EXTRAS = (
    ("", 1.0),
    ("gift-wrapped", 1.05),
    ("made to order", 1.15),
    ("naturally dyed", 1.1),
)
_VEGETABLE_LOTS = (
    ("", 1.0),
    ("this week's harvest", 1.05),
    ("from the upper fields", 1.1),
    ("two boxes", 1.95),
)
_SANDAL_SIZES = tuple((f"size {s}", 1.0) for s in (36, 37, 38, 39, 40, 41, 42, 43, 44, 45))
_FINISHES = (
    ("", 1.0),
    ("assembled", 1.15),
    ("with assembly service", 1.12),
    ("express delivery", 1.05),
)
_WHOLESALE = (("", 1.0), ("wholesale, 10 units", 9.0), ("wholesale, 50 units", 42.0))
_DELIVERY = (
    ("", 1.0),
    ("delivered in Addis Ababa", 1.05),
    ("delivered in Bishoftu", 1.0),
    ("delivered in Adama", 1.08),
)
_WITH_CASE = (("", 1.0), ("with case", 1.2), ("with case and spare strings", 1.3))
_EXTRAS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "vegetables": _VEGETABLE_LOTS,
    "flat-pack": _FINISHES,
    "furniture": _FINISHES,
    "furniture-wood": _WHOLESALE,
    "tools-hardware": _WHOLESALE,
    "packaging": _WHOLESALE,
    "sandals": _SANDAL_SIZES,
    "animal-gifts": _DELIVERY,
    "instruments": _WITH_CASE,
    "woven-cloth": _TEXTILE_EXTRAS,
    "alpaca-wool": _TEXTILE_EXTRAS,
    "silk": _TEXTILE_EXTRAS,
    "pottery": _CRAFT_SIZES,
    "baskets": _CRAFT_SIZES,
    "crafts": _CRAFT_SIZES,
    "silverware": _CRAFT_SIZES,
    "stories": _CRAFT_SIZES,
    "photographs": _CRAFT_SIZES,
    "coffee-ceremony": _CRAFT_SIZES,
}
# What one unit weighs packed, by category (grams, for the plain product; a variant's price
# factor scales it: a pack of 6 weighs about six times one). Produce sold by the kilo: a kilo.
_PACKED_G: Final[dict[str, int]] = {
    "flat-pack": 14_000,
    "furniture": 6_000,
    "furniture-wood": 17_000,
    "tools-hardware": 800,
    "packaging": 6_000,
    "vegetables": 5_000,
    "sandals": 900,
    "animal-gifts": 28_000,
    "instruments": 2_500,
    "woven-cloth": 700,
    "alpaca-wool": 400,
    "silk": 250,
    "pottery": 2_500,
    "baskets": 900,
    "crafts": 600,
    "silverware": 400,
    "stories": 500,
    "photographs": 400,
    "music": 200,
    "coffee-ceremony": 2_500,
    "coffee": 550,
    "tea": 300,
    "honey": 1_200,
    "spice-blends": 550,
    "spices": 300,
    "pepper": 300,
    "cardamom": 300,
    "mountain-greens": 300,
    "citrus": 3_000,
    "fruit-vegetables": 550,
    "butter-cheese": 1_000,
    "sugar-sweeteners": 550,
    "jaggery": 1_050,
    "sugarcane": 10_000,
    "seeds": 10_000,
    "grains-pulses": 1_050,
    "soybeans": 1_050,
}
# Harmonized System codes (6 digits) by category, for the customs declaration of exports.
_HS_CODES: Final[dict[str, str]] = {
    "flat-pack": "940360",  # wooden furniture
    "furniture": "940161",  # seats with wooden frames, upholstered
    "furniture-wood": "441231",  # plywood
    "tools-hardware": "830242",  # base-metal mountings for furniture
    "packaging": "481910",  # cartons of corrugated paper
    "vegetables": "070190",  # potatoes
    "sandals": "640299",  # footwear with rubber soles
    "animal-gifts": "010420",  # live goats
    "instruments": "920290",  # string instruments
    "woven-cloth": "630790",  # made-up textile articles
    "alpaca-wool": "611710",  # shawls and scarves, knitted
    "silk": "621410",  # shawls and scarves of silk
    "pottery": "691200",  # ceramic household articles
    "baskets": "460219",  # basketwork of vegetable materials
    "crafts": "442090",  # wooden ornaments and other craft articles
    "silverware": "711411",  # articles of silver
    "stories": "970110",  # paintings by hand
    "photographs": "491191",  # pictures and photographs
    "music": "852349",  # recorded optical media
    "coffee-ceremony": "691200",
    "coffee": "090121",  # roasted coffee
    "tea": "090230",  # black tea
    "honey": "040900",
    "spice-blends": "091091",  # mixtures of spices
    "spices": "091030",  # turmeric
    "pepper": "090411",
    "cardamom": "090831",
    "mountain-greens": "071290",  # dried vegetables
    "citrus": "080521",  # mandarins
    "fruit": "080440",  # avocados
    "fruit-vegetables": "080262",  # macadamia nuts
    "butter-cheese": "040590",  # ghee
    "sugar-sweeteners": "170199",
    "jaggery": "170113",
    "sugarcane": "121293",
    "seeds": "120110",  # soya beans for sowing
    "grains-pulses": "110290",  # cereal flours
    "soybeans": "120190",
    "wheat": "100199",
    "chickpeas-lentils": "071320",
    "quinoa": "100850",
}
_PER_KG_G: Final = 1_050
_HEAVIEST_G: Final = 99_000  # the demo rate grids end at 100 kg

_CLOSINGS: Final = (
    "Ships within two working days from {village}.",
    "Collect it at the {centre}, or have it delivered to your door.",
    "Ask {shop} for prices on larger orders.",
    "Packed by hand in {village}; every order carries the maker's name.",
    "Sold by {shop}, {village}.",
)


@dataclass
class SeedReport:
    """What seeding made, for the command's output."""

    villages: int = 0
    centres: int = 0
    shops: int = 0
    products: int = 0
    drafts: int = 0
    certifications: int = 0
    pictures: int = 0
    network: NetworkReport = field(default_factory=NetworkReport)
    orders: OrdersReport = field(default_factory=OrdersReport)
    centre: CentresReport = field(default_factory=CentresReport)
    trust: TrustReport = field(default_factory=TrustReport)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Offer:
    """One product a shop will list: a line, a variant and an extra, or a numbered lot."""

    line: Line
    variant: tuple[str, float]
    extra: tuple[str, float]
    lot: int = 0


def _round_price(value: float) -> float:
    """Round to a believable step: 187 -> 185, 12.6 -> 12.5, 87,450 -> 87,500."""
    if value <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(value)) - 1) * 0.5
    return max(step, round(value / step) * step)


def minor_units(major: float, currency: str) -> int:
    """Major units to integer minor units of a currency (KRW has none, KES two)."""
    return int(Decimal(str(major)).scaleb(currency_exponent(currency)).to_integral_value())


def packed_weight_g(line: Line, factor: float) -> int:
    """What one unit of a product weighs packed: by category, scaled by the variant."""
    if line.unit == "kg":
        return _PER_KG_G
    weight = _PACKED_G.get(line.category, 500) * min(max(factor, 0.5), 50.0)
    return min(round(weight), _HEAVIEST_G)


def seller_phone(country: str, n: int) -> str:
    """A valid mobile number for the n-th generated person of a country."""
    return _PHONE_FORMATS[country](n)


class Seeder:
    """Build the demo world into an empty database; see `seed_demo`."""

    def __init__(self, *, products: int, log: Callable[[str], None], seed: int = 2026) -> None:
        self.target = products
        self.log = log
        self.rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not secrets
        self.report = SeedReport()
        self.password_hash = make_password(PASSWORD)
        self.accounts: dict[str, User] = {}
        self.people: dict[tuple[str, str], User] = {}  # (country, name) -> user
        self.phone_counter: dict[str, int] = {}
        self.categories: dict[str, Category] = {}
        self.pictures: dict[tuple[str, str, str], list[StoredPhoto]] = {}
        self.centre_names: dict[int, str] = {}
        # Small catalogues (tests) draw one picture per kind of product: drawing is the slow part.
        self.pictures_per_line = PICTURES_PER_LINE if products >= 1000 else 1

    # -- people ---------------------------------------------------------------------------------

    def _accounts(self) -> None:
        users = []
        for account in DEMO_ACCOUNTS:
            user = User(
                phone=normalize_phone(account.phone),
                name=account.name,
                language=account.language,
                currency=account.currency,
                password=self.password_hash,
                is_staff=account.role == "staff",
                is_superuser=account.role == "staff",
            )
            users.append(user)
        for account, user in zip(DEMO_ACCOUNTS, User.objects.bulk_create(users), strict=True):
            self.accounts[account.role] = user

    def _person(self, country: str, name: str) -> User:
        """The generated person of that name in that country ("@role" is a demo account)."""
        if name.startswith("@"):
            return self.accounts[name[1:]]
        key = (country, name)
        if key not in self.people:
            n = self.phone_counter.get(country, 0) + 1
            self.phone_counter[country] = n
            self.people[key] = User.objects.create(
                phone=normalize_phone(seller_phone(country, n)),
                name=name,
                language=_LANGUAGE_OF.get(country, "en"),
                currency=next(s.currency for s in WORLD if s.country == country),
                password=self.password_hash,
            )
        return self.people[key]

    # -- villages, centres, shops -----------------------------------------------------------------

    def _village(self, spec: VillageSpec) -> Village:
        contact = self._person(spec.country, spec.contact)
        photos = [
            village_picture(spec.palette, scene, spec.name) for scene in range(len(spec.photos))
        ]
        village = village_apply(
            applicant=contact,
            name=spec.name,
            country=spec.country,
            region=spec.region,
            district=spec.district,
            latitude=Decimal(spec.latitude),
            longitude=Decimal(spec.longitude),
            households=spec.households,
            description=spec.description,
            specialities="\n".join(spec.specialities),
            attractions="\n".join(spec.attractions),
            contact_name=contact.name,
            contact_phone=contact.phone,
            photos=photos,
        )
        for photo, caption in zip(village.photos.order_by("position"), spec.photos, strict=True):
            photo.caption = caption
            photo.save(update_fields=["caption"])
        village = village_approve(village=village, by=self.accounts["staff"])
        if spec.featured:
            Village.objects.filter(pk=village.pk).update(is_featured=True)
        for centre in spec.centres:
            operator = self._person(spec.country, centre.operator) if centre.operator else None
            made = service_centre_create(
                village=village,
                by=self.accounts["staff"],
                name=centre.name,
                address=centre.address,
                hours=centre.hours,
                phone=operator.phone if operator else "",
                operator_phone=operator.phone if operator else "",
                latitude=Decimal(spec.latitude),
                longitude=Decimal(spec.longitude),
            )
            self.centre_names.setdefault(village.pk, made.name)
            self.report.centres += 1
        self.report.villages += 1
        self.report.pictures += len(photos)
        return village

    def _shop(self, village: Village, spec: VillageSpec, shop: ShopSpec) -> Shop:
        owner = self._person(spec.country, shop.owner)
        made = shop_open(
            owner=owner,
            village=village,
            name=shop.name,
            description=shop.description,
            currency=spec.currency,
        )
        shop_approve(shop=made, actor=self.accounts["staff"])
        made.refresh_from_db()
        self.report.shops += 1
        return made

    # -- products ---------------------------------------------------------------------------------

    def _category(self, slug: str) -> Category:
        if not self.categories:
            self.categories = {c.slug: c for c in Category.objects.all()}
        return self.categories[slug]  # world.py names slugs of category_tree.TREE

    def _pictures(self, line: Line) -> list[StoredPhoto]:
        """The shared pictures of one kind of product, drawn and stored on first use."""
        key = (line.motif, line.colour, line.label)
        if key not in self.pictures:
            stored = []
            for variant in range(self.pictures_per_line):
                png = product_picture(line.motif, line.colour, line.label, variant)
                stored.append(store_photo(png, PRODUCT_PHOTO_FOLDER))
            self.pictures[key] = stored
            self.report.pictures += len(stored)
        return self.pictures[key]

    def _offers(self, spec: VillageSpec, shop: ShopSpec) -> list[_Offer]:
        """Every distinct product the shop can list, in a shuffled but fixed order."""
        offers: list[_Offer] = []
        for key in shop.lines:
            line = spec.lines[key]
            extras = _PRODUCE_LOTS if line.produce else _EXTRAS.get(line.category, _FOOD_PACKS)
            offers.extend(
                _Offer(line, variant, extra) for variant in line.variants for extra in extras
            )
        self.rng.shuffle(offers)
        return offers

    def _plan(
        self, shops: list[tuple[Shop, VillageSpec, ShopSpec]]
    ) -> Iterator[tuple[int, _Offer]]:
        """Hand out `target` products round-robin over the shops (index into `shops`, offer).

        Each shop lists its distinct products first; only when every shop has run out (a
        benchmark catalogue) do numbered lots of the same products follow.
        """
        queues = [self._offers(spec, shop_spec) for _, spec, shop_spec in shops]
        cursors = [0] * len(queues)
        lot = 0
        made = 0
        while made < self.target:
            progressed = False
            for index, queue in enumerate(queues):
                if made >= self.target:
                    break
                if cursors[index] >= len(queue):
                    continue
                offer = queue[cursors[index]]
                cursors[index] += 1
                yield index, replace(offer, lot=lot)
                made += 1
                progressed = True
            if not progressed:
                if not any(queues):
                    return
                lot += 1
                cursors = [0] * len(queues)

    def _product(self, shop: Shop, spec: VillageSpec, offer: _Offer) -> Product:
        line = offer.line
        name = line.name.format(v=offer.variant[0])
        if offer.extra[0]:
            name = f"{name}, {offer.extra[0]}"
        if offer.lot:
            name = f"{name} (lot {offer.lot + 1})"
        low, high = line.price
        major = _round_price(self.rng.uniform(low, high) * offer.variant[1] * offer.extra[1])
        closing = self.rng.choice(_CLOSINGS).format(
            village=spec.name, shop=shop.name, centre=self.centre_names.get(shop.village_id, "")
        )
        if line.category == "animal-gifts":
            stock = self.rng.randint(1, 12)
        elif line.produce:
            stock = self.rng.randint(20, 2000)
        else:
            stock = 0 if self.rng.random() < 0.07 else self.rng.randint(2, 240)
        published = timezone.now() - timedelta(seconds=self.rng.uniform(0, 180 * 86400))
        return Product(
            shop=shop,
            village_id=shop.village_id,
            category=self._category(line.category),
            kind=ProductKind.PRODUCE if line.produce else ProductKind.PHYSICAL,
            name=name[:150],
            slug=slugify(name)[:150].strip("-") or "product",
            description=f"{line.description}\n\n{closing}",
            price_minor=minor_units(major, shop.currency),
            currency=shop.currency,
            unit=line.unit,
            weight_g=packed_weight_g(line, offer.variant[1] * offer.extra[1]),
            hs_code=_HS_CODES.get(line.category, ""),
            stock=stock,
            is_published=True,
            is_listed=True,  # its shop and village were approved above
            published_at=published,
        )

    def _products(self, shops: list[tuple[Shop, VillageSpec, ShopSpec]]) -> list[int]:
        """Write the products, their pictures and certification claims in batches."""
        slugs: dict[int, set[str]] = {}
        ids: list[int] = []
        batch: list[tuple[Product, Line]] = []
        staff = self.accounts["staff"]
        start = time.monotonic()

        def flush() -> None:
            products = Product.objects.bulk_create([p for p, _ in batch])
            images = []
            claims = []
            reviewed_at = timezone.now()
            for product, line in zip(products, (ln for _, ln in batch), strict=True):
                pictures = self._pictures(line)
                picture = pictures[product.pk % len(pictures)]
                images.append(
                    ProductImage(
                        product_id=product.pk,
                        key=picture.key,
                        alt=f"Drawing: {line.label}",
                        width=picture.width,
                        height=picture.height,
                        colour=picture.colour,
                    )
                )
                if line.certificate:
                    cert = line.certificate
                    claims.append(
                        Certification(
                            product_id=product.pk,
                            kind=cert.kind,
                            issuer=cert.issuer,
                            reference=cert.reference,
                            status=(
                                CertificationStatus.VERIFIED
                                if cert.verified
                                else CertificationStatus.CLAIMED
                            ),
                            reviewed_by=staff if cert.verified else None,
                            reviewed_at=reviewed_at if cert.verified else None,
                        )
                    )
                ids.append(product.pk)
            ProductImage.objects.bulk_create(images)
            Certification.objects.bulk_create(claims)
            self.report.certifications += len(claims)
            batch.clear()
            if len(ids) % (BATCH * 10) == 0 or len(ids) >= self.target:
                self.log(f"  {len(ids):,} products ({time.monotonic() - start:.0f} s)")

        with transaction.atomic():
            for index, offer in self._plan(shops):
                shop, spec, _ = shops[index]
                product = self._product(shop, spec, offer)
                taken = slugs.setdefault(shop.pk, set())
                base, n = product.slug, 2
                while product.slug in taken:
                    product.slug = f"{base[:145]}-{n}"
                    n += 1
                taken.add(product.slug)
                batch.append((product, offer.line))
                if len(batch) >= BATCH:
                    flush()
            if batch:
                flush()
            # Spread "newest first" over the last six months rather than the seeding minute.
            Product.objects.filter(shop__in=[s for s, _, _ in shops]).update(
                created_at=F("published_at")
            )
        self.report.products = len(ids)
        return ids

    def _drafts(self, shop: Shop, spec: VillageSpec) -> list[int]:
        """A few unpublished products in the demo seller's shop, to show the seller area."""
        drafts = []
        for key, variant in (
            ("shelf", "oak veneer, 6 tiers"),
            ("desk", "standing desk"),
            ("chair", "bar stool"),
        ):
            line = spec.lines[key]
            name = line.name.format(v=variant)
            drafts.append(
                Product(
                    shop=shop,
                    village_id=shop.village_id,
                    category=self._category(line.category),
                    name=name,
                    slug=f"draft-{slugify(name)}"[:150],
                    description=line.description,
                    price_minor=minor_units(_round_price(line.price[1] * 1.4), shop.currency),
                    currency=shop.currency,
                    stock=0,
                    is_published=False,
                )
            )
        made = Product.objects.bulk_create(drafts)
        self.report.drafts = len(made)
        return [p.pk for p in made]

    # -- the whole world --------------------------------------------------------------------------

    def _timed(self, label: str, since: float) -> float:
        now = time.monotonic()
        self.report.timings[label] = now - since
        return now

    def run(self) -> SeedReport:
        """Build everything; the database must hold no villages yet."""
        started = t = time.monotonic()
        category_tree_install()
        self._accounts()
        t = self._timed("categories and accounts", t)
        shops: list[tuple[Shop, VillageSpec, ShopSpec]] = []
        seller_shop: tuple[Shop, VillageSpec] | None = None
        for spec in WORLD:
            village = self._village(spec)
            for shop_spec in spec.shops:
                shop = self._shop(village, spec, shop_spec)
                shops.append((shop, spec, shop_spec))
                if shop_spec.owner == "@seller":
                    seller_shop = (shop, spec)
        self.log(
            f"{self.report.villages} villages, {self.report.centres} service centres, "
            f"{self.report.shops} shops"
        )
        t = self._timed("villages and shops", t)
        # Before any checkout: checkouts price delivery with the network.
        network = self.report.network = seed_network(accounts=self.accounts, person=self._person)
        self.log(
            f"Delivery network: {network.hubs} hubs serving {network.villages} villages, "
            f"{network.carriers} carriers, {network.rate_tables} rate tables"
        )
        t = self._timed("delivery network", t)
        ids = self._products(shops)
        if seller_shop is not None:
            ids += self._drafts(*seller_shop)
        t = self._timed("products", t)
        # One pass over every product: the database held none before this run.
        search.product_reindex_all()
        if connection.vendor == "postgresql":
            # Planner statistics for the tables just filled in bulk (autovacuum may take minutes):
            # without them PostgreSQL scans all product images to find a page's 24.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        t = self._timed("search index", t)
        # Orders last: they take stock from the products above, through the real checkout.
        self.report.orders = seed_orders(log=self.log)
        self.report.trust = seed_trust(self.report.orders.stories, log=self.log)
        self.report.centre = seed_centres(log=self.log)
        self._timed("orders", t)
        self.report.seconds = time.monotonic() - started
        return self.report


def seed_demo(
    *, products: int = DEFAULT_PRODUCTS, log: Callable[[str], None] = lambda _: None
) -> SeedReport:
    """Build the demo world (see DEMO_WORLD.md) into a database that holds no villages."""
    return Seeder(products=products, log=log).run()
