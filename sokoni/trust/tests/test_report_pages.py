"""The seller reports an extortion attempt from the order page or from a review; their
reports page shows where each stands. Strangers get 404; bad or repeated reports store nothing."""

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.trust.models import ExtortionReport, Review
from sokoni.trust.tests.test_extortion_reports import completed, one_star
from sokoni.trust.tests.test_review_pages import product_url, said

pytestmark = pytest.mark.django_db


def order_report_url(order):
    return reverse("trust:report_order", args=[order.pk])


def test_the_seller_reports_the_buyer_from_the_order_page(client, tasks):
    # given
    order = completed(tasks)
    review = one_star(order)
    client.force_login(order.shop.owner)
    page = client.get(reverse("orders:seller_order", args=[order.pk])).content.decode()
    assert order_report_url(order) in page
    # when
    response = client.post(order_report_url(order), {"details": "Asked for KES 300 for 5 stars."})
    # then
    assert response.status_code == 302
    report = ExtortionReport.objects.get()
    assert (report.buyer_id, report.order_id, report.status) == (order.buyer_id, order.pk, "open")
    review.refresh_from_db()
    assert review.status == "held"
    listing = client.get(reverse("trust:reports")).content.decode()
    assert order.number in listing
    assert "Open" in listing


def test_the_seller_reports_from_a_review_on_the_product_page(client, tasks):
    order = completed(tasks)
    review = one_star(order)
    client.force_login(order.shop.owner)
    page = client.get(product_url(order.lines.get().product)).content.decode()
    url = reverse("trust:report_review", args=[review.pk])
    assert url in page
    client.post(url, {"details": "Wanted free goods or 1 star."})
    report = ExtortionReport.objects.get()
    assert report.review_id == review.pk
    assert Review.objects.get().status == "held"


def test_buyers_and_visitors_see_no_report_form(client, tasks):
    order = completed(tasks)
    review = one_star(order)
    url = reverse("trust:report_review", args=[review.pk])
    assert url not in client.get(product_url(order.lines.get().product)).content.decode()
    client.force_login(order.buyer)
    assert url not in client.get(product_url(order.lines.get().product)).content.decode()


def test_another_seller_gets_404_and_nothing_is_stored(client, tasks):
    order = completed(tasks)
    review = one_star(order)
    client.force_login(UserFactory())
    assert client.post(order_report_url(order), {"details": "x"}).status_code == 404
    url = reverse("trust:report_review", args=[review.pk])
    assert client.post(url, {"details": "x"}).status_code == 404
    client.force_login(order.buyer)  # the buyer cannot report the shop's side either
    assert client.post(order_report_url(order), {"details": "x"}).status_code == 404
    assert not ExtortionReport.objects.exists()


@pytest.mark.parametrize("details", ["", "   ", "x" * 20_000, "pay me \u202e"])
def test_a_bad_report_is_refused_with_a_message(client, tasks, details):
    order = completed(tasks)
    client.force_login(order.shop.owner)
    response = client.post(order_report_url(order), {"details": details})
    assert response.status_code == 302
    assert said(response)
    assert not ExtortionReport.objects.exists()


def test_a_second_open_report_on_the_same_buyer_is_refused(client, tasks):
    order = completed(tasks)
    client.force_login(order.shop.owner)
    client.post(order_report_url(order), {"details": "Cash for stars."})
    response = client.post(order_report_url(order), {"details": "Again."})
    assert "already reported" in " ".join(said(response))
    assert ExtortionReport.objects.count() == 1


def test_the_report_pages_need_a_login_and_a_post(client, tasks):
    order = completed(tasks)
    assert client.post(order_report_url(order), {"details": "x"}).status_code == 302  # login
    client.force_login(order.shop.owner)
    assert client.get(order_report_url(order)).status_code == 405
    assert not ExtortionReport.objects.exists()
