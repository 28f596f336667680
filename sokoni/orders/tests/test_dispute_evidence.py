"""Disputes after opening: statements and photos from both sides, bad input refused with
nothing stored, the steps and their deadlines, escalation (task and sweep), and the texts
both sides get on escalation and decision.

Amounts: the default order is KES 2,500.00 (250_000 minor) with a 5% commission (12_500).
"""

import importlib
from datetime import timedelta
from unittest import mock

import pytest

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.tests.images import bomb_bytes, png_bytes
from sokoni.core.errors import NotFound
from sokoni.core.tests import storage
from sokoni.messaging.models import OutboundSms
from sokoni.orders.errors import (
    DisputeClosed,
    HiddenCharacters,
    PhotoInvalid,
    StatementInvalid,
    TooManyPhotos,
)
from sokoni.orders.models import Dispute, DisputePhoto, DisputeStatement
from sokoni.orders.services.disputes import (
    dispute_add_statement,
    dispute_escalate,
    dispute_escalate_due,
)
from sokoni.orders.services.lifecycle import (
    dispute_decide,
    dispute_refund_by_seller,
    order_confirm_receipt,
    order_dispute_open,
)
from sokoni.orders.states import DisputeSide, DisputeStage
from sokoni.orders.tests.factories import (
    disputed_order,
    frozen,
    paid_order,
    run_tasks_at,
    shipped_order,
    world,
)

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # right-to-left override


@pytest.fixture
def stored_files():
    """List every file the default storage holds under private/disputes/ (emptied first)."""
    storage.empty_folder("private/disputes")
    return lambda: sorted(storage.stored_files("private/disputes"))


def texts_to(user):
    return list(
        OutboundSms.objects.filter(to=user.phone).order_by("pk").values_list("body", flat=True)
    )


def evidence():
    """What a refused statement must leave as it was."""
    return {
        "statements": list(DisputeStatement.objects.order_by("pk").values_list("pk", "text")),
        "photos": DisputePhoto.objects.count(),
        "disputes": list(Dispute.objects.order_by("pk").values_list("pk", "stage", "due_at")),
    }


def dispute_of(order) -> Dispute:
    return Dispute.objects.get(order=order)


# -- opening ------------------------------------------------------------------------------------


def test_opening_makes_the_buyers_first_statement_with_photos(tasks, stored_files):
    """The details and photos are the first statement; the seller has 3 days to answer."""
    # given
    order = shipped_order(tasks)
    # when
    with frozen(order.shipped_at + timedelta(days=1)) as now:
        dispute = order_dispute_open(
            order=order,
            actor=order.buyer,
            reason="damaged",
            details=" The jar broke. ",
            images=[png_bytes(), png_bytes(colour="red")],
        )
    # then
    [statement] = dispute.statements.all()
    assert (statement.side, statement.author, statement.text) == (
        DisputeSide.BUYER,
        order.buyer,
        "The jar broke.",
    )
    assert statement.photos.count() == 2
    assert len(stored_files()) == 2 * 3  # three renditions each
    assert all(name.startswith(f"private/disputes/{order.pk}/") for name in stored_files())
    assert (dispute.stage, dispute.due_at) == (
        DisputeStage.AWAITING_SELLER,
        now + timedelta(days=3),
    )
    assert "dispute_escalate_task" in [name.rsplit(".", 1)[-1] for name in tasks.names()]


@pytest.mark.parametrize(
    ("images", "error"),
    [
        ([png_bytes()] * 4, TooManyPhotos),
        ([png_bytes(), b"GIF89a not really a picture"], PhotoInvalid),
        ([png_bytes(), bomb_bytes()], PhotoInvalid),
    ],
    ids=["four", "fake", "bomb"],
)
def test_an_opening_with_bad_photos_stores_nothing(tasks, stored_files, images, error):
    """One bad photo refuses the whole opening: no dispute, no move, no file."""
    # given
    order = shipped_order(tasks)
    before = world()
    # when
    with pytest.raises(error) as caught:
        order_dispute_open(
            order=order, actor=order.buyer, reason="damaged", details="Broken", images=images
        )
    # then
    assert caught.value.field == "photos"
    assert world() == before
    assert stored_files() == []


# -- statements ---------------------------------------------------------------------------------


def test_both_sides_and_staff_add_statements(tasks, stored_files):
    """Each statement is recorded with its side; the buyer's own does not change the step."""
    # given
    order = disputed_order(tasks)
    staff = StaffFactory()
    # when
    dispute_add_statement(order=order, actor=order.buyer, text="Still nothing.")
    dispute_add_statement(
        order=order, actor=order.shop.owner, text="Sent on Monday.", images=[png_bytes()]
    )
    dispute_add_statement(order=order, actor=staff, text="Which courier?")
    # then
    statements = list(dispute_of(order).statements.values_list("side", "text"))
    assert statements == [
        ("buyer", "Nothing came."),
        ("buyer", "Still nothing."),
        ("seller", "Sent on Monday."),
        ("staff", "Which courier?"),
    ]
    assert DisputePhoto.objects.filter(statement__side="seller").count() == 1
    assert len(stored_files()) == 3


