"""A dispute between its opening and its decision: statements with photos from both sides,
deadlines, and escalation when a deadline passes.

Opening and deciding live in ``lifecycle`` (they move the order and its money) and use the
helpers here for the opening statement and its photos.

Photos are checked (all of them) before anything is stored, stored outside the database
transaction (storage may be remote), and deleted again if the transaction that records them
fails, so a refused or failed statement leaves neither rows nor files behind.

Deadlines: the seller answers within DISPUTE_SELLER_DAYS (a statement moves the dispute to
staff, who decide within DISPUTE_DECIDE_DAYS). A task scheduled at the deadline escalates a
dispute still at the same step with the same deadline (a conditional update, so a late task or
one racing the seller's answer does nothing); ``dispute_escalate_due`` catches up on lost ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.core.images import (
    StoredPhoto,
    delete_photo,
    open_checked,
    private_folder,
    store_photo,
)
from sokoni.core.tasks import defer
from sokoni.core.text import has_hidden_characters
from sokoni.orders import reasons
from sokoni.orders.errors import (
    DisputeClosed,
    HiddenCharacters,
    PhotoInvalid,
    StatementInvalid,
    TooManyPhotos,
)
from sokoni.orders.locks import orders_qs_for_update
from sokoni.orders.models import (
    MAX_STATEMENT,
    MAX_STATEMENT_PHOTOS,
    Dispute,
    DisputePhoto,
    DisputeStatement,
    Order,
)
from sokoni.orders.notices import dispute_escalated
from sokoni.orders.states import DISPUTE_DUE, DisputeSide, DisputeStage, OrderStatus
from sokoni.orders.tasks import dispute_escalate_task

T = TypeVar("T")


# -- checking and storing what people send ---------------------------------------------------


def statement_text(text: object, *, field: str) -> str:
    """The statement as it will be stored: stripped, 1 to 2,000 characters, nothing hidden."""
    value = str(text or "").strip()
    if not value or len(value) > MAX_STATEMENT:
        raise StatementInvalid(field=field)
    if has_hidden_characters(value):
        raise HiddenCharacters(field=field)
    return value


def checked_photos(images: Sequence[bytes], *, field: str = "photos") -> list[bytes]:
    """Open every photo before any is stored: one bad or one too many refuses them all."""
    photos = list(images)
    if len(photos) > MAX_STATEMENT_PHOTOS:
        raise TooManyPhotos(field=field)
    for data in photos:
        try:
            open_checked(data)
        except ValidationError as exc:
            raise PhotoInvalid(exc.messages[0], field=field) from exc
    return photos


def photo_folder(order: Order) -> str:
    """Where a dispute's photos go: private (served only to the dispute's parties and staff,
    by ``web.views.private_photos``), under the order's id, as the dispute's pages are named."""
    return private_folder(f"disputes/{order.pk}")


def with_photos(
    order: Order, photos: Sequence[bytes], write: Callable[[list[StoredPhoto]], T]
) -> T:
    """Store checked photos, then call ``write`` (a transaction recording them); if it fails,
    delete what was stored and let the error through."""
    stored: list[StoredPhoto] = []
    try:
        for data in photos:
            stored.append(store_photo(data, photo_folder(order)))  # noqa: PERF401 - keep what was stored
        return write(stored)
    except BaseException:
        for photo in stored:
            delete_photo(photo.key)
        raise


def statement_add(
    dispute: Dispute, *, author: User, side: str, text: str, stored: Sequence[StoredPhoto]
) -> DisputeStatement:
    """Write a statement and its photos' rows (the caller checked everything)."""
    statement = DisputeStatement.objects.create(
        dispute=dispute, author=author, side=side, text=text
    )
    DisputePhoto.objects.bulk_create(
        DisputePhoto(statement=statement, key=s.key, width=s.width, height=s.height) for s in stored
    )
    return statement


def deadline(days: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=days)


def escalate_at(dispute: Dispute) -> None:
    """Schedule the escalation of the dispute at its deadline (run in the caller's
    transaction, so the task exists exactly when the deadline does)."""
    if dispute.due_at is not None:
        defer(dispute_escalate_task, dispute.pk, run_after=dispute.due_at)


# -- statements ------------------------------------------------------------------------------


def _side(order: Order, actor: User) -> str:
    if actor.pk == order.buyer_id:
        return DisputeSide.BUYER
    if actor.pk == order.shop.owner_id:
        return DisputeSide.SELLER
    if actor.is_staff:
        return DisputeSide.STAFF
    raise NotFound()


