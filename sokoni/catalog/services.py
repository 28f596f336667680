"""Writes on the catalogue: shops and their approval, products, photos, certifications, categories.

Every change to a product (or to the shop, village or category text it is found by) asks search
to reindex it after commit. Status changes go through the tables in states.py with a conditional
update, so two staff members acting at once cannot both win.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Literal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sokoni.catalog import search
from sokoni.catalog.category_tree import TREE, Node, walk
from sokoni.catalog.errors import (
    CertificationAlreadyReviewed,
    CurrencyNotSupported,
    InvalidPhoto,
    InvalidPrice,
    InvalidStock,
    PhotoLimitReached,
    PriceRequired,
    ReasonRequired,
    ShopNotApproved,
    TransitionNotAllowed,
    UnitNotAllowed,
    VillageNotApproved,
)
from sokoni.catalog.models import (
    Category,
    Certification,
    Product,
    ProductImage,
    Shop,
    ShopEvent,
)
from sokoni.catalog.selectors import category_descendant_ids
from sokoni.catalog.states import (
    CERTIFICATION_TRANSITIONS,
    PRODUCE_UNITS,
    SHOP_TRANSITIONS,
    CertificationKind,
    CertificationStatus,
    ProductKind,
    ShopStatus,
    Unit,
)
from sokoni.core.errors import InvalidInput, NotFound, StaleState
from sokoni.core.images import delete_photo, store_photo
from sokoni.core.money import is_known_currency
from sokoni.villages.countries import COUNTRY_CODES
from sokoni.villages.models import Village
from sokoni.villages.states import VillageStatus

MAX_PRICE_MINOR: Final = 10**12
MAX_STOCK: Final = 1_000_000
MAX_PHOTOS: Final = 8
# One unit as packed: 1 g to 1,000 kg, each side up to 5 m (0: not known).
MAX_WEIGHT_G: Final = 1_000_000
MAX_SIDE_CM: Final = 500
HS_CODE: Final = re.compile(r"\d{6,10}")
# Slugs that would clash with the seller area's own URLs (/seller/shops/new/).
RESERVED_SHOP_SLUGS: Final = frozenset({"new", "edit"})


# -- helpers -----------------------------------------------------------------------------------


def _reindex_after_commit(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    if ids:
        transaction.on_commit(lambda: search.product_reindex(ids))


def _listing_refresh(scope: Q) -> None:
    """Recompute ``Product.is_listed`` for the products in scope, in the caller's transaction.

    Listed means published, in an approved shop, in an approved village; only rows whose flag
    is wrong are written.
    """
    listed = Q(
        is_published=True, shop__status=ShopStatus.APPROVED, village__status=VillageStatus.APPROVED
    )
    Product.objects.filter(scope, listed, is_listed=False).update(is_listed=True)
    Product.objects.filter(scope, is_listed=True).exclude(listed).update(is_listed=False)


def _validate(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """Run the model's field validators, turning the first failure into a domain error."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(messages[0], field=None if field == NON_FIELD_ERRORS else field) from exc


def _unique_slug(text: str, taken: Callable[[str], bool], *, fallback: str, max_length: int) -> str:
    """A slug from text (ASCII), made unique with -2, -3, ... when taken."""
    base = (slugify(text)[: max_length - 8].strip("-")) or fallback
    candidate = base
    number = 1
    while taken(candidate):
        number += 1
        candidate = f"{base}-{number}" if number < 50 else f"{base}-{secrets.token_hex(3)}"
    return candidate


def _text(value: str | None) -> str:
    return (value or "").strip()


def normalize_hs_code(value: str | None) -> str:
    """An HS code as sellers copy it from a tariff (``0901.11``, ``0901 11``) in digits only."""
    return "".join(ch for ch in _text(value) if ch not in " .-")


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


# -- shops -------------------------------------------------------------------------------------