def test_the_sellers_answer_moves_the_dispute_to_staff_with_a_new_deadline(tasks):
    """awaiting_seller -> awaiting_staff; staff have 5 days from the answer."""
    # given
    order = disputed_order(tasks)
    # when
    with frozen(dispute_of(order).opened_at + timedelta(days=2)) as now:
        dispute_add_statement(order=order, actor=order.shop.owner, text="It was sent.")
    # then
    dispute = dispute_of(order)
    assert (dispute.stage, dispute.due_at) == (
        DisputeStage.AWAITING_STAFF,
        now + timedelta(days=5),
    )


def test_a_second_seller_statement_keeps_the_staff_deadline(tasks):
    # given
    order = disputed_order(tasks)
    dispute_add_statement(order=order, actor=order.shop.owner, text="It was sent.")
    due = dispute_of(order).due_at
    # when
    with frozen(due - timedelta(days=1)):
        dispute_add_statement(order=order, actor=order.shop.owner, text="Receipt attached.")
    # then
    assert (dispute_of(order).stage, dispute_of(order).due_at) == (DisputeStage.AWAITING_STAFF, due)


def test_a_stranger_gets_not_found_and_nothing_is_stored(tasks, stored_files):
    # given
    order = disputed_order(tasks)
    before = evidence()
    # when
    with pytest.raises(NotFound):
        dispute_add_statement(order=order, actor=UserFactory(), text="I know", images=[png_bytes()])
    # then
    assert evidence() == before
    assert stored_files() == []


def test_an_order_without_a_dispute_takes_no_statement(tasks):
    order = paid_order(tasks)
    with pytest.raises(NotFound):
        dispute_add_statement(order=order, actor=order.buyer, text="Hello")
    assert DisputeStatement.objects.count() == 0


@pytest.mark.parametrize("decide", ["staff", "seller_refund"])
def test_after_the_decision_statements_are_refused(tasks, stored_files, decide):
    """Decided (by staff or by the seller's refund): refused, no row, no file."""
    # given
    order = disputed_order(tasks)
    if decide == "staff":
        dispute_decide(order=order, actor=StaffFactory(), decision="refund", note="Lost.")
    else:
        dispute_refund_by_seller(order=order, actor=order.shop.owner)
    order.refresh_from_db()
    before = evidence()
    # when
    with pytest.raises(DisputeClosed):
        dispute_add_statement(order=order, actor=order.buyer, text="Thanks", images=[png_bytes()])
    # then
    assert evidence() == before
    assert stored_files() == []
    assert dispute_of(order).stage == DisputeStage.DECIDED


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", StatementInvalid),
        ("   \n ", StatementInvalid),
        ("x" * 20_000, StatementInvalid),
        ("x" * 2_001, StatementInvalid),
        (f"Pay me {RLO}gnp.exe", HiddenCharacters),
        ("bell\x07", HiddenCharacters),
        ("isolate \u2067", HiddenCharacters),
    ],
    ids=["empty", "blank", "20000", "2001", "rlo", "control", "isolate"],
)
def test_bad_text_is_refused_and_nothing_is_stored(tasks, stored_files, text, error):
    # given
    order = disputed_order(tasks)
    before = evidence()
    # when
    with pytest.raises(error) as caught:
        dispute_add_statement(order=order, actor=order.shop.owner, text=text, images=[png_bytes()])
    # then
    assert caught.value.field == "text"
    assert evidence() == before
    assert stored_files() == []


def test_two_thousand_characters_and_markup_are_kept_as_written(tasks):
    """The limit is inclusive; a script tag is text (pages escape it)."""
    # given
    order = disputed_order(tasks)
    long = "y" * 2000
    # when
    dispute_add_statement(order=order, actor=order.buyer, text=long)
    dispute_add_statement(order=order, actor=order.buyer, text="<script>alert(1)</script>")
    # then
    texts = list(dispute_of(order).statements.values_list("text", flat=True))
    assert texts[-2:] == [long, "<script>alert(1)</script>"]


@pytest.mark.parametrize(
    ("images", "error"),
    [
        ([png_bytes()] * 4, TooManyPhotos),
        ([b"%PDF-1.4 not a photo"], PhotoInvalid),
        ([png_bytes(), bomb_bytes()], PhotoInvalid),
    ],
    ids=["four", "fake", "bomb"],
)
def test_bad_photos_refuse_the_statement_and_store_nothing(tasks, stored_files, images, error):
    # given
    order = disputed_order(tasks)
    before = evidence()
    # when
    with pytest.raises(error):
        dispute_add_statement(order=order, actor=order.buyer, text="See", images=images)
    # then
    assert evidence() == before
    assert stored_files() == []


