"""Making a centre the home of an existing account needs its owner's consent: a code texted to
their phone, read out at the counter. Until the code is typed, nothing is attached."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import UserFactory
from sokoni.agents import services
from sokoni.agents.errors import (
    AlreadyVillagerHere,
    AttachCodeExpired,
    AttachCodeLocked,
    AttachCodeMissing,
    AttachCodesExhausted,
    AttachCodeWrong,
    VillagerElsewhere,
)
from sokoni.agents.models import AttachRequest
from sokoni.agents.states import AttachStatus
from sokoni.agents.tests.conftest import GRACE, ask, confirm, messages_of, text_of
from sokoni.messaging.models import OutboundSms
from sokoni.villages.models import Resident
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db


def texts_to(phone: str) -> list[OutboundSms]:
    return list(OutboundSms.objects.filter(to=phone, dedupe_key__startswith="attach:"))


def test_asking_texts_a_code_to_the_owner_and_attaches_nothing(counter, grace):
    """The text names the operator and the centre and carries the code; only its keyed digest
    is kept."""
    # when
    asked = ask(counter)
    # then
    assert not Resident.objects.filter(user=grace).exists()
    (sms,) = texts_to(GRACE)
    assert sms.body == (
        f"Sokoni: Wanjiku the operator at {counter.centre.name} asks to make it your home "
        "centre. Give them code 271828 only if you agree. It expires in 15 minutes."
    )
    assert sms.secret == "271828"
    assert sms.dedupe_key == f"attach:{asked.pk}"
    assert asked.status == AttachStatus.PENDING
    assert (asked.centre_id, asked.operator_id, asked.villager_id) == (
        counter.centre.pk,
        counter.operator.pk,
        grace.pk,
    )
    assert asked.expires_at - asked.created_at == timedelta(minutes=15)
    assert "271828" not in asked.code_digest + asked.code_salt
    assert len(asked.code_digest) == 64


def test_long_names_are_shortened_so_the_code_and_the_warning_always_fit(counter, grace):
    """Names are cut, never the code or "only if you agree", even in UCS-2 (70 characters a
    segment)."""
    # given
    counter.operator.name = "Wanjikũ " * 15
    counter.operator.save(update_fields=["name"])
    type(counter.centre).objects.filter(pk=counter.centre.pk).update(name="Kituo " * 16)
    # when
    ask(counter)
    # then
    (sms,) = texts_to(GRACE)
    assert sms.segments == 2
    assert sms.encoding == "ucs2"
    assert "Give them code 271828 only if you agree. It expires in 15 minutes." in sms.body
    assert sms.body.startswith("Sokoni: Wanjikũ Wa at Kituo Kitu asks to make it your home")


def test_the_text_is_written_in_the_owners_language(counter, grace):
    # given
    grace.language = "sw"
    grace.save(update_fields=["language"])
    # when
    with mock.patch("sokoni.agents.notices.translation.override") as override:
        ask(counter)
    # then
    override.assert_called_once_with("sw")


def test_the_right_code_makes_the_centre_their_home(counter, grace):
    # given
    asked = ask(counter)
    # when
    resident = confirm(counter, "271 828")
    # then
    assert (resident.user_id, resident.centre_id, resident.registered_by_id) == (
        grace.pk,
        counter.centre.pk,
        counter.operator.pk,
    )
    asked.refresh_from_db()
    assert asked.status == AttachStatus.CONFIRMED
    assert asked.closed_at is not None
    assert confirm(counter, "271828").pk == resident.pk  # the same form sent twice


def test_a_wrong_code_attaches_nothing_and_is_counted(counter, grace):
    # given
    asked = ask(counter)
    # when
    with pytest.raises(AttachCodeWrong) as refused:
        confirm(counter, "000000")
    # then
    assert refused.value.context == {"tries_left": 4}
    assert refused.value.field == "code"
    assert not Resident.objects.filter(user=grace).exists()
    asked.refresh_from_db()
    assert (asked.status, asked.failures) == (AttachStatus.PENDING, 1)


def test_an_expired_code_attaches_nothing(counter, grace):
    # given
    asked = ask(counter)
    later = timezone.now() + timedelta(minutes=15, seconds=1)
    # when
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        pytest.raises(AttachCodeExpired),
    ):
        confirm(counter, "271828")
    # then
    assert not Resident.objects.filter(user=grace).exists()
    asked.refresh_from_db()
    assert (asked.status, asked.failures) == (AttachStatus.PENDING, 0)


def test_five_wrong_codes_kill_the_code(counter, grace):
    """The fifth wrong try kills the code: even the right one then attaches nothing, until a
    new code is sent."""
    # given
    asked = ask(counter)
    for left in (4, 3, 2, 1):
        with pytest.raises(AttachCodeWrong) as refused:
            confirm(counter, "111111")
        assert refused.value.context == {"tries_left": left}
    # when
    with pytest.raises(AttachCodeLocked):
        confirm(counter, "111111")
    with pytest.raises(AttachCodeLocked):
        confirm(counter, "271828")
    # then
    assert not Resident.objects.filter(user=grace).exists()
    asked.refresh_from_db()
    assert (asked.status, asked.failures) == (AttachStatus.LOCKED, 5)
    # a new code works
    ask(counter, code=314_159)
    assert confirm(counter, "314159").centre_id == counter.centre.pk


def test_a_new_request_replaces_the_old_code(counter, grace):
    # given
    first = ask(counter, code=111_111)
    # when
    second = ask(counter, code=222_222)
    # then
    first.refresh_from_db()
    assert first.status == AttachStatus.REPLACED
    assert AttachRequest.objects.filter(status=AttachStatus.PENDING).get().pk == second.pk
    assert len(texts_to(GRACE)) == 2
    with pytest.raises(AttachCodeWrong):
        confirm(counter, "111111")
    assert not Resident.objects.filter(user=grace).exists()
    assert confirm(counter, "222222").centre_id == counter.centre.pk


def test_a_code_for_one_centre_does_not_attach_to_the_operators_other_centre(counter, grace):
    # given: an operator who runs two centres asked at the first
    second = ServiceCentreFactory(operator=counter.operator, village=counter.centre.village)
    ask(counter)
    # when / then
    with pytest.raises(AttachCodeMissing):
        confirm(counter, "271828", centre=second)
    assert not Resident.objects.filter(user=grace).exists()


def test_another_centres_code_does_not_work_here(counter, other, grace):
    """The operator next door asked for consent; their code, read out here, attaches nothing:
    not without a request of this centre, nor against this centre's own request."""
    # given
    ask(other, code=555_555)
    # when / then
    with pytest.raises(AttachCodeMissing):
        confirm(counter, "555555")
    ask(counter, code=271_828)
    with pytest.raises(AttachCodeWrong):
        confirm(counter, "555555")
    assert not Resident.objects.filter(user=grace).exists()
    # and the next door's request stays theirs to confirm
    assert confirm(other, "555555").centre_id == other.centre.pk


