"""The catalogue services: shops, approval, products, photos, certifications, categories."""

import pytest
from django.core.exceptions import ValidationError

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog import services
from sokoni.catalog.category_tree import LANGUAGES, TREE, walk
from sokoni.catalog.errors import (
    CertificationAlreadyReviewed,
    CurrencyNotSupported,
    InvalidPhoto,
    InvalidPrice,
    PriceRequired,
    ReasonRequired,
    ShopNotApproved,
    TransitionNotAllowed,
    UnitNotAllowed,
    VillageNotApproved,
)
from sokoni.catalog.models import Category, Certification, Product, ProductImage, Shop, ShopEvent
from sokoni.catalog.states import CertificationStatus, ProductKind, ShopStatus, Unit
from sokoni.catalog.tests.factories import (
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    ShopFactory,
)
from sokoni.catalog.tests.images import bomb_bytes, png_bytes
from sokoni.core.errors import InvalidInput, NotFound, StaleState
from sokoni.villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


def open_shop(**kwargs):
    values = {
        "owner": UserFactory(),
        "village": VillageFactory(),
        "name": "Nyeri Highland Honey",
        "description": "Honey from our hives.",
        "currency": "KES",
    }
    values.update(kwargs)
    return services.shop_open(**values)


# -- shops ------------------------------------------------------------------------------------


def test_opened_shop_waits_for_approval_with_an_audit_entry():
    """A new shop is pending, in the chosen currency, with one event recording the opening."""
    # given
    owner = UserFactory()
    # when
    shop = open_shop(owner=owner)
    # then
    assert shop.status == ShopStatus.PENDING
    assert shop.slug == "nyeri-highland-honey"
    assert shop.currency == "KES"
    events = list(ShopEvent.objects.filter(shop=shop).values_list("from_status", "to_status"))
    assert events == [("", "pending")]
    assert ShopEvent.objects.get(shop=shop).actor == owner


def test_shops_with_the_same_name_get_distinct_slugs():
    """Two shops named alike get slugs that differ; a name without Latin letters still gets one."""
    # given
    first = open_shop(name="Coffee Corner")
    # when
    second = open_shop(name="Coffee Corner")
    chinese = open_shop(name="东风家具")
    # then
    assert (first.slug, second.slug) == ("coffee-corner", "coffee-corner-2")
    assert chinese.slug == "shop"


def test_shop_named_new_does_not_take_the_seller_areas_url():
    """/seller/shops/new/ opens a shop, so no shop may have the slug "new"."""
    assert open_shop(name="New").slug == "new-2"


@pytest.mark.parametrize("trait", ["applied", "rejected", "suspended"])
def test_shop_cannot_open_in_a_village_that_is_not_approved(trait):
    """Only approved villages take shops; nothing is created otherwise."""
    # given
    village = VillageFactory(**{trait: True})
    # when / then
    with pytest.raises(VillageNotApproved):
        open_shop(village=village)
    assert Shop.objects.count() == 0
    assert ShopEvent.objects.count() == 0


@pytest.mark.parametrize("currency", ["XYZ", "kes", "JPY", ""])
def test_shop_refuses_a_currency_outside_the_list(currency):
    """The shop's currency must be one of settings.CURRENCIES."""
    with pytest.raises(CurrencyNotSupported):
        open_shop(currency=currency)
    assert Shop.objects.count() == 0


def test_shop_refuses_an_over_long_name():
    """Names over 120 characters are refused by the service too, not only the form."""
    with pytest.raises(InvalidInput) as caught:
        open_shop(name="x" * 121)
    assert caught.value.field == "name"
    assert Shop.objects.count() == 0