@transaction.atomic
def shop_open(
    *, owner: Any, village: Village, name: str, description: str = "", currency: str
) -> Shop:
    """Open a shop in an approved village; it waits for staff approval (status pending)."""
    if village.status != VillageStatus.APPROVED:
        raise VillageNotApproved(field="village")
    if currency not in settings.CURRENCIES or not is_known_currency(currency):
        raise CurrencyNotSupported(field="currency")
    shop = Shop(
        owner=owner,
        village=village,
        name=_text(name),
        description=_text(description),
        currency=currency,
        status=ShopStatus.PENDING,
        status_changed_at=timezone.now(),
    )
    _validate(shop, exclude=("owner", "village", "slug"))
    for _attempt in range(3):
        shop.slug = _unique_slug(
            shop.name,
            lambda s: s in RESERVED_SHOP_SLUGS or Shop.objects.filter(slug=s).exists(),
            fallback="shop",
            max_length=140,
        )
        try:
            with transaction.atomic():
                shop.save()
            break
        except IntegrityError:  # a concurrent shop took the same slug: try the next one
            shop.pk = None
            continue
    else:
        raise StaleState()
    ShopEvent.objects.create(shop=shop, actor=owner, from_status="", to_status=shop.status)
    return shop


def _shop_move(shop: Shop, *, to: ShopStatus, actor: Any, reason: str = "") -> Shop:
    current = shop.status
    if to not in SHOP_TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(shop_id=shop.pk, from_status=current, to_status=to)
    moved = Shop.objects.filter(pk=shop.pk, status=current).update(
        status=to,
        status_changed_at=Now(),
        rejection_reason=reason if to != ShopStatus.APPROVED else "",
        updated_at=Now(),
    )
    if moved != 1:
        raise StaleState(shop_id=shop.pk)
    ShopEvent.objects.create(
        shop=shop, actor=actor, from_status=current, to_status=to, reason=reason
    )
    shop.refresh_from_db(fields=["status", "status_changed_at", "rejection_reason", "updated_at"])
    _listing_refresh(Q(shop_id=shop.pk))
    _reindex_after_commit(shop.products.values_list("pk", flat=True))
    return shop


@transaction.atomic
def shop_approve(*, shop: Shop, actor: Any) -> Shop:
    """Approve a pending shop, or reinstate a suspended one. Its village must be approved."""
    if not Village.objects.filter(pk=shop.village_id, status=VillageStatus.APPROVED).exists():
        raise VillageNotApproved(field="village")
    return _shop_move(shop, to=ShopStatus.APPROVED, actor=actor)


@transaction.atomic
def shop_reject(*, shop: Shop, actor: Any, reason: str) -> Shop:
    """Refuse a pending shop; the seller sees the reason."""
    if not _text(reason):
        raise ReasonRequired(field="reason")
    return _shop_move(shop, to=ShopStatus.REJECTED, actor=actor, reason=_text(reason))


@transaction.atomic
def shop_suspend(*, shop: Shop, actor: Any, reason: str) -> Shop:
    """Take an approved shop off the market; the seller sees the reason."""
    if not _text(reason):
        raise ReasonRequired(field="reason")
    return _shop_move(shop, to=ShopStatus.SUSPENDED, actor=actor, reason=_text(reason))


@transaction.atomic
def shop_update(
    *,
    shop: Shop,
    name: str | None = None,
    description: str | None = None,
    free_shipping_over_minor: int | Literal["keep"] | None = "keep",
) -> Shop:
    """Change a shop's name, description or free-delivery threshold (None: no free delivery);
    a new name is reindexed.

    The slug stays: links to the shop keep working after a rename.
    """
    renamed = name is not None and _text(name) != shop.name
    if name is not None:
        shop.name = _text(name)
    if description is not None:
        shop.description = _text(description)
    if free_shipping_over_minor != "keep":
        if free_shipping_over_minor is not None and free_shipping_over_minor < 0:
            raise InvalidInput(field="free_shipping_over")
        shop.free_shipping_over_minor = free_shipping_over_minor
    _validate(shop, exclude=("owner", "village"))
    shop.save(update_fields=["name", "description", "free_shipping_over_minor", "updated_at"])
    if renamed:
        _reindex_after_commit(shop.products.values_list("pk", flat=True))
    return shop


# -- products ----------------------------------------------------------------------------------