def test_a_code_asked_by_the_centres_former_operator_does_not_work_for_the_new_one(counter, grace):
    # given
    ask(counter)
    newcomer = UserFactory(name="New operator")
    type(counter.centre).objects.filter(pk=counter.centre.pk).update(operator=newcomer)
    # when / then
    with pytest.raises(AttachCodeMissing):
        services.villager_attach_confirm(
            operator=newcomer, centre_id=counter.centre.pk, phone=GRACE, code="271828"
        )
    assert not Resident.objects.filter(user=grace).exists()


def test_a_home_found_meanwhile_is_kept(counter, other, grace):
    """Both centres asked; the one confirmed first is her home, the other's code then
    attaches nothing."""
    # given
    ask(counter, code=111_111)
    ask(other, code=222_222)
    confirm(other, "222222")
    # when / then
    with pytest.raises(VillagerElsewhere):
        confirm(counter, "111111")
    assert Resident.objects.get(user=grace).centre_id == other.centre.pk


def test_a_villager_whose_centre_closed_can_make_another_centre_home(counter, other, grace):
    """A closed centre is no one's home: its former villagers are asked and attached like
    anyone without one (their row moves to the new centre)."""
    # given: Grace was a villager of the other centre, which then closed
    ask(other, code=222_222)
    confirm(other, "222222")
    other.centre.is_active = False
    other.centre.save(update_fields=["is_active"])
    ask(counter)
    # when
    resident = confirm(counter, "271828")
    # then
    assert resident.centre_id == counter.centre.pk
    assert Resident.objects.get(user=grace).centre_id == counter.centre.pk


