"""The seller area: open a shop, add and edit products, photos, publishing, certifications."""

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.models import Certification, Product, ProductImage, Shop
from sokoni.catalog.states import CertificationStatus, ShopStatus
from sokoni.catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ShopFactory,
)
from sokoni.catalog.tests.images import bomb_bytes, png_bytes, text_upload, upload
from sokoni.villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


def product_data(category, **overrides):
    data = {
        "kind": "physical",
        "name": "Clay cooking pot",
        "description": "Fired in the village kiln.",
        "category": str(category.pk),
        "price": "1250.50",
        "unit": "piece",
        "stock": "7",
        "photo_alt": "",
    }
    data.update(overrides)
    return data


def snapshot(product):
    product.refresh_from_db()
    return (
        product.name,
        product.price_minor,
        product.stock,
        product.is_published,
        product.images.count(),
        product.certifications.count(),
    )


def test_seller_area_needs_login(client):
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("catalog:seller_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_open_a_shop_in_an_approved_village(client):
    """The form lists approved villages only; the new shop is pending and belongs to the user."""
    # given
    user = UserFactory()
    village = VillageFactory(name="Othaya")
    hidden = VillageFactory(name="Hidden Hamlet", applied=True)
    client.force_login(user)
    # when
    page = client.get(reverse("catalog:shop_new"))
    response = client.post(
        reverse("catalog:shop_new"),
        {"name": "Othaya Honey", "description": "", "village": village.pk, "currency": "KES"},
    )
    # then
    assert "Othaya" in page.content.decode()
    assert "Hidden Hamlet" not in page.content.decode()
    shop = Shop.objects.get()
    assert (shop.owner, shop.village, shop.status) == (user, village, ShopStatus.PENDING)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:shop_manage", args=[shop.slug])
    # and a village that is not approved is refused by the form
    refused = client.post(
        reverse("catalog:shop_new"),
        {"name": "Elsewhere", "village": hidden.pk, "currency": "KES"},
    )
    assert refused.status_code == 200
    assert Shop.objects.count() == 1


def test_seller_home_lists_my_shops_with_status(client):
    """The owner sees their shops with status (and the reason of a rejection), not others'."""
    # given
    user = UserFactory()
    ShopFactory(owner=user, name="Mine approved")
    ShopFactory(
        owner=user, name="Mine rejected", status=ShopStatus.REJECTED, rejection_reason="Blurry."
    )
    ShopFactory(name="Someone else's")
    client.force_login(user)
    # when
    html = client.get(reverse("catalog:seller_home")).content.decode()
    # then
    assert "Mine approved" in html
    assert "Mine rejected" in html
    assert "Blurry." in html
    assert "Someone else" not in html


def test_create_a_product_with_photos(client, stored_files):
    """The price is parsed in the shop's currency; photos are stored; the product is a draft."""
    # given
    shop = ShopFactory()
    client.force_login(shop.owner)
    category = CategoryFactory()
    # when
    response = client.post(
        reverse("catalog:product_new", args=[shop.slug]),
        {
            **product_data(category, photo_alt="A round clay pot"),
            "photos": [upload("a.png", png_bytes()), upload("b.png", png_bytes(colour="red"))],
        },
    )
    # then
    product = Product.objects.get()
    assert response.status_code == 302
    assert (product.price_minor, product.currency, product.stock) == (125_050, "KES", 7)
    assert product.is_published is False
    assert list(product.images.values_list("alt", flat=True)) == ["A round clay pot"] * 2
    assert len(stored_files()) == 6


def test_krw_price_with_decimals_is_refused_next_to_the_field(client):
    """KRW has no minor unit: 1200.5 is refused with a message, and nothing is saved."""
    # given
    shop = ShopFactory(currency="KRW")
    client.force_login(shop.owner)
    # when
    response = client.post(
        reverse("catalog:product_new", args=[shop.slug]),
        product_data(CategoryFactory(), price="1200.5"),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["price"] == [
        "Prices in KRW have no decimals: enter a whole number, such as 1200."
    ]
    assert 'id="id_price_error"' in response.content.decode()
    assert Product.objects.count() == 0


def test_krw_whole_price_is_stored_in_won(client):
    """1200 KRW is 1200 minor units (no cents)."""
    shop = ShopFactory(currency="KRW")
    client.force_login(shop.owner)
    client.post(
        reverse("catalog:product_new", args=[shop.slug]),
        product_data(CategoryFactory(), price="1200"),
    )
    assert Product.objects.get().price_minor == 1200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "-5", "Enter a price of zero or more."),
        ("price", "12.345", "Prices in KES have at most 2 decimal places."),
        ("price", "twelve", "Enter a number, such as 12.50."),
        ("price", "1e400", "This price is too high."),
        ("name", "n" * 151, "Ensure this value has at most 150 characters (it has 151)."),
        ("name", "Pot\x07", "Remove the control characters from this text."),
        ("stock", "-1", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_product_input_is_refused_next_to_the_field(client, field, value, message):
    """Each bad value shows a message next to its field; nothing is saved."""
    shop = ShopFactory()
    client.force_login(shop.owner)
    response = client.post(
        reverse("catalog:product_new", args=[shop.slug]),
        product_data(CategoryFactory(), **{field: value}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Product.objects.count() == 0


def test_produce_sold_by_the_piece_is_refused_in_the_form(client):
    """The service's refusal shows next to the unit field."""
    shop = ShopFactory()
    client.force_login(shop.owner)
    response = client.post(
        reverse("catalog:product_new", args=[shop.slug]),
        product_data(CategoryFactory(), kind="produce", unit="piece"),
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert Product.objects.count() == 0


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (text_upload, "This file is not a photo we can read."),
        (lambda: upload("bomb.png", bomb_bytes()), "This photo has too many pixels"),
    ],
)
def test_bad_upload_saves_nothing(client, stored_files, make_file, message):
    """A non-image or a bomb next to a good photo: message by the field, no product, no file."""
    shop = ShopFactory()
    client.force_login(shop.owner)
    response = client.post(
        reverse("catalog:product_new", args=[shop.slug]),
        {**product_data(CategoryFactory()), "photos": [upload("ok.png", png_bytes()), make_file()]},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photos"])
    assert Product.objects.count() == 0
    assert ProductImage.objects.count() == 0
    assert stored_files() == []


def test_edit_a_product_and_add_a_photo(client, stored_files):
    """Editing saves the new values and adds photos to the existing ones."""
    # given
    product = ProductFactory(name="Old name", price_minor=100)
    client.force_login(product.shop.owner)
    # when
    form = client.get(reverse("catalog:product_edit", args=[product.pk]))
    response = client.post(
        reverse("catalog:product_edit", args=[product.pk]),
        {
            **product_data(product.category, name="New name", price="99.99", stock="3"),
            "photos": upload("c.png", png_bytes()),
        },
    )
    # then
    assert form.status_code == 200
    assert form.context["form"].initial["price"] == "1.00"
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.price_minor, product.stock) == ("New name", 9_999, 3)
    assert product.slug == "new-name"
    assert product.images.count() == 1


def test_publish_in_a_pending_shop_is_refused_with_a_message(client):
    """The publish button of a pending shop's product changes nothing and says why."""
    # given
    shop = ShopFactory(status=ShopStatus.PENDING)
    product = ProductFactory(shop=shop, is_published=False, published_at=None)
    client.force_login(shop.owner)
    # when
    response = client.post(reverse("catalog:product_publish", args=[product.pk]), follow=True)
    # then
    assert "Products can be published once the shop is approved." in response.content.decode()
    product.refresh_from_db()
    assert product.is_published is False


def test_publish_and_unpublish_buttons(client):
    """The owner puts a product on sale and takes it off again."""
    product = ProductFactory(is_published=False, published_at=None)
    client.force_login(product.shop.owner)
    client.post(reverse("catalog:product_publish", args=[product.pk]))
    product.refresh_from_db()
    assert product.is_published is True
    client.post(reverse("catalog:product_unpublish", args=[product.pk]))
    product.refresh_from_db()
    assert product.is_published is False


def test_publish_needs_post(client):
    """A GET on an action URL does nothing (405)."""
    product = ProductFactory(is_published=False, published_at=None)
    client.force_login(product.shop.owner)
    assert client.get(reverse("catalog:product_publish", args=[product.pk])).status_code == 405
    product.refresh_from_db()
    assert product.is_published is False


def test_delete_a_photo(client, stored_files):
    """The owner deletes one photo."""
    product = ProductFactory()
    client.force_login(product.shop.owner)
    client.post(
        reverse("catalog:product_edit", args=[product.pk]),
        {**product_data(product.category), "photos": upload("c.png", png_bytes())},
    )
    image = product.images.get()
    with_commit = client.post(reverse("catalog:photo_delete", args=[product.pk, image.pk]))
    assert with_commit.status_code == 302
    assert product.images.count() == 0


def test_certification_shows_as_claimed_to_the_seller(client):
    """A claim is listed on the seller's page as claimed, not verified."""
    # given
    product = ProductFactory()
    client.force_login(product.shop.owner)
    # when
    client.post(
        reverse("catalog:certification_add", args=[product.pk]),
        {"cert-kind": "fair_trade", "cert-issuer": "Fairtrade Africa", "cert-reference": "FT-9"},
    )
    html = client.get(reverse("catalog:product_edit", args=[product.pk])).content.decode()
    # then
    claim = Certification.objects.get()
    assert (claim.kind, claim.status) == ("fair_trade", CertificationStatus.CLAIMED)
    assert "Fairtrade Africa" in html
    assert "Claimed, not yet verified" in html


def test_certification_claim_without_issuer_is_refused(client):
    """The claim form shows the error and saves nothing."""
    product = ProductFactory()
    client.force_login(product.shop.owner)
    response = client.post(
        reverse("catalog:certification_add", args=[product.pk]),
        {"cert-kind": "organic", "cert-issuer": "", "cert-reference": ""},
    )
    assert response.status_code == 200
    assert "issuer" in response.context["claim_form"].errors
    assert Certification.objects.count() == 0


def test_rename_shop(client):
    """The owner renames the shop; the slug stays."""
    shop = ShopFactory(name="Old", slug="old")
    client.force_login(shop.owner)
    client.post(reverse("catalog:shop_edit", args=[shop.slug]), {"name": "New", "description": ""})
    shop.refresh_from_db()
    assert (shop.name, shop.slug) == ("New", "old")


def _seller_urls(product, image):
    shop = product.shop
    category = product.category
    good = product_data(category, name="Hijacked", price="1")
    return [
        ("get", reverse("catalog:shop_manage", args=[shop.slug]), None),
        ("get", reverse("catalog:shop_edit", args=[shop.slug]), None),
        ("post", reverse("catalog:shop_edit", args=[shop.slug]), {"name": "Hijacked"}),
        ("get", reverse("catalog:product_new", args=[shop.slug]), None),
        ("post", reverse("catalog:product_new", args=[shop.slug]), good),
        ("get", reverse("catalog:product_edit", args=[product.pk]), None),
        ("post", reverse("catalog:product_edit", args=[product.pk]), good),
        ("get", reverse("catalog:product_publish", args=[product.pk]), None),
        ("post", reverse("catalog:product_publish", args=[product.pk]), {}),
        ("get", reverse("catalog:product_unpublish", args=[product.pk]), None),
        ("post", reverse("catalog:product_unpublish", args=[product.pk]), {}),
        ("get", reverse("catalog:photo_delete", args=[product.pk, image.pk]), None),
        ("post", reverse("catalog:photo_delete", args=[product.pk, image.pk]), {}),
        ("get", reverse("catalog:certification_add", args=[product.pk]), None),
        (
            "post",
            reverse("catalog:certification_add", args=[product.pk]),
            {"cert-kind": "organic", "cert-issuer": "Me"},
        ),
    ]


def test_another_seller_gets_404_everywhere_and_changes_nothing(client):
    """Every seller URL of someone else's shop answers 404 to GET and POST; nothing changes."""
    # given
    product = ProductFactory(is_published=False, published_at=None)
    image = ProductImage.objects.create(product=product, key="products/x/y")
    shop = product.shop
    intruder = UserFactory()
    ShopFactory(owner=intruder)
    client.force_login(intruder)
    before = snapshot(product)
    # when / then
    for method, url, data in _seller_urls(product, image):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 404, (method, url)
    assert snapshot(product) == before
    shop.refresh_from_db()
    assert shop.name != "Hijacked"
    assert Product.objects.count() == 1


def test_staff_may_manage_any_shop(client):
    """Staff pass the owner check (for support)."""
    product = ProductFactory()
    client.force_login(StaffFactory())
    assert client.get(reverse("catalog:product_edit", args=[product.pk])).status_code == 200
    assert client.get(reverse("catalog:shop_manage", args=[product.shop.slug])).status_code == 200


def test_unknown_ids_are_404(client):
    """Unknown shop slugs and product ids are 404, never 500."""
    client.force_login(UserFactory())
    assert client.get(reverse("catalog:shop_manage", args=["nope"])).status_code == 404
    assert client.get(reverse("catalog:product_edit", args=[999999])).status_code == 404
