"""The shown rating is kept in the cache (building its query costs more than running it) and
forgotten as soon as a review is written, edited, held or decided."""

import pytest
from django.core.cache import cache

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.trust import selectors
from sokoni.trust.services import report_decide, report_extortion, review_create, review_edit
from sokoni.trust.tests.test_review_pages import completed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _rating_cache(settings):
    settings.RATING_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_a_rating_read_twice_runs_its_query_once(django_assert_num_queries):
    product = ProductFactory()
    with django_assert_num_queries(1):
        first = selectors.product_rating(product.pk)
    with django_assert_num_queries(0):
        again = selectors.product_rating(product.pk)
    assert first == again


def test_writing_editing_holding_and_deciding_forget_the_cached_rating(tasks):
    # given: a product and its shop rated before any review
    order = completed(tasks)
    product_id, shop_id = order.lines.get().product_id, order.shop_id
    assert selectors.product_rating(product_id).count == 0
    assert selectors.shop_rating(shop_id).count == 0
    # when / then: a review counts at once
    review = review_create(buyer=order.buyer, line_id=order.lines.get().pk, rating=1, text="Bad.")
    assert selectors.product_rating(product_id).count == 1
    low = selectors.shop_rating(shop_id).score
    # an edit moves the score at once
    review_edit(author=order.buyer, review_id=review.pk, rating=5, text="Good after all.")
    assert selectors.shop_rating(shop_id).score > low
    # a report holds the review at once
    report = report_extortion(seller=order.shop.owner, review_id=review.pk, details="Cash?")
    assert selectors.product_rating(product_id).count == 0
    # dismissed, it counts again at once
    report_decide(staff=StaffFactory(), report_id=report.pk, upheld=False, note="No demand.")
    assert selectors.product_rating(product_id).count == 1


def test_a_rating_for_a_given_moment_is_never_cached(django_assert_num_queries):
    from django.utils import timezone

    product = ProductFactory()
    selectors.product_rating(product.pk)
    with django_assert_num_queries(1):
        selectors.product_rating(product.pk, now=timezone.now())