def _check_product(product: Product) -> None:
    if product.kind not in ProductKind.values:
        raise InvalidInput(field="kind")
    if product.unit not in Unit.values:
        raise InvalidInput(field="unit")
    if product.kind == ProductKind.PRODUCE and product.unit not in PRODUCE_UNITS:
        raise UnitNotAllowed(field="unit")
    price = product.price_minor
    if not isinstance(price, int) or isinstance(price, bool) or not 0 <= price <= MAX_PRICE_MINOR:
        raise InvalidPrice(field="price")
    stock = product.stock
    if not isinstance(stock, int) or isinstance(stock, bool) or not 0 <= stock <= MAX_STOCK:
        raise InvalidStock(field="stock")
    if not _whole(product.weight_g, 1, MAX_WEIGHT_G):
        raise InvalidInput(_("Enter a weight from 1 g to 1,000 kg (1000000 g)."), field="weight_g")
    for side in ("length_cm", "width_cm", "height_cm"):
        if not _whole(getattr(product, side), 0, MAX_SIDE_CM):
            raise InvalidInput(_("Enter a size from 0 to 500 cm (0 if not known)."), field=side)
    if product.hs_code and not HS_CODE.fullmatch(product.hs_code):
        raise InvalidInput(_("An HS code has 6 to 10 digits, e.g. 0901.11."), field="hs_code")
    if product.origin_country and product.origin_country not in COUNTRY_CODES:
        raise InvalidInput(_("Choose a country from the list."), field="origin_country")
    _validate(product, exclude=("shop", "village", "category", "slug", "price_minor", "stock"))


def _product_slug(product: Product) -> str:
    others = Product.objects.filter(shop_id=product.shop_id)
    if product.pk is not None:
        others = others.exclude(pk=product.pk)
    return _unique_slug(
        product.name,
        lambda s: others.filter(slug=s).exists(),
        fallback="product",
        max_length=160,
    )


def _store_photos(product: Product, photos: Sequence[bytes], alt: str) -> list[ProductImage]:
    """Store photos as WebP renditions and add them; on any failure remove what was stored."""
    if not photos:
        return []
    existing = product.images.count()
    if existing + len(photos) > MAX_PHOTOS:
        raise PhotoLimitReached(field="photos")
    position = (product.images.aggregate(top=Max("position"))["top"] or 0) + 1
    stored: list[str] = []
    images: list[ProductImage] = []
    try:
        for data in photos:
            try:
                photo = store_photo(data, f"products/{product.pk}")
            except ValidationError as exc:
                raise InvalidPhoto(exc.messages[0], field="photos") from exc
            stored.append(photo.key)
            images.append(
                ProductImage(
                    product=product,
                    key=photo.key,
                    alt=_text(alt)[:200] or product.name[:200],
                    width=photo.width,
                    height=photo.height,
                    colour=photo.colour,
                    position=position + len(images),
                )
            )
        ProductImage.objects.bulk_create(images)
    except BaseException:
        for key in stored:
            delete_photo(key)
        raise
    # If the surrounding transaction rolls back later, the rows go but the files would stay;
    # services store photos last, so only the commit follows.
    return images


def _set_packing(
    product: Product,
    weight_g: int | None,
    length_cm: int | None,
    width_cm: int | None,
    height_cm: int | None,
) -> None:
    """Set the packed weight and dimensions that were given (None keeps the current value)."""
    for name, value in (
        ("weight_g", weight_g),
        ("length_cm", length_cm),
        ("width_cm", width_cm),
        ("height_cm", height_cm),
    ):
        if value is not None:
            setattr(product, name, value)


