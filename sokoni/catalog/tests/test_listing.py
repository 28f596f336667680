"""The public listings follow shop, village and product status in the same transaction."""

import pytest

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.catalog import services
from sokoni.catalog.errors import PriceRequired
from sokoni.catalog.models import Product
from sokoni.catalog.selectors import product_list_public
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.villages.services import village_approve, village_suspend

pytestmark = pytest.mark.django_db


def listed_ids():
    return set(product_list_public().values_list("pk", flat=True))


def test_suspending_a_shop_takes_its_products_off_the_listings_and_back():
    """Suspend hides every product of the shop; reinstating lists them again."""
    # given
    product = ProductFactory()
    other = ProductFactory()
    staff = StaffFactory()
    assert listed_ids() == {product.pk, other.pk}
    # when
    services.shop_suspend(shop=product.shop, actor=staff, reason="Complaints")
    # then
    assert listed_ids() == {other.pk}
    services.shop_approve(shop=product.shop, actor=staff)
    assert listed_ids() == {product.pk, other.pk}


def test_suspending_a_village_takes_its_products_off_the_listings_and_back():
    product = ProductFactory()
    staff = StaffFactory()
    village_suspend(village=product.village, by=staff, reason="Under review")
    assert listed_ids() == set()
    village_approve(village=product.village, by=staff)
    assert listed_ids() == {product.pk}


def test_unpublish_and_publish_move_the_listing_flag():
    product = ProductFactory()
    services.product_unpublish(product=product)
    assert listed_ids() == set()
    assert Product.objects.get(pk=product.pk).is_listed is False
    services.product_publish(product=product)
    assert listed_ids() == {product.pk}


def test_a_refused_publish_changes_no_flag():
    """A product priced at zero cannot be published and stays off the listings."""
    product = ProductFactory(is_published=False, price_minor=0)
    with pytest.raises(PriceRequired):
        services.product_publish(product=product)
    assert Product.objects.get(pk=product.pk).is_listed is False
