"""``SCAN <code> <event> [reason]``: couriers and hub staff record a parcel's journey by text.

The sender is known by their phone; a parcel they may not scan is answered like an unknown
code; a resent message changes nothing; replies fit one GSM-7 message in English. Events and
reasons are read in every shipped language.
"""

import pytest
from django.utils import translation

from sokoni.accounts.tests.factories import UserFactory
from sokoni.channels.models import InboundSms
from sokoni.channels.sms_commands import (
    KEYWORDS,
    SCAN_EVENTS,
    SCAN_REASONS,
    Command,
    parcel_code_of,
    parse,
)
from sokoni.channels.tests.test_sms_inbound import reply
from sokoni.logistics.models import Shipment, TrackingEvent
from sokoni.logistics.states import SCANNABLE, FailureReason, ShipmentStatus
from sokoni.logistics.tests.test_tracking import (
    _other_carrier_driver,
    courier_of,
    parcel,
    parcel_for_pickup,
    parcel_state,
    reach,
    record,
)
from sokoni.messaging.models import OutboundSms
from sokoni.messaging.segments import segments
from sokoni.orders.services.lifecycle import order_cancel
from sokoni.orders.states import OrderStatus

pytestmark = pytest.mark.django_db

S = ShipmentStatus


def speaking(language: str, shipment: Shipment):
    """A driver of the parcel's carrier whose account is in ``language``."""
    return courier_of(shipment, UserFactory(language=language))


def one_gsm_message(body: str) -> bool:
    found = segments(body)
    return found.encoding == "gsm7" and found.count == 1


def label(kind: str, language: str) -> str:
    with translation.override(language):
        return str(ShipmentStatus(kind).label)


# -- the word tables ------------------------------------------------------------------------------


def test_every_language_has_scan_every_event_and_every_reason():
    for language, table in KEYWORDS.items():
        assert table[Command.SCAN], language
        assert set(SCAN_EVENTS[language]) == set(SCANNABLE), language
        assert set(SCAN_REASONS[language]) == set(FailureReason), language
    assert set(SCAN_EVENTS) == set(SCAN_REASONS) == set(KEYWORDS)


@pytest.mark.parametrize(
    ("text", "code", "rest"),
    [
        ("SCAN SKAC3DEF4G PICKED", "SKAC3DEF4G", ("PICKED",)),
        ("scan skac3def4g picked up", "SKAC3DEF4G", ("picked", "up")),
        ("SCAN SK-AC3D-EF4G HUB", "SKAC3DEF4G", ("HUB",)),
        ("SCAN SK AC3D EF4G OUT", "SKAC3DEF4G", ("OUT",)),
        ("SCAN AC3DEF4G DELIVERED", "SKAC3DEF4G", ("DELIVERED",)),
        ("扫描SKAC3DEF4G签收", "SKAC3DEF4G", ("签收",)),
        ("SCAN: SKAC3DEF4G, FAILED NOBODY", "SKAC3DEF4G", (",", "FAILED", "NOBODY")),
        ("SCAN PICKED", "PICKED", ()),
        ("SCAN", "", ()),
    ],
)
def test_the_parcel_code_is_read_however_it_is_typed(text, code, rest):
    parsed = parse(text)
    assert parsed.command == Command.SCAN
    assert parcel_code_of(parsed.args) == (code, rest)


# -- recording -----------------------------------------------------------------------------------


def test_scan_picked_records_the_pick_up_and_ships_the_order(tasks):
    # given
    shipment, courier = parcel(tasks)
    # when
    body = reply(f"SCAN {shipment.code} PICKED", courier)
    # then
    assert body == f"Parcel {shipment.code}: Picked up, recorded."
    assert one_gsm_message(body)
    event = TrackingEvent.objects.get(shipment=shipment)
    assert (event.kind, event.via, event.actor) == (S.PICKED_UP, "sms", courier)
    shipment.order.refresh_from_db()
    assert shipment.order.status == OrderStatus.SHIPPED
    assert shipment.order.tracking_ref == shipment.code
    assert InboundSms.objects.get().command == "scan"


def test_skani_in_swahili_records_the_pick_up(tasks):
    # given
    shipment, _courier = parcel(tasks)
    dereva = speaking("sw", shipment)
    # when
    body = reply(f"skani {shipment.code.lower()} imechukuliwa", dereva)
    # then
    assert TrackingEvent.objects.get(shipment=shipment).kind == S.PICKED_UP
    assert shipment.code in body
    assert label(S.PICKED_UP, "sw") in body