@transaction.atomic
def product_create(
    *,
    shop: Shop,
    name: str,
    category: Category,
    price_minor: int,
    kind: str = ProductKind.PHYSICAL,
    description: str = "",
    stock: int = 0,
    unit: str = Unit.PIECE,
    photos: Sequence[bytes] = (),
    photo_alt: str = "",
    weight_g: int | None = None,
    length_cm: int | None = None,
    width_cm: int | None = None,
    height_cm: int | None = None,
    hs_code: str = "",
    origin_country: str = "",
) -> Product:
    """Add an unpublished product to a shop, priced in the shop's currency, sold from its village.

    Produce must be sold by weight or volume. One unit's packed weight (1 g to 1,000 kg, 500 g
    when not given) and size (0 to 500 cm a side, 0 when not known) price its delivery; the HS
    code (6 to 10 digits) and country of origin (ISO, blank: the shop's) are what customs read
    when it goes abroad. Photos, when given, are stored last; a bad one refuses the whole
    product and leaves nothing behind.
    """
    product = Product(
        shop=shop,
        village_id=shop.village_id,
        currency=shop.currency,
        category=category,
        kind=kind,
        name=_text(name),
        description=_text(description),
        price_minor=price_minor,
        stock=stock,
        unit=unit,
        hs_code=normalize_hs_code(hs_code),
        origin_country=_text(origin_country).upper(),
        is_published=False,
    )
    _set_packing(product, weight_g, length_cm, width_cm, height_cm)
    _check_product(product)
    product.slug = _product_slug(product)
    product.save()
    _store_photos(product, photos, photo_alt)
    _reindex_after_commit([product.pk])
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    name: str | None = None,
    category: Category | None = None,
    price_minor: int | None = None,
    kind: str | None = None,
    description: str | None = None,
    stock: int | None = None,
    unit: str | None = None,
    photos: Sequence[bytes] = (),
    photo_alt: str = "",
    weight_g: int | None = None,
    length_cm: int | None = None,
    width_cm: int | None = None,
    height_cm: int | None = None,
    hs_code: str | None = None,
    origin_country: str | None = None,
) -> Product:
    """Change a product's details (None leaves a field as it is) and add any new photos.

    Weight, size, HS code and country of origin are checked as in ``product_create``; an empty
    HS code or country clears it.

    A published product keeps a price above zero: setting it to zero is refused. The row is
    locked and, unless the stock is being set, its stock re-read: a checkout may have reserved
    units since ``product`` was loaded, and saving the old count would sell them twice.
    """
    current = Product.objects.select_for_update().only("stock").get(pk=product.pk)
    if stock is None:
        product.stock = current.stock
    if name is not None:
        product.name = _text(name)
    if category is not None:
        product.category = category
    if price_minor is not None:
        product.price_minor = price_minor
    if kind is not None:
        product.kind = kind
    if description is not None:
        product.description = _text(description)
    if stock is not None:
        product.stock = stock
    if unit is not None:
        product.unit = unit
    _set_packing(product, weight_g, length_cm, width_cm, height_cm)
    if hs_code is not None:
        product.hs_code = normalize_hs_code(hs_code)
    if origin_country is not None:
        product.origin_country = _text(origin_country).upper()
    _check_product(product)
    if product.is_published and product.price_minor <= 0:
        raise PriceRequired(field="price")
    product.slug = _product_slug(product)
    product.save()
    _store_photos(product, photos, photo_alt)
    _reindex_after_commit([product.pk])
    return product


@transaction.atomic
def product_publish(*, product: Product) -> Product:
    """Put a product on sale: its shop must be approved and its price above zero."""
    if not Shop.objects.filter(pk=product.shop_id, status=ShopStatus.APPROVED).exists():
        raise ShopNotApproved()
    moved = Product.objects.filter(pk=product.pk, is_published=False, price_minor__gt=0).update(
        is_published=True, published_at=Now(), updated_at=Now()
    )
    if moved:
        _listing_refresh(Q(pk=product.pk))
    product.refresh_from_db(
        fields=["is_published", "is_listed", "published_at", "price_minor", "updated_at"]
    )
    if moved == 0 and not product.is_published:
        raise PriceRequired(field="price")
    if moved:
        _reindex_after_commit([product.pk])
    return product


@transaction.atomic
def product_unpublish(*, product: Product) -> Product:
    """Take a product off sale (idempotent)."""
    moved = Product.objects.filter(pk=product.pk, is_published=True).update(
        is_published=False, is_listed=False, updated_at=Now()
    )
    product.refresh_from_db(fields=["is_published", "is_listed", "updated_at"])
    if moved:
        _reindex_after_commit([product.pk])
    return product


@transaction.atomic
def product_photo_add(*, product: Product, data: bytes, alt: str = "") -> ProductImage:
    """Add one photo to a product (validated, stored as WebP renditions)."""
    image = _store_photos(product, [data], alt)[0]
    _reindex_after_commit([product.pk])
    return image


@transaction.atomic
def product_photo_remove(*, product: Product, image_id: int) -> None:
    """Remove one of a product's photos; its files go after commit."""
    image = ProductImage.objects.filter(pk=image_id, product=product).first()
    if image is None:
        raise NotFound(image_id=image_id)
    key = image.key
    image.delete()
    # Renditions may be shared (the demo catalogue reuses pictures): keep them while in use.
    if not ProductImage.objects.filter(key=key).exists():
        transaction.on_commit(lambda: delete_photo(key))
    _reindex_after_commit([product.pk])


# -- certifications ----------------------------------------------------------------------------