def test_an_oversized_photo_is_refused(tasks, stored_files, settings):
    # given
    settings.IMAGE_MAX_BYTES = 1_000
    order = disputed_order(tasks)
    before = evidence()
    # when
    with pytest.raises(PhotoInvalid) as caught:
        dispute_add_statement(
            order=order, actor=order.buyer, text="See", images=[png_bytes(400, 400)]
        )
    # then
    assert "too big" in str(caught.value.message)
    assert evidence() == before
    assert stored_files() == []


def test_photo_files_are_deleted_when_the_transaction_fails(tasks, stored_files):
    """The files are stored before the rows; a failure writing the rows removes them."""
    # given
    order = disputed_order(tasks)
    before = evidence()
    # when
    with (
        mock.patch(
            "sokoni.orders.services.disputes.DisputePhoto.objects.bulk_create",
            side_effect=RuntimeError("disk full"),
        ),
        pytest.raises(RuntimeError),
    ):
        dispute_add_statement(
            order=order, actor=order.buyer, text="See", images=[png_bytes(), png_bytes()]
        )
    # then
    assert evidence() == before
    assert stored_files() == []


# -- deadlines and escalation -----------------------------------------------------------------


def test_the_escalation_task_waits_for_the_deadline_then_escalates_once(tasks):
    """Not before the deadline; at it, escalated with the reason, both sides told once."""
    # given
    order = disputed_order(tasks)
    due = dispute_of(order).due_at
    buyer_texts, seller_texts = len(texts_to(order.buyer)), len(texts_to(order.shop.owner))
    # when: a worker runs just before the deadline
    run_tasks_at(tasks, due - timedelta(seconds=1))
    # then
    assert dispute_of(order).stage == DisputeStage.AWAITING_SELLER
    # when: at the deadline
    run_tasks_at(tasks, due)
    # then
    dispute = dispute_of(order)
    assert (dispute.stage, dispute.escalated_at, dispute.escalation_reason) == (
        DisputeStage.ESCALATED,
        due,
        "the seller did not answer in 3 days",
    )
    assert texts_to(order.buyer)[buyer_texts:] == [
        f"Sokoni: the seller did not answer your dispute on order {order.number} in time. "
        "Sokoni staff now look at it first."
    ]
    assert len(texts_to(order.shop.owner)) == seller_texts + 1
    assert "you did not answer" in texts_to(order.shop.owner)[-1]
    # when: the task runs again (a retry)
    assert dispute_escalate(dispute_id=dispute.pk, now=due + timedelta(hours=1)) is None
    # then
    assert dispute_of(order).escalated_at == due
    assert len(texts_to(order.buyer)) == buyer_texts + 1


def test_a_late_task_does_nothing_once_the_seller_answered(tasks):
    """The seller answered in time: the first deadline's task finds a new one and waits;
    the staff deadline escalates with its own reason."""
    # given
    order = disputed_order(tasks)
    first_due = dispute_of(order).due_at
    with frozen(first_due - timedelta(hours=1)):
        dispute_add_statement(order=order, actor=order.shop.owner, text="Sent.")
    second_due = dispute_of(order).due_at
    # when
    run_tasks_at(tasks, first_due + timedelta(minutes=1))
    # then
    assert dispute_of(order).stage == DisputeStage.AWAITING_STAFF
    # when
    run_tasks_at(tasks, second_due)
    # then
    dispute = dispute_of(order)
    assert (dispute.stage, dispute.escalation_reason) == (
        DisputeStage.ESCALATED,
        "staff did not decide in 5 days",
    )
    assert "top of the staff's list" in texts_to(order.buyer)[-1]
    assert "top of the staff's list" in texts_to(order.shop.owner)[-1]


def test_an_escalated_dispute_keeps_its_step_when_the_seller_answers_late(tasks):
    # given
    order = disputed_order(tasks)
    run_tasks_at(tasks, dispute_of(order).due_at)
    # when
    dispute_add_statement(order=order, actor=order.shop.owner, text="Sorry, I was away.")
    # then
    assert dispute_of(order).stage == DisputeStage.ESCALATED
    assert dispute_of(order).statements.filter(side="seller").count() == 1


def test_a_decided_dispute_is_never_escalated(tasks):
    # given
    order = disputed_order(tasks)
    due = dispute_of(order).due_at
    dispute_decide(order=order, actor=StaffFactory(), decision="release", note="Delivered.")
    # when
    run_tasks_at(tasks, due + timedelta(days=1))
    escalated = dispute_escalate_due(now=due + timedelta(days=1))
    # then
    assert escalated == 0
    assert dispute_of(order).stage == DisputeStage.DECIDED


