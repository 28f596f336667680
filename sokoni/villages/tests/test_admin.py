"""Staff review villages through the Django admin's actions."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.villages.models import VillageEvent
from sokoni.villages.states import VillageAction, VillageStatus
from sokoni.villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:villages_village_changelist"


def run_action(client, action, villages, **extra):
    data = {
        "action": action,
        "index": "0",
        helpers.ACTION_CHECKBOX_NAME: [str(v.pk) for v in villages],
        **extra,
    }
    return client.post(reverse(CHANGELIST), data)


def test_approve_action_publishes_and_makes_the_applicant_admin(client, staff):
    """The admin action calls the approval service for each selected application."""
    # given
    villages = VillageFactory.create_batch(2, applied=True)
    client.force_login(staff)
    # when
    response = run_action(client, "approve", villages)
    # then
    assert response.status_code == 302
    for village in villages:
        village.refresh_from_db()
        assert village.status == VillageStatus.APPROVED
        assert list(village.admins.all()) == [village.applicant]
        assert village.events.get().actor == staff


def test_approve_action_reports_villages_it_cannot_move(client, staff):
    """A rejected village stays rejected; the others are approved."""
    # given
    rejected = VillageFactory(rejected=True, name="Closed case")
    applied = VillageFactory(applied=True)
    client.force_login(staff)
    # when
    response = run_action(client, "approve", [rejected, applied])
    # then
    assert response.status_code == 302
    rejected.refresh_from_db()
    applied.refresh_from_db()
    assert (rejected.status, applied.status) == (VillageStatus.REJECTED, VillageStatus.APPROVED)
    page = client.get(response["Location"]).content.decode()
    assert "Closed case: The village" in page


def test_reject_action_asks_for_a_reason_first(client, staff):
    """Choosing "reject" shows an intermediate page with a reason field; nothing changes yet."""
    # given
    village = VillageFactory(applied=True, name="Santa Catarina")
    client.force_login(staff)
    # when
    response = run_action(client, "reject", [village])
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="reason"' in page
    assert "Santa Catarina" in page
    village.refresh_from_db()
    assert village.status == VillageStatus.APPLIED


def test_reject_action_without_a_reason_is_refused(client, staff):
    """An empty reason redisplays the page with an error and rejects nothing."""
    # given
    village = VillageFactory(applied=True)
    client.force_login(staff)
    # when
    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "reject",
            helpers.ACTION_CHECKBOX_NAME: [str(village.pk)],
            "apply": "yes",
            "reason": "  ",
        },
    )
    # then
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    village.refresh_from_db()
    assert village.status == VillageStatus.APPLIED
    assert VillageEvent.objects.count() == 0


def test_reject_action_with_a_reason_rejects(client, staff):
    """The confirmed page rejects with the reason the applicant will see."""
    # given
    village = VillageFactory(applied=True)
    client.force_login(staff)
    # when
    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "reject",
            helpers.ACTION_CHECKBOX_NAME: [str(village.pk)],
            "apply": "yes",
            "reason": "The coordinates point to the sea.",
        },
    )
    # then
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.status == VillageStatus.REJECTED
    assert village.rejection_reason == "The coordinates point to the sea."
    event = village.events.get()
    assert (event.action, event.actor, event.reason) == (
        VillageAction.REJECTED,
        staff,
        "The coordinates point to the sea.",
    )


def test_suspend_action_asks_for_a_reason_then_suspends(client, staff):
    """Suspending takes an approved village off the public site, with the reason recorded."""
    # given
    village = VillageFactory()
    client.force_login(staff)
    # when the action is chosen, a page asks for the reason and nothing changes yet
    page = run_action(client, "suspend", [village])
    village.refresh_from_db()
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert village.status == VillageStatus.APPROVED
    # when the reason is given
    run_action(client, "suspend", [village], apply="1", reason="Fraud reports under review")
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.SUSPENDED
    assert village.events.get().reason == "Fraud reports under review"


def test_admin_change_form_saves_corrections_without_touching_the_status(client, staff):
    """Staff correct a name in the change form; the status field is read-only there."""
    # given
    village = VillageFactory(applied=True, name="Typo")
    client.force_login(staff)
    url = reverse("admin:villages_village_change", args=[village.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        {
            "name": "Fixed name",
            "admins": "",
            "status": VillageStatus.APPROVED,
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        }
    )
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302, response.context["adminform"].form.errors
    village.refresh_from_db()
    assert (village.name, village.status) == ("Fixed name", VillageStatus.APPLIED)
    assert village.events.get().detail == "name"


def test_non_staff_cannot_use_the_admin(client):
    """Ordinary users are sent to the admin login and nothing changes."""
    # given
    village = VillageFactory(applied=True)
    client.force_login(UserFactory())
    # when
    response = run_action(client, "approve", [village])
    # then
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    village.refresh_from_db()
    assert village.status == VillageStatus.APPLIED