@transaction.atomic
def certification_claim(
    *, product: Product, kind: str, issuer: str, reference: str = ""
) -> Certification:
    """Claim a certification for a product; buyers see it only once staff verify it.

    A claim still waiting for review may be corrected by claiming again; a reviewed one cannot.
    """
    if kind not in CertificationKind.values:
        raise InvalidInput(field="kind")
    existing = Certification.objects.filter(product=product, kind=kind).first()
    if existing is not None and existing.status != CertificationStatus.CLAIMED:
        raise CertificationAlreadyReviewed(field="kind")
    claim = existing or Certification(product=product, kind=kind)
    claim.issuer = _text(issuer)
    claim.reference = _text(reference)
    if not claim.issuer:
        raise InvalidInput(field="issuer")
    _validate(claim, exclude=("product", "reviewed_by"))
    claim.save()
    return claim


def _certification_move(
    claim: Certification, *, to: CertificationStatus, actor: Any, note: str
) -> Certification:
    current = claim.status
    if to not in CERTIFICATION_TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(certification_id=claim.pk, from_status=current, to_status=to)
    moved = Certification.objects.filter(pk=claim.pk, status=current).update(
        status=to, reviewed_by=actor, reviewed_at=Now(), note=note, updated_at=Now()
    )
    if moved != 1:
        raise StaleState(certification_id=claim.pk)
    claim.refresh_from_db()
    _reindex_after_commit([claim.product_id])
    return claim


@transaction.atomic
def certification_verify(
    *, certification: Certification, actor: Any, note: str = ""
) -> Certification:
    """Staff confirm a claim: from now on buyers see the certification as verified."""
    return _certification_move(
        certification, to=CertificationStatus.VERIFIED, actor=actor, note=_text(note)
    )


@transaction.atomic
def certification_reject(*, certification: Certification, actor: Any, note: str) -> Certification:
    """Staff refuse a claim (or withdraw a verification); the seller sees the note."""
    if not _text(note):
        raise ReasonRequired(field="note")
    return _certification_move(
        certification, to=CertificationStatus.REJECTED, actor=actor, note=_text(note)
    )


# -- categories --------------------------------------------------------------------------------


@transaction.atomic
def category_tree_install(tree: tuple[Node, ...] = TREE) -> int:
    """Write the default category tree, updating or creating by slug; return how many nodes.

    Safe to run again: existing categories get the current names, icons and places; categories
    not in the tree are left alone. Products in renamed categories are reindexed.
    """
    by_slug: dict[str, Category] = {c.slug: c for c in Category.objects.all()}
    renamed: list[Category] = []
    count = 0
    for node, parent, position in walk(tree):
        parent_obj = by_slug[parent.slug] if parent is not None else None
        values: dict[str, Any] = {
            "name": node.en,
            "names": node.names,
            "icon": node.icon,
            "position": position,
            "parent_id": parent_obj.pk if parent_obj is not None else None,
        }
        category = by_slug.get(node.slug)
        if category is None:
            category = Category.objects.create(slug=node.slug, **values)
        else:
            changed = [k for k, v in values.items() if getattr(category, k) != v]
            if changed:
                for key in changed:
                    setattr(category, key, values[key])
                category.save(update_fields=changed)
                if {"name", "names", "parent_id"} & set(changed):
                    renamed.append(category)
        by_slug[node.slug] = category
        count += 1
    ids: set[int] = set()
    for category in renamed:
        ids.update(category_descendant_ids(category))
    if ids:
        _reindex_after_commit(
            Product.objects.filter(category_id__in=ids).values_list("pk", flat=True)
        )
    return count


def category_changed(*, category: Category) -> None:
    """Reindex the products under a category whose names changed (the admin calls this)."""
    ids = category_descendant_ids(category)
    _reindex_after_commit(Product.objects.filter(category_id__in=ids).values_list("pk", flat=True))


def village_listing_refresh(village_id: int) -> None:
    """Take a village's products on or off the listings (registered for village status moves).

    Runs inside the transaction that moved the village's status.
    """
    _listing_refresh(Q(village_id=village_id))


def village_products_reindex(village_id: int) -> None:
    """Reindex every product sold from a village (registered for village changes)."""
    ids = list(Product.objects.filter(village_id=village_id).values_list("pk", flat=True))
    if ids:
        search.product_reindex(ids)