def test_the_sweep_escalates_what_the_lost_tasks_did_not(tasks, settings):
    """Tasks lost (worker down): the sweep escalates each due dispute once, none early."""
    # given
    settings.DISPUTE_SELLER_DAYS = 2
    overdue, answered, fresh = (disputed_order(tasks) for _ in range(3))
    dispute_add_statement(order=answered, actor=answered.shop.owner, text="Sent.")
    moment = dispute_of(overdue).due_at + timedelta(minutes=5)
    Dispute.objects.filter(order=fresh).update(due_at=moment + timedelta(days=1))
    tasks.clear()
    # when
    first = dispute_escalate_due(now=moment)
    second = dispute_escalate_due(now=moment)
    # then
    assert (first, second) == (1, 0)
    assert dispute_of(overdue).stage == DisputeStage.ESCALATED
    assert dispute_of(overdue).escalation_reason == "the seller did not answer in 2 days"
    assert dispute_of(answered).stage == DisputeStage.AWAITING_STAFF
    assert dispute_of(fresh).stage == DisputeStage.AWAITING_SELLER


def test_the_opening_statement_migration_fills_old_disputes(tasks):
    """Disputes from before statements existed get their opening text as a statement and a
    step; running it again adds nothing."""
    # given
    order = disputed_order(tasks)
    decided = disputed_order(tasks)
    dispute_decide(order=decided, actor=StaffFactory(), decision="release", note="Fine.")
    DisputeStatement.objects.all()._raw_delete(DisputeStatement.objects.db)
    Dispute.objects.update(stage=DisputeStage.AWAITING_SELLER, due_at=None)
    migration = importlib.import_module("sokoni.orders.migrations.0006_dispute_evidence")
    from django.apps import apps

    # when
    migration.opening_statements(apps, None)
    migration.opening_statements(apps, None)
    # then
    opened = dispute_of(order)
    assert list(opened.statements.values_list("side", "text", "created_at")) == [
        ("buyer", "Nothing came.", opened.opened_at)
    ]
    assert (opened.stage, opened.due_at) == (
        DisputeStage.AWAITING_SELLER,
        opened.opened_at + timedelta(days=3),
    )
    assert (dispute_of(decided).stage, dispute_of(decided).due_at) == (DisputeStage.DECIDED, None)


# -- both sides told of the decision -------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "share", "to_buyer", "to_seller"),
    [
        ("refund", None, "You get KES2,500.00 back, the seller KES0.00.", "You get KES0.00, "),
        ("release", None, "You get KES0.00 back, the seller KES2,375.00.", "You get KES2,375.00"),
        ("split", 100_000, "You get KES1,000.00 back, the seller KES1,425.00.", "KES1,425.00"),
    ],
)
def test_a_decision_tells_both_sides_once_with_amounts_and_reason(
    tasks, decision, share, to_buyer, to_seller
):
    # given
    order = disputed_order(tasks)
    buyer_before, seller_before = len(texts_to(order.buyer)), len(texts_to(order.shop.owner))
    note = "The courier's record shows the parcel was left at the wrong gate. " * 3
    # when
    dispute_decide(
        order=order, actor=StaffFactory(), decision=decision, note=note, buyer_share_minor=share
    )
    # then
    [buyer_text] = texts_to(order.buyer)[buyer_before:]
    [seller_text] = texts_to(order.shop.owner)[seller_before:]
    assert buyer_text.startswith(f"Sokoni: dispute on order {order.number} decided. ")
    assert to_buyer in buyer_text
    assert to_seller in seller_text
    assert "Reason: The courier's record shows the parcel was left" in buyer_text
    assert buyer_text.endswith("...")
    assert len(buyer_text) < 300


def test_the_sellers_refund_tells_both_sides_in_their_language(tasks):
    # given
    order = disputed_order(tasks)
    order.shop.owner.language = "fr"
    order.shop.owner.save()
    seller_before = len(texts_to(order.shop.owner))
    # when
    dispute_refund_by_seller(order=order, actor=order.shop.owner)
    # then
    assert "Reason: the seller agreed to refund" in texts_to(order.buyer)[-1]
    [seller_text] = texts_to(order.shop.owner)[seller_before:]
    assert order.number in seller_text
    assert "the seller agreed to refund" not in seller_text  # the reason in French


def test_a_release_without_a_dispute_keeps_its_plain_notice(tasks):
    """Only dispute decisions change the texts: a plain release still says what it said."""
    # given
    order = shipped_order(tasks)
    # when
    order_confirm_receipt(order=order, actor=order.buyer)
    # then
    assert texts_to(order.shop.owner)[-1] == (
        f"Sokoni: KES2,375.00 for order {order.number} is now in your wallet."
    )
