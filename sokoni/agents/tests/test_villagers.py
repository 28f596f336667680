"""Looking villagers up by phone, registering them on the spot, and resetting a PIN."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sokoni.accounts.models import Pin, User
from sokoni.accounts.selectors import has_pin
from sokoni.accounts.services import pin_set
from sokoni.accounts.tests.factories import UserFactory
from sokoni.agents import services
from sokoni.agents.errors import VillagerElsewhere
from sokoni.agents.models import AttachRequest
from sokoni.agents.tests.conftest import messages_of, text_of
from sokoni.villages.models import Resident

pytestmark = pytest.mark.django_db


def test_a_bad_number_is_a_form_error(client, counter):
    # given
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:villager_find"), {"phone": "12"})
    # then
    assert page.status_code == 200
    assert page.context["form"].errors["phone"] == [
        "Enter a valid phone number, such as +254 712 345 678."
    ]
    assert page.context["lookup"] is None


def test_own_villager_is_found_by_phone_however_it_is_written(client, counter):
    # given
    client.force_login(counter.operator)
    # when
    response = client.get(reverse("agents:villager_find"), {"phone": "0712-345-678"})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("agents:villager_detail", args=[counter.villager.pk])


def test_unknown_number_is_offered_registration_and_registered_on_the_spot(client, counter):
    """The lookup offers the form; registering opens a light account at the operator's centre."""
    # given
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:villager_find"), {"phone": "0733 100 200"})
    # then
    assert "Nobody has this number yet" in text_of(page)
    assert page.context["register"]["phone"].value() == "+254733100200"
    # when
    response = client.post(
        reverse("agents:villager_register"),
        {"phone": "+254733100200", "name": "  Baraka   Otieno ", "language": "sw"},
    )
    # then: an account without a password or PIN, at this centre, registered by the operator
    villager = User.objects.get(phone="+254733100200")
    assert response["Location"] == reverse("agents:villager_detail", args=[villager.pk])
    assert messages_of(response) == [
        "Registered. Ask the villager to dial *384*7# on this phone to set their PIN."
    ]
    assert (villager.name, villager.language, villager.currency) == ("Baraka Otieno", "sw", "KES")
    assert not villager.has_usable_password()
    assert not has_pin(villager)
    resident = Resident.objects.get(user=villager)
    assert (resident.centre_id, resident.registered_by_id) == (
        counter.centre.pk,
        counter.operator.pk,
    )


def test_villager_page_says_the_pin_is_set_by_ussd_and_never_shows_it(client, counter, settings):
    # given
    settings.USSD_CODE = "*483*22#"
    client.force_login(counter.operator)
    url = reverse("agents:villager_detail", args=[counter.villager.pk])
    # when
    before = text_of(client.get(url))
    pin_set(user=counter.villager, new_pin="4071")
    after = text_of(client.get(url))
    # then
    assert "PIN Not set yet" in before
    assert "by dialling *483*22# on their own phone" in before
    assert "PIN Set" in after
    assert "4071" not in after
    assert "Reset a forgotten PIN" in after


def test_a_taken_number_is_a_form_error_and_creates_nothing(client, counter):
    # given
    client.force_login(counter.operator)
    users = User.objects.count()
    # when
    page = client.post(
        reverse("agents:villager_register"),
        {"phone": "0712345678", "name": "Someone else", "language": "en"},
    )
    # then
    assert page.status_code == 200
    assert page.context["form"].errors["phone"] == [
        "This number already has an account: look it up instead."
    ]
    assert User.objects.count() == users


def test_an_account_without_a_centre_is_offered_a_consent_code_not_attached(client, counter):
    """The lookup offers to text the account's owner a code; sending it attaches nothing yet
    (the whole consent flow: test_attach.py)."""
    # given: a web buyer with no home centre
    buyer = UserFactory(phone="+254711222333", name="Grace")
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:villager_find"), {"phone": "0711222333"})
    response = client.post(reverse("agents:villager_attach"), {"phone": "+254711222333"})
    # then
    assert "has a Sokoni account (Grace) but no service centre yet" in text_of(page)
    assert "Send a code to their phone" in text_of(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("agents:villager_attach_confirm"))
    assert not Resident.objects.filter(user=buyer).exists()


def test_a_villager_of_another_centre_stays_there(counter, other):
    # when / then
    with pytest.raises(VillagerElsewhere):
        services.villager_attach_request(
            operator=other.operator, centre_id=other.centre.pk, phone="0712345678"
        )
    assert Resident.objects.get(user=counter.villager).centre_id == counter.centre.pk
    assert not AttachRequest.objects.exists()


def test_pin_reset_needs_the_identity_check_then_forgets_the_pin(client, counter):
    """The operator confirms they checked who the villager is; the PIN is gone after."""
    # given
    pin_set(user=counter.villager, new_pin="4071")
    client.force_login(counter.operator)
    url = reverse("agents:villager_pin_reset", args=[counter.villager.pk])
    # when: sent without ticking the box
    page = client.post(url, {})
    # then
    assert page.status_code == 200
    assert page.context["form"].errors["checked"] == [
        "Check who they are first, then tick this box."
    ]
    assert Pin.objects.filter(user=counter.villager).exists()
    # when: confirmed
    response = client.post(url, {"checked": "on"})
    # then
    assert response["Location"] == reverse("agents:villager_detail", args=[counter.villager.pk])
    assert messages_of(response) == [
        "The PIN is reset. The villager sets a new one by dialling *384*7#."
    ]
    assert not Pin.objects.filter(user=counter.villager).exists()


def test_pin_reset_is_a_post_with_confirmation(client, counter):
    """Opening the reset page changes nothing."""
    # given
    pin_set(user=counter.villager, new_pin="4071")
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:villager_pin_reset", args=[counter.villager.pk]))
    # then
    assert page.status_code == 200
    assert "identity document" in text_of(page)
    assert Pin.objects.filter(user=counter.villager).exists()


def test_an_operator_of_two_centres_chooses_where_the_villager_belongs(client, counter):
    """The lookup works from the desk without a centre; registering asks for one."""
    # given
    from sokoni.villages.tests.factories import ServiceCentreFactory

    second = ServiceCentreFactory(operator=counter.operator, village=counter.centre.village)
    client.force_login(counter.operator)
    # when
    found = client.get(reverse("agents:villager_find"), {"phone": "0712345678"})
    missing = client.post(
        reverse("agents:villager_register"), {"phone": "0733100200", "language": "en"}
    )
    registered = client.post(
        reverse("agents:villager_register"),
        {"phone": "0733100200", "language": "en", "centre": second.pk},
    )
    # then
    assert found["Location"] == reverse("agents:villager_detail", args=[counter.villager.pk])
    assert missing.context["form"].errors["centre"] == ["This field is required."]
    villager = User.objects.get(phone="+254733100200")
    assert registered["Location"] == reverse("agents:villager_detail", args=[villager.pk])
    assert Resident.objects.get(user=villager).centre_id == second.pk