def test_saomiao_in_chinese_records_the_delivery(tasks):
    # given
    shipment, _courier = reach(tasks, S.OUT_FOR_DELIVERY)
    driver = speaking("zh-hans", shipment)
    # when
    body = reply(f"扫描{shipment.code}签收", driver)
    # then
    assert Shipment.objects.get(pk=shipment.pk).status == S.DELIVERED
    assert label(S.DELIVERED, "zh-hans") in body
    order = shipment.order
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.auto_release_at is not None


@pytest.mark.parametrize(
    ("language", "text", "reason"),
    [
        ("en", "SCAN {code} FAILED NOBODY", FailureReason.NOBODY_HOME),
        ("en", "scan {code} failed wrong address", FailureReason.WRONG_ADDRESS),
        ("sw", "SKANI {code} IMESHINDWA HAKUNA MTU", FailureReason.NOBODY_HOME),
        ("hi", "स्कैन {code} असफल पता", FailureReason.WRONG_ADDRESS),
        ("ko", "스캔 {code} 실패 부재", FailureReason.NOBODY_HOME),
        ("es", "ESCANEAR {code} FALLIDO RECHAZADO", FailureReason.REFUSED),
        ("fr", "scanner {code} échec abîmé", FailureReason.DAMAGED),
        ("zh-hans", "扫描 {code} 失败 路不通", FailureReason.NO_ACCESS),
    ],
)
def test_a_failed_attempt_is_recorded_with_its_reason_in_every_language(
    tasks, language, text, reason
):
    shipment, _courier = reach(tasks, S.OUT_FOR_DELIVERY)
    driver = speaking(language, shipment)
    body = reply(text.format(code=shipment.code), driver)
    event = TrackingEvent.objects.get(shipment=shipment, kind=S.FAILED_ATTEMPT)
    assert (event.failure, event.via) == (reason, "sms")
    assert shipment.code in body


def test_failed_without_a_reason_lists_the_reasons_and_changes_nothing(tasks):
    # given
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    before = parcel_state(shipment)
    # when
    body = reply(f"SCAN {shipment.code} FAILED", courier)
    # then
    assert body == (
        "Say why it failed: SCAN <code> FAILED <reason>. "
        "Reasons: NOBODY ADDRESS REFUSED ACCESS DAMAGED OTHER"
    )
    assert one_gsm_message(body)
    assert parcel_state(shipment)["events"] == before["events"]
    assert Shipment.objects.get(pk=shipment.pk).status == S.OUT_FOR_DELIVERY


def test_words_after_the_event_are_kept_as_a_note(tasks):
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    reply(f"SCAN {shipment.code} FAILED REFUSED said not ordered", courier)
    event = TrackingEvent.objects.get(shipment=shipment, kind=S.FAILED_ATTEMPT)
    assert (event.failure, event.note) == (FailureReason.REFUSED, "said not ordered")


def test_hub_records_the_hub_the_parcel_reached(tasks):
    shipment, courier = reach(tasks, S.PICKED_UP)
    reply(f"SCAN {shipment.code} HUB", courier)
    event = TrackingEvent.objects.get(shipment=shipment, kind=S.AT_HUB)
    assert event.hub == shipment.origin_hub


def test_the_delivery_texts_the_recipient(tasks):
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    reply(f"SCAN {shipment.code} DELIVERED", courier)
    notice = OutboundSms.objects.get(dedupe_key__startswith=f"shipment:{shipment.pk}:delivered:")
    assert notice.to == shipment.order.checkout.recipient_phone


# -- repeats and refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "text", "event"),
    [
        (S.AWAITING_PICKUP, "SCAN {code} PICKED", "Picked up"),
        (S.OUT_FOR_DELIVERY, "SCAN {code} FAILED NOBODY", "Delivery attempt failed"),
    ],
)
def test_a_resent_message_changes_nothing_and_says_already_recorded(tasks, status, text, event):
    # given
    shipment, courier = reach(tasks, status)
    reply(text.format(code=shipment.code), courier)
    before = parcel_state(shipment)
    # when
    body = reply(text.format(code=shipment.code), courier)
    # then
    assert body == f"Parcel {shipment.code}: {event} was already recorded."
    assert one_gsm_message(body)
    after = parcel_state(shipment)
    assert after["events"] == before["events"]
    assert after["shipment"] == before["shipment"]
    assert after["world"] == before["world"]


def test_an_event_the_table_forbids_is_refused_in_plain_gsm(tasks):
    # given
    shipment, courier = reach(tasks, S.DELIVERED)
    before = parcel_state(shipment)
    # when
    body = reply(f"SCAN {shipment.code} PICKED", courier)
    # then
    assert body == f'Parcel {shipment.code} is "Delivered": "Picked up" cannot be recorded now.'
    assert one_gsm_message(body)
    after = parcel_state(shipment)
    assert (after["events"], after["shipment"], after["world"]) == (
        before["events"],
        before["shipment"],
        before["world"],
    )