def test_staff_approve_a_pending_shop(reindexed, django_capture_on_commit_callbacks):
    """Approval moves pending to approved, records who did it, and reindexes the products."""
    # given
    shop = open_shop()
    product = services.product_create(
        shop=shop, name="Honey", category=CategoryFactory(), price_minor=50_000
    )
    staff = StaffFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.shop_approve(shop=shop, actor=staff)
    # then
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED
    last = ShopEvent.objects.filter(shop=shop).last()
    assert (last.actor, last.from_status, last.to_status) == (staff, "pending", "approved")
    assert [product.pk] in reindexed


def test_rejecting_a_shop_needs_a_reason_that_the_seller_sees():
    """A rejection without a reason is refused and changes nothing; with one, it is stored."""
    # given
    shop = open_shop()
    staff = StaffFactory()
    # when / then
    with pytest.raises(ReasonRequired):
        services.shop_reject(shop=shop, actor=staff, reason="   ")
    shop.refresh_from_db()
    assert shop.status == ShopStatus.PENDING
    assert ShopEvent.objects.filter(shop=shop).count() == 1
    # when
    services.shop_reject(shop=shop, actor=staff, reason="The photos are of another shop.")
    # then
    shop.refresh_from_db()
    assert shop.status == ShopStatus.REJECTED
    assert shop.rejection_reason == "The photos are of another shop."
    assert ShopEvent.objects.filter(shop=shop).last().reason == "The photos are of another shop."


def test_rejected_shop_cannot_be_approved():
    """Transitions follow SHOP_TRANSITIONS: rejected is final."""
    # given
    shop = open_shop()
    staff = StaffFactory()
    services.shop_reject(shop=shop, actor=staff, reason="Not a real shop.")
    # when / then
    with pytest.raises(TransitionNotAllowed):
        services.shop_approve(shop=shop, actor=staff)
    shop.refresh_from_db()
    assert shop.status == ShopStatus.REJECTED
    assert ShopEvent.objects.filter(shop=shop).count() == 2


def test_suspended_shop_can_be_reinstated():
    """Approved -> suspended (with a reason) -> approved again, each step recorded."""
    # given
    shop = ShopFactory()
    staff = StaffFactory()
    # when
    services.shop_suspend(shop=shop, actor=staff, reason="Complaints about quality.")
    services.shop_approve(shop=shop, actor=staff)
    # then
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED
    assert shop.rejection_reason == ""
    moves = list(ShopEvent.objects.filter(shop=shop).values_list("from_status", "to_status"))
    assert moves == [("approved", "suspended"), ("suspended", "approved")]


def test_a_stale_shop_status_is_refused():
    """Two staff acting on the same pending shop: the second, holding a stale copy, loses."""
    # given
    shop = open_shop()
    stale = Shop.objects.get(pk=shop.pk)
    services.shop_approve(shop=shop, actor=StaffFactory())
    # when / then: the stale copy still says pending, which allows rejecting, but the row moved
    with pytest.raises(StaleState):
        services.shop_reject(shop=stale, actor=StaffFactory(), reason="Too late.")
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED
    assert ShopEvent.objects.filter(shop=shop).count() == 2


def test_shop_events_are_append_only():
    """An audit entry can be neither changed nor deleted through the model."""
    event = open_shop().events.get()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_renaming_a_shop_reindexes_its_products(reindexed, django_capture_on_commit_callbacks):
    """The shop name is part of its products' search text; the slug stays for old links."""
    # given
    product = ProductFactory()
    shop = product.shop
    old_slug = shop.slug
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.shop_update(shop=shop, name="Othaya Honey Co-operative")
    # then
    shop.refresh_from_db()
    assert (shop.name, shop.slug) == ("Othaya Honey Co-operative", old_slug)
    assert reindexed == [[product.pk]]


# -- products ---------------------------------------------------------------------------------


def test_product_takes_the_shops_currency_and_village(
    reindexed, django_capture_on_commit_callbacks
):
    """A new product is unpublished, priced in the shop's currency and placed in its village."""
    # given
    shop = ShopFactory(currency="KRW")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        product = services.product_create(
            shop=shop,
            name="Jeju tangerines",
            category=CategoryFactory(),
            price_minor=12_000,
            kind=ProductKind.PRODUCE,
            unit=Unit.KG,
            stock=40,
        )
    # then
    assert (product.currency, product.village_id) == ("KRW", shop.village_id)
    assert product.is_published is False
    assert product.slug == "jeju-tangerines"
    assert reindexed == [[product.pk]]