def dispute_add_statement(
    *, order: Order, actor: User, text: object, images: Sequence[bytes] = ()
) -> DisputeStatement:
    """The buyer, the shop's owner or staff add a statement (with up to 3 photos) to an
    undecided dispute. The seller's first statement is their answer: the dispute goes to
    staff, who have DISPUTE_DECIDE_DAYS to decide.

    Anyone else gets NotFound; after the decision, DisputeClosed. Nothing is stored on a
    refusal (photo files included).
    """
    side = _side(order, actor)
    if not Dispute.objects.filter(order_id=order.pk).exists():
        raise NotFound()
    words = statement_text(text, field="text")
    photos = checked_photos(images)
    if not Dispute.objects.filter(order_id=order.pk, decision="").exists():
        raise DisputeClosed()  # before storing any file
    return with_photos(order, photos, lambda stored: _statement(order, actor, side, words, stored))


@transaction.atomic
def _statement(
    order: Order, actor: User, side: str, words: str, stored: Sequence[StoredPhoto]
) -> DisputeStatement:
    # The order's row lock orders this against the decision and the seller's refund.
    locked = orders_qs_for_update(pk=order.pk).first()
    dispute = Dispute.objects.filter(order_id=order.pk).first()
    if locked is None or dispute is None:
        raise NotFound()
    if dispute.decision or locked.status != OrderStatus.DISPUTED:
        raise DisputeClosed()
    statement = statement_add(dispute, author=actor, side=side, text=words, stored=stored)
    if side == DisputeSide.SELLER and dispute.stage == DisputeStage.AWAITING_SELLER:
        due = deadline(settings.DISPUTE_DECIDE_DAYS)
        # Conditional: if the escalation task got there first, the dispute stays escalated.
        moved = Dispute.objects.filter(
            pk=dispute.pk, stage=DisputeStage.AWAITING_SELLER, decision=""
        ).update(stage=DisputeStage.AWAITING_STAFF, due_at=due)
        if moved == 1:
            dispute.stage, dispute.due_at = DisputeStage.AWAITING_STAFF, due
            escalate_at(dispute)
    return statement


# -- deadlines -------------------------------------------------------------------------------


@transaction.atomic
def dispute_escalate(*, dispute_id: int, now: datetime | None = None) -> Dispute | None:
    """Escalate a dispute whose deadline has passed with nobody moving; tell both sides.

    Idempotent and safe to run late or early: only a dispute still at a step with a deadline,
    whose deadline has passed, moves, by a conditional update on its step and deadline (a
    seller answering at the same moment wins or loses as a whole). Return the escalated
    dispute, or None when nothing was due.
    """
    moment = now or timezone.now()
    dispute = (
        Dispute.objects.select_related("order__buyer", "order__shop__owner")
        .filter(pk=dispute_id)
        .first()
    )
    if (
        dispute is None
        or dispute.stage not in DISPUTE_DUE
        or dispute.due_at is None
        or dispute.due_at > moment
    ):
        return None
    if dispute.stage == DisputeStage.AWAITING_SELLER:
        why = reasons.seller_silent(settings.DISPUTE_SELLER_DAYS)
    else:
        why = reasons.staff_silent(settings.DISPUTE_DECIDE_DAYS)
    moved = Dispute.objects.filter(
        pk=dispute.pk, stage=dispute.stage, due_at=dispute.due_at, decision=""
    ).update(stage=DisputeStage.ESCALATED, escalated_at=moment, escalation_reason=why)
    if moved != 1:
        return None
    dispute.stage, dispute.escalated_at, dispute.escalation_reason = (
        DisputeStage.ESCALATED,
        moment,
        why,
    )
    dispute_escalated(dispute)
    return dispute


def dispute_escalate_due(*, now: datetime | None = None) -> int:
    """Escalate every dispute whose deadline has passed (the catch-up for lost tasks);
    return how many moved. Idempotent."""
    moment = now or timezone.now()
    due = Dispute.objects.filter(stage__in=DISPUTE_DUE, due_at__lte=moment).order_by("due_at", "pk")
    escalated = 0
    for dispute_id in list(due.values_list("pk", flat=True)):
        escalated += dispute_escalate(dispute_id=dispute_id, now=moment) is not None
    return escalated