def test_the_pick_up_of_a_cancelled_order_tells_the_driver_to_leave_it(tasks):
    shipment, courier = parcel(tasks)
    order_cancel(order=shipment.order, actor=shipment.order.buyer)
    body = reply(f"SCAN {shipment.code} PICKED", courier)
    assert body == f"Order {shipment.order.number} was cancelled: keep the parcel with the seller."
    assert one_gsm_message(body)
    assert not TrackingEvent.objects.filter(shipment=shipment, kind=S.PICKED_UP).exists()


def test_a_parcel_for_pickup_is_not_delivered_by_text(tasks):
    shipment, courier = parcel_for_pickup(tasks)
    record(shipment, S.PICKED_UP, courier)
    record(shipment, S.OUT_FOR_DELIVERY, courier)
    body = reply(f"SCAN {shipment.code} DELIVERED", courier)
    assert shipment.centre.name in body
    assert Shipment.objects.get(pk=shipment.pk).status == S.OUT_FOR_DELIVERY


@pytest.mark.parametrize("who", ["stranger", "other_carrier", "buyer", "seller"])
def test_someone_who_may_not_scan_gets_the_unknown_code_reply_and_changes_nothing(tasks, who):
    # given
    shipment, _courier = parcel(tasks)
    person = {
        "stranger": UserFactory,
        "other_carrier": _other_carrier_driver,
        "buyer": lambda: shipment.order.buyer,
        "seller": lambda: shipment.order.shop.owner,
    }[who]()
    before = parcel_state(shipment)
    # when
    body = reply(f"SCAN {shipment.code} PICKED", person)
    unknown = reply("SCAN SKXXXXXXXX PICKED", person)
    # then
    assert body == f"No parcel {shipment.code} found for this phone number."
    assert unknown == "No parcel SKXXXXXXXX found for this phone number."
    after = parcel_state(shipment)
    assert (after["events"], after["shipment"], after["world"]) == (
        before["events"],
        before["shipment"],
        before["world"],
    )


def test_a_number_without_an_account_is_told_how_to_register(tasks, settings):
    settings.USSD_CODE = "*384*7#"
    shipment, _courier = parcel(tasks)
    body = reply(f"SCAN {shipment.code} PICKED", "+254733000999")
    assert body.startswith("This number has no Sokoni account")
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    "text",
    ["SCAN", "SCAN {code}", "SCAN {code} LOST", "SCAN PICKED", "SCAN 🙂 *#", "SCAN " + "9" * 900],
)
def test_a_malformed_scan_gets_its_usage_line_and_changes_nothing(tasks, text):
    shipment, courier = parcel(tasks)
    before = parcel_state(shipment)
    body = reply(text.format(code=shipment.code), courier)
    assert body == (
        "To record a parcel, send: SCAN <code> <event>. "
        "Events: PICKED HUB TRANSIT OUT DELIVERED FAILED RETURNED"
    )
    assert one_gsm_message(body)
    after = parcel_state(shipment)
    assert (after["events"], after["shipment"], after["world"]) == (
        before["events"],
        before["shipment"],
        before["world"],
    )


def test_the_usage_line_shows_the_senders_words(tasks):
    shipment, _courier = parcel(tasks)
    body = reply("SKANI", speaking("sw", shipment))
    assert "SKANI <msimbo> <tukio>" in body
    assert "IMECHUKULIWA KITUONI NJIANI INAPELEKWA IMEFIKISHWA IMESHINDWA IMERUDISHWA" in body
    assert segments(body).count <= 2


def test_the_documented_words_are_the_words_of_the_code():
    """docs/sms.md lists, per language, the words SCAN_EVENTS and SCAN_REASONS hold."""
    from pathlib import Path

    from django.conf import settings

    doc = (Path(settings.BASE_DIR) / "docs" / "sms.md").read_text()
    section = doc[doc.index("### SCAN") :]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    events = {row.split(" | ")[0][2:]: row for row in rows[1:8]}
    reasons = {row.split(" | ")[0][2:]: row for row in rows[9:16]}
    for language in KEYWORDS:
        cells = [cell.strip() for cell in events[language].strip("| ").split(" | ")]
        assert cells[1] == ", ".join(KEYWORDS[language][Command.SCAN])
        for cell, kind in zip(cells[2:], SCANNABLE, strict=True):
            assert cell == ", ".join(SCAN_EVENTS[language][kind])
        cells = [cell.strip() for cell in reasons[language].strip("| ").split(" | ")]
        for cell, reason in zip(cells[1:], FailureReason, strict=True):
            assert cell == ", ".join(SCAN_REASONS[language][reason])