def test_produce_sold_by_the_piece_is_refused():
    """Produce needs a weight or volume unit: 'piece' is refused and nothing is saved."""
    with pytest.raises(UnitNotAllowed) as caught:
        services.product_create(
            shop=ShopFactory(),
            name="Avocados",
            category=CategoryFactory(),
            price_minor=2_000,
            kind=ProductKind.PRODUCE,
            unit=Unit.PIECE,
        )
    assert caught.value.field == "unit"
    assert Product.objects.count() == 0


@pytest.mark.parametrize("price", [-1, -100_000, 10**13])
def test_product_refuses_a_price_out_of_range(price):
    """Negative and absurd prices are refused by the service."""
    with pytest.raises(InvalidPrice):
        services.product_create(
            shop=ShopFactory(), name="Basket", category=CategoryFactory(), price_minor=price
        )
    assert Product.objects.count() == 0


def test_product_refuses_an_over_long_name():
    """Names over 150 characters are refused and nothing is saved."""
    with pytest.raises(InvalidInput) as caught:
        services.product_create(
            shop=ShopFactory(), name="n" * 151, category=CategoryFactory(), price_minor=100
        )
    assert caught.value.field == "name"
    assert Product.objects.count() == 0


def test_product_refuses_control_characters_in_its_name():
    """Control characters are refused (validators run in the service)."""
    with pytest.raises(InvalidInput):
        services.product_create(
            shop=ShopFactory(), name="Tea\x00", category=CategoryFactory(), price_minor=100
        )
    assert Product.objects.count() == 0


def test_product_slugs_are_unique_within_the_shop():
    """Two products with one name in a shop get different slugs; renaming changes the slug."""
    # given
    shop = ShopFactory()
    category = CategoryFactory()
    first = services.product_create(shop=shop, name="Silk scarf", category=category, price_minor=1)
    second = services.product_create(shop=shop, name="Silk scarf", category=category, price_minor=1)
    # when
    services.product_update(product=second, name="Silk shawl")
    # then
    assert first.slug == "silk-scarf"
    second.refresh_from_db()
    assert second.slug == "silk-shawl"


def test_publishing_in_a_pending_shop_is_refused():
    """Only approved shops put products on sale."""
    # given
    shop = open_shop()
    product = services.product_create(
        shop=shop, name="Honey", category=CategoryFactory(), price_minor=50_000
    )
    # when / then
    with pytest.raises(ShopNotApproved):
        services.product_publish(product=product)
    product.refresh_from_db()
    assert product.is_published is False
    assert product.published_at is None


def test_publishing_needs_a_price_above_zero():
    """A free product cannot go on sale."""
    # given
    product = services.product_create(
        shop=ShopFactory(), name="Honey", category=CategoryFactory(), price_minor=0
    )
    # when / then
    with pytest.raises(PriceRequired):
        services.product_publish(product=product)
    product.refresh_from_db()
    assert product.is_published is False