def test_one_person_gets_at_most_three_codes_an_hour(counter, other, grace):
    # given
    ask(counter)
    ask(counter)
    ask(other)
    # when / then
    with pytest.raises(AttachCodesExhausted):
        ask(counter)
    assert len(texts_to(GRACE)) == 3
    later = timezone.now() + timedelta(hours=1, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        ask(counter)
    assert len(texts_to(GRACE)) == 4


def test_a_villager_of_the_centre_is_not_asked_again(counter):
    with pytest.raises(AlreadyVillagerHere):
        services.villager_attach_request(
            operator=counter.operator, centre_id=counter.centre.pk, phone=counter.villager.phone
        )
    assert not AttachRequest.objects.exists()
    assert texts_to(counter.villager.phone) == []


def test_the_desk_sends_the_code_then_attaches_with_it(client, counter, grace):
    """The operator sends the code, types a wrong one (a form error, nothing attached), then
    the one the villager reads out."""
    # given
    client.force_login(counter.operator)
    # when: send the code
    with mock.patch("sokoni.agents.services.secrets.randbelow", return_value=271_828):
        sent = client.post(reverse("agents:villager_attach"), {"phone": GRACE})
    # then
    assert sent.status_code == 302
    assert messages_of(sent) == [
        "A code went by text message to +254 711 222333. Ask the account's owner to read it "
        "to you only if they agree to make this their service centre."
    ]
    page = client.get(sent["Location"])
    assert page.status_code == 200
    assert "Account: Grace , +254 711 222333." in text_of(page)
    assert "only if they agree that your centre becomes theirs" in text_of(page)
    assert not Resident.objects.filter(user=grace).exists()
    url = reverse("agents:villager_attach_confirm")
    # when: a wrong code
    wrong = client.post(url, {"phone": GRACE, "code": "123456"})
    # then
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [
        "Wrong code. 4 tries left before the code stops working."
    ]
    assert not Resident.objects.filter(user=grace).exists()
    # when: a badly typed code
    typo = client.post(url, {"phone": GRACE, "code": "12a"})
    # then
    assert typo.context["form"].errors["code"] == ["Enter the 6 digits of the code."]
    assert AttachRequest.objects.get().failures == 1
    # when: the right code
    done = client.post(url, {"phone": GRACE, "code": "271828"})
    # then
    assert done["Location"] == reverse("agents:villager_detail", args=[grace.pk])
    assert messages_of(done) == [f"Grace now belongs to {counter.centre.name}."]
    assert Resident.objects.get(user=grace).centre_id == counter.centre.pk


def test_the_desk_explains_an_expired_code_and_attaches_nothing(client, counter, grace):
    # given
    ask(counter)
    client.force_login(counter.operator)
    later = timezone.now() + timedelta(minutes=16)
    # when
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client.post(
            reverse("agents:villager_attach_confirm"), {"phone": GRACE, "code": "271828"}
        )
    # then
    assert page.status_code == 200
    assert page.context["form"].errors["code"] == ["This code has expired: send a new one."]
    assert "Send a new code" in text_of(page)
    assert not Resident.objects.filter(user=grace).exists()


def test_the_code_page_without_a_code_waiting_sends_back_to_the_lookup(client, counter, grace):
    # given
    client.force_login(counter.operator)
    # when
    response = client.get(reverse("agents:villager_attach_confirm"), {"phone": GRACE})
    # then
    assert response["Location"] == reverse("agents:villager_find")
    assert messages_of(response) == [
        "No code is waiting for this number: look it up and send a code."
    ]


def test_the_code_page_of_another_centres_request_shows_nothing(client, counter, other, grace):
    """The operator next door asked; this operator's code page has nothing to confirm."""
    # given
    ask(other, code=555_555)
    client.force_login(counter.operator)
    url = reverse("agents:villager_attach_confirm")
    # when
    page = client.get(url, {"phone": GRACE})
    posted = client.post(url, {"phone": GRACE, "code": "555555"})
    # then
    assert page["Location"] == reverse("agents:villager_find")
    assert posted.status_code == 200
    assert posted.context["form"].errors["code"] == [
        "No code is waiting for this number at your centre: send one first."
    ]
    assert not Resident.objects.filter(user=grace).exists()
    assert AttachRequest.objects.get().status == AttachStatus.PENDING
