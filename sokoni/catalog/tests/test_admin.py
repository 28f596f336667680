"""Staff in /admin/: approve or reject shops (with a reason), verify or reject certifications."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.catalog.models import ShopEvent
from sokoni.catalog.states import CertificationStatus, ShopStatus
from sokoni.catalog.tests.factories import CertificationFactory, ProductFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


def test_admin_pages_open(staff_client):
    """Every catalogue list and change page renders for staff."""
    product = ProductFactory()
    claim = CertificationFactory(product=product)
    urls = [
        reverse("admin:catalog_shop_changelist"),
        reverse("admin:catalog_shop_change", args=[product.shop.pk]),
        reverse("admin:catalog_product_changelist") + "?q=basket&is_published__exact=1",
        reverse("admin:catalog_product_change", args=[product.pk]),
        reverse("admin:catalog_category_changelist"),
        reverse("admin:catalog_category_change", args=[product.category.pk]),
        reverse("admin:catalog_certification_changelist") + "?status__exact=claimed",
        reverse("admin:catalog_certification_change", args=[claim.pk]),
    ]
    for url in urls:
        assert staff_client.get(url).status_code == 200, url


def test_staff_approve_a_shop_with_an_admin_action(staff_client):
    """The approve action calls the service: status moves and an event names the staff member."""
    shop = ShopFactory(status=ShopStatus.PENDING)
    response = staff_client.post(
        reverse("admin:catalog_shop_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [shop.pk]},
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED
    assert ShopEvent.objects.get(shop=shop).actor == staff_client.staff


def test_rejecting_a_shop_asks_for_a_reason_first(staff_client):
    """The reject action shows a reason page; an empty reason changes nothing; a reason rejects."""
    # given
    shop = ShopFactory(status=ShopStatus.PENDING)
    url = reverse("admin:catalog_shop_changelist")
    selected = {"action": "reject", ACTION_CHECKBOX_NAME: [shop.pk]}
    # when: the action is chosen
    page = staff_client.post(url, selected)
    # then: a page asks for the reason
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.PENDING
    # when: submitted without a reason
    empty = staff_client.post(url, {**selected, "apply": "1", "reason": " "})
    # then
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.PENDING
    # when: with a reason
    done = staff_client.post(url, {**selected, "apply": "1", "reason": "Not in this village."})
    # then
    assert done.status_code == 302
    shop.refresh_from_db()
    assert (shop.status, shop.rejection_reason) == (ShopStatus.REJECTED, "Not in this village.")


def test_refused_transition_is_reported_not_raised(staff_client):
    """Approving a rejected shop shows an error message and changes nothing."""
    shop = ShopFactory(status=ShopStatus.REJECTED)
    response = staff_client.post(
        reverse("admin:catalog_shop_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [shop.pk]},
        follow=True,
    )
    assert "This change of status is not allowed." in response.content.decode()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.REJECTED


def test_staff_verify_and_reject_certifications(staff_client):
    """Verify is one click; reject asks for a note that the seller sees."""
    verified = CertificationFactory()
    rejected = CertificationFactory(kind="gi")
    url = reverse("admin:catalog_certification_changelist")
    staff_client.post(url, {"action": "verify", ACTION_CHECKBOX_NAME: [verified.pk]})
    staff_client.post(
        url,
        {
            "action": "reject",
            ACTION_CHECKBOX_NAME: [rejected.pk],
            "apply": "1",
            "reason": "No such certificate.",
        },
    )
    verified.refresh_from_db()
    rejected.refresh_from_db()
    assert (verified.status, verified.reviewed_by) == (
        CertificationStatus.VERIFIED,
        staff_client.staff,
    )
    assert (rejected.status, rejected.note) == (
        CertificationStatus.REJECTED,
        "No such certificate.",
    )


def test_staff_rename_a_shop_in_the_admin(staff_client):
    """The shop change form saves name and description through the service."""
    shop = ShopFactory(name="Old")
    response = staff_client.post(
        reverse("admin:catalog_shop_change", args=[shop.pk]),
        {
            "name": "New name",
            "description": "Better.",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shop.refresh_from_db()
    assert (shop.name, shop.description) == ("New name", "Better.")