def test_publish_and_unpublish(reindexed, django_capture_on_commit_callbacks):
    """Publishing sets the date and reindexes; unpublishing takes it off sale; both idempotent."""
    # given
    product = services.product_create(
        shop=ShopFactory(), name="Honey", category=CategoryFactory(), price_minor=50_000
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.product_publish(product=product)
        services.product_publish(product=product)
    # then
    product.refresh_from_db()
    assert product.is_published is True
    assert product.published_at is not None
    # when
    services.product_unpublish(product=product)
    services.product_unpublish(product=product)
    # then
    product.refresh_from_db()
    assert product.is_published is False


def test_published_product_cannot_drop_to_a_zero_price():
    """Setting a published product's price to zero is refused and changes nothing."""
    product = ProductFactory(price_minor=5_000)
    with pytest.raises(PriceRequired):
        services.product_update(product=product, price_minor=0)
    product.refresh_from_db()
    assert product.price_minor == 5_000


# -- photos -----------------------------------------------------------------------------------


def test_photos_are_stored_as_webp_renditions(stored_files):
    """Each photo is stored in three WebP sizes and listed on the product with its alt text."""
    # given
    product = ProductFactory()
    # when
    image = services.product_photo_add(
        product=product, data=png_bytes(colour="#204080"), alt="A jar of honey"
    )
    # then
    assert image.alt == "A jar of honey"
    assert (image.width, image.height) == (64, 48)
    assert image.colour == "#204080"  # its placeholder while it loads
    assert stored_files() == [f"{image.key}/{size}.webp" for size in (160, 480, 960)]


@pytest.mark.parametrize(
    "data", [b"GIF89a this is not really a gif", b"%PDF-1.4 price list", bomb_bytes()]
)
def test_bad_photo_refuses_the_whole_product_and_stores_nothing(data, stored_files):
    """A non-image or a decompression bomb among the photos: no product, no photo, no file."""
    with pytest.raises(InvalidPhoto) as caught:
        services.product_create(
            shop=ShopFactory(),
            name="Pot",
            category=CategoryFactory(),
            price_minor=100,
            photos=[png_bytes(), data],
        )
    assert caught.value.field == "photos"
    assert Product.objects.count() == 0
    assert ProductImage.objects.count() == 0
    assert stored_files() == []


def test_bomb_is_refused_with_a_clear_message():
    """The refusal tells the seller what is wrong with the file."""
    with pytest.raises(InvalidPhoto) as caught:
        services.product_photo_add(product=ProductFactory(), data=bomb_bytes())
    assert "too many pixels" in str(caught.value.message)


def test_removing_a_photo_deletes_its_files(stored_files, django_capture_on_commit_callbacks):
    """The row goes at once, the files after commit."""
    # given
    product = ProductFactory()
    image = services.product_photo_add(product=product, data=png_bytes())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.product_photo_remove(product=product, image_id=image.pk)
    # then
    assert ProductImage.objects.count() == 0
    assert stored_files() == []


def test_removing_a_shared_picture_keeps_its_files_for_the_other_product(
    stored_files, django_capture_on_commit_callbacks
):
    """Demo products share renditions: removing one product's row keeps the files in use."""
    # given
    first = ProductFactory()
    image = services.product_photo_add(product=first, data=png_bytes())
    ProductImage.objects.create(product=ProductFactory(), key=image.key)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.product_photo_remove(product=first, image_id=image.pk)
    # then
    assert ProductImage.objects.count() == 1
    assert len(stored_files()) == 3


def test_removing_another_products_photo_is_not_found(stored_files):
    """A photo id from another product is refused and kept."""
    image = services.product_photo_add(product=ProductFactory(), data=png_bytes())
    with pytest.raises(NotFound):
        services.product_photo_remove(product=ProductFactory(), image_id=image.pk)
    assert ProductImage.objects.filter(pk=image.pk).exists()
    assert len(stored_files()) == 3


# -- certifications ---------------------------------------------------------------------------


def test_certification_claim_waits_for_staff():
    """A claim starts as claimed; correcting it before review keeps one claim per kind."""
    # given
    product = ProductFactory()
    # when
    services.certification_claim(product=product, kind="organic", issuer="KOAN", reference="1")
    claim = services.certification_claim(
        product=product, kind="organic", issuer="KOAN", reference="KOAN-2026-17"
    )
    # then
    assert claim.status == CertificationStatus.CLAIMED
    assert list(Certification.objects.values_list("reference", flat=True)) == ["KOAN-2026-17"]


def test_staff_verify_a_claim(reindexed, django_capture_on_commit_callbacks):
    """Verification records who and when, and reindexes (search filters on verified claims)."""
    # given
    claim = CertificationFactory()
    staff = StaffFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.certification_verify(certification=claim, actor=staff)
    # then
    claim.refresh_from_db()
    assert claim.status == CertificationStatus.VERIFIED
    assert claim.reviewed_by == staff
    assert claim.reviewed_at is not None
    assert reindexed == [[claim.product_id]]


def test_rejecting_a_claim_needs_a_note_and_is_final():
    """A rejection needs a note; a rejected claim can be neither verified nor re-claimed."""
    # given
    claim = CertificationFactory()
    staff = StaffFactory()
    with pytest.raises(ReasonRequired):
        services.certification_reject(certification=claim, actor=staff, note="")
    claim.refresh_from_db()
    assert claim.status == CertificationStatus.CLAIMED
    # when
    services.certification_reject(certification=claim, actor=staff, note="Certificate expired.")
    # then
    with pytest.raises(TransitionNotAllowed):
        services.certification_verify(certification=claim, actor=staff)
    with pytest.raises(CertificationAlreadyReviewed):
        services.certification_claim(product=claim.product, kind=claim.kind, issuer="Other")
    claim.refresh_from_db()
    assert (claim.status, claim.issuer) == (
        CertificationStatus.REJECTED,
        "Kenya Organic Agriculture Network",
    )


# -- categories -------------------------------------------------------------------------------


def test_category_tree_install_is_idempotent():
    """Installing twice gives the same tree; a changed name is updated, by slug."""
    # given
    count = services.category_tree_install()
    Category.objects.filter(slug="honey").update(name="Old name", names={})
    # when
    again = services.category_tree_install()
    # then
    assert count == again == len(walk()) == Category.objects.count()
    honey = Category.objects.get(slug="honey")
    assert honey.name == "Honey"
    assert honey.parent.slug == "sugar-sweeteners"
    assert honey.names["sw"] == "Asali"


def test_category_tree_has_a_dozen_roots_each_with_children_icons_and_translations():
    """About 12 roots of 2-5 children; every node has a sprite icon and all six translations."""
    # given
    with open("sokoni/web/static/web/icons.svg", encoding="utf-8") as sprite:
        svg = sprite.read()
    # then
    assert 12 <= len(TREE) <= 15
    for node, _parent, _position in walk():
        assert f'<symbol id="{node.icon}" viewBox="0 0 24 24">' in svg, node.slug
        assert set(node.names) == set(LANGUAGES)
        assert all(name.strip() for name in node.names.values()), node.slug
    assert all(2 <= len(root.children) <= 5 for root in TREE)
    assert len(svg.encode()) < 12 * 1024


def test_install_categories_command(capsys):
    """The management command installs the tree."""
    from django.core.management import call_command

    call_command("install_categories")
    assert Category.objects.filter(parent__isnull=True).count() == len(TREE)
    assert "categories installed" in capsys.readouterr().out


def test_photo_validation_error_is_a_domain_error_not_a_django_one():
    """Interfaces catch DomainError; a ValidationError must not leak out of the service."""
    try:
        services.product_photo_add(product=ProductFactory(), data=b"nope")
    except InvalidPhoto:
        pass
    except ValidationError:  # pragma: no cover - the failure this test guards against
        pytest.fail("ValidationError leaked")


def test_changing_a_price_keeps_the_stock_a_checkout_reserved_meanwhile():
    """A seller's form (or USSD screen) loaded the product before a buyer reserved 2 units:
    saving the new price must not put the old stock back."""
    from sokoni.catalog.services import product_update
    from sokoni.orders.tests.factories import place

    # given
    product = ProductFactory(stock=10)
    stale = type(product).objects.get(pk=product.pk)
    place(lines=[(product, 2)])
    # when
    product_update(product=stale, price_minor=150_000)
    # then
    product.refresh_from_db()
    assert (product.stock, product.price_minor) == (8, 150_000)
