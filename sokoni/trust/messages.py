"""Buyer-seller messages: threads about a product (before buying) or an order.

Only the thread's buyer and the shop's owner write in a thread; a seller never starts one with
a stranger (threads are started by the buyer, or by either side of an order). Every message is
scanned by the extortion detector and its verdict stored. Rate limits are counted in the
database, so they hold across processes. Photos are checked before any is stored, and stored
last; anything stored is deleted again when the operation fails. The other side is texted
about a new message: at once when they have no web password (a feature-phone account), else
only when it is still unread after ``MESSAGE_SMS_NOTICE_MINUTES``. Staff read a thread only
when one of its messages is reported or its order is disputed, and every such read is logged.
Photos sent in messages are private (``core.images.private_folder``): only the thread's two
people, and staff on the same terms, get them (``web.views.private_photos``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Final

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from sokoni.accounts.models import User
from sokoni.catalog.models import Product
from sokoni.core.errors import NotFound
from sokoni.core.images import (
    StoredPhoto,
    check_photos,
    discard_photos,
    private_folder,
    store_photo,
)
from sokoni.core.tasks import defer
from sokoni.messaging.models import OutboundSms
from sokoni.orders.models import Dispute, Order
from sokoni.orders.notices import notify
from sokoni.trust import detector
from sokoni.trust.errors import (
    AlreadyReported,
    AttachmentInvalid,
    MessageAlreadyReported,
    MessageFlood,
    MessageInvalid,
    ReportDecided,
    ReviewInvalid,
    ThreadNotAllowed,
)
from sokoni.trust.locks import sender_qs_for_update
from sokoni.trust.models import (
    MAX_ATTACHMENTS,
    ExtortionReport,
    Message,
    MessageAttachment,
    MessageReport,
    Thread,
    ThreadAccess,
)
from sokoni.trust.services import _text as checked_text  # the reviews' text rule, shared
from sokoni.trust.services import report_extortion
from sokoni.trust.states import (
    AccessReason,
    MessageReportReason,
    MessageReportStatus,
    ReportStatus,
)
from sokoni.trust.tasks import message_notice_task

BUYER: Final = "buyer"
SELLER: Final = "seller"
OFF_PLATFORM_WARNING: Final = gettext_lazy(
    "Keep the conversation on Sokoni: payments and promises made elsewhere are not protected."
)
SMS_QUOTE_CHARS: Final = 80
# A staff member's logged read of a thread covers their reads of its photos for this long.
STAFF_READ_COVERS: Final = timedelta(hours=1)
# A notice still not sent this long after it was due has lost its task: the sweep sends it.
NOTICE_LOST_AFTER: Final = timedelta(minutes=5)
# A message older than this gets no late notice (the sweep looks no further back).
NOTICE_SWEEP_WINDOW: Final = timedelta(days=2)
# Unread thread sides the sweep looks up together (it takes all of them, a page at a time).
NOTICE_SWEEP_PAGE: Final = 200


def role_in(thread: Thread, user_id: int) -> str | None:
    """``"buyer"`` or ``"seller"`` for the two people in a thread, else None."""
    if thread.buyer_id == user_id:
        return BUYER
    if thread.shop.owner_id == user_id:
        return SELLER
    return None


def _participant_thread(user: User, thread_id: int) -> Thread:
    thread = (
        Thread.objects.select_related("shop__owner", "buyer")
        .filter(Q(buyer=user) | Q(shop__owner=user), pk=thread_id)
        .first()
    )
    if thread is None:
        raise NotFound(field="thread")
    return thread


def _body(body: object, *, images: Sequence[bytes]) -> str:
    """The reviews' text rule (strip, at most 2,000 characters, no control or bidi override
    characters), except that a message holding photos may have no text."""
    value = str(body or "").strip()
    if not value and images:
        return ""
    try:
        return checked_text(value)
    except ReviewInvalid as error:
        raise MessageInvalid(error.message, field="body") from error


def _check_images(images: Sequence[bytes]) -> None:
    """Open every photo before anything is stored, so one bad file stores nothing."""
    try:
        check_photos(images, MAX_ATTACHMENTS)
    except ValidationError as error:
        raise AttachmentInvalid(error.messages[0], field="images") from error


def _check_rate(sender: User, *, new_thread: bool, now: datetime) -> None:
    """Refuse a message past the sender's limits. The caller holds the sender's row lock, so
    concurrent sends by one person are counted one after the other."""
    recent = Message.objects.filter(sender=sender, created_at__gt=now - timedelta(minutes=10))
    if recent.count() >= settings.MESSAGE_RATE_PER_10_MIN:
        raise MessageFlood(field="body")
    if new_thread:
        started = Thread.objects.filter(buyer=sender, created_at__gt=now - timedelta(days=1))
        if started.count() >= settings.THREAD_RATE_PER_DAY:
            raise MessageFlood(
                _("You have started too many conversations today. Try again tomorrow."),
                field="body",
            )


def _attach(message: Message, images: Sequence[bytes], stored: list[StoredPhoto]) -> None:
    """Store the checked photos (last, once every row is written) and record where; the
    caller deletes what ``stored`` holds if its transaction does not commit."""
    for data in images:
        try:
            stored.append(store_photo(data, private_folder(f"messages/{message.thread_id}")))
        except ValidationError as error:
            raise AttachmentInvalid(error.messages[0], field="images") from error
    MessageAttachment.objects.bulk_create(
        MessageAttachment(message=message, key=p.key, width=p.width, height=p.height)
        for p in stored
    )


def _other_side(thread: Thread, sender_id: int) -> tuple[User, str, datetime | None]:
    """Whom a message from ``sender_id`` is for: the person, their role and their read mark."""
    if role_in(thread, sender_id) == BUYER:
        return thread.shop.owner, SELLER, thread.seller_read_at
    return thread.buyer, BUYER, thread.buyer_read_at


def _notice_text(message: Message, thread: Thread, language: str) -> str:
    if message.sender_id == thread.shop.owner_id:
        name = thread.shop.name
    else:
        name = thread.buyer.name or _("a buyer")
    # "..." rather than an ellipsis character, which would make the whole text UCS-2.
    quote = message.body and Truncator(message.body).chars(SMS_QUOTE_CHARS, truncate="...")
    # The SMS keyword in the reader's language: it must be one of Command.REPLY's words in
    # channels.sms_commands (a test checks every language).
    word = pgettext("SMS keyword", "REPLY")
    return _(
        'Sokoni: message from %(name)s: "%(text)s" To answer by SMS, send: %(word)s %(number)s '
        "and your answer."
    ) % {"name": name, "text": quote or _("a photo"), "word": word, "number": thread.pk}


def _tell_the_other_side(message: Message, thread: Thread, now: datetime) -> None:
    """A feature-phone account (no web password) is texted at once, every message; anyone
    else only if the message is still unread after MESSAGE_SMS_NOTICE_MINUTES."""
    recipient, _role, _read = _other_side(thread, message.sender_id)
    if not recipient.has_usable_password():
        notify(recipient, partial(_notice_text, message, thread), f"message:{message.pk}")
        return
    minutes = settings.MESSAGE_SMS_NOTICE_MINUTES
    defer(message_notice_task, message.pk, run_after=now + timedelta(minutes=minutes))


def _post(
    thread: Thread,
    sender: User,
    text: str,
    images: Sequence[bytes],
    now: datetime,
    stored: list[StoredPhoto],
) -> Message:
    """Write a checked message into ``thread`` with its photos; the sender has read the
    thread up to it; the other side is told."""
    finding = detector.scan(text, sender.language or None) if text else None
    message = Message.objects.create(
        thread=thread,
        sender=sender,
        body=text,
        created_at=now,
        off_platform=bool(finding and finding.off_platform),
        extortion_suspected=bool(finding and finding.extortion),
        score=finding.score if finding else 0.0,
        signals=list(finding.signals) if finding else [],
    )
    mark = "buyer_read_at" if role_in(thread, sender.pk) == BUYER else "seller_read_at"
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now, **{mark: now})
    thread.last_message_at = now
    setattr(thread, mark, now)
    _tell_the_other_side(message, thread, now)
    _attach(message, images, stored)
    return message


def _writing(
    write: Callable[[list[StoredPhoto]], Message],
) -> Message:
    """Run ``write`` in a transaction; photos it stored are deleted unless it commits."""
    stored: list[StoredPhoto] = []
    try:
        with transaction.atomic():
            return write(stored)
    except BaseException:
        discard_photos(stored)
        raise


def thread_start(
    *,
    sender: User,
    product_id: int | None = None,
    order_id: int | None = None,
    body: object,
    images: Sequence[bytes] = (),
) -> Message:
    """Send the first message about a product (the sender is the buyer) or an order (either
    side of it), opening the thread; a thread on that subject already there gets the message.

    Two buyers' clicks racing on one product make one thread: the unique constraint refuses
    the second insert and the second message joins the first thread.
    """
    if product_id is not None and order_id is None:
        product = (
            Product.objects.select_related("shop__owner").filter(pk=product_id, is_listed=True)
        ).first()
        if product is None:
            raise NotFound(field="product")
        if product.shop.owner_id == sender.pk:
            raise ThreadNotAllowed(field="product")
        shop, buyer, order = product.shop, sender, None
        subject: dict[str, object] = {"buyer": sender, "shop": shop, "product": product}
    elif order_id is not None and product_id is None:
        order = (
            Order.objects.select_related("shop__owner", "buyer")
            .filter(Q(buyer=sender) | Q(shop__owner=sender), pk=order_id)
            .first()
        )
        if order is None:
            raise NotFound(field="order")
        shop, buyer, product = order.shop, order.buyer, None
        subject = {"order": order}
    else:
        raise ThreadNotAllowed(field="subject")
    text = _body(body, images=images)
    _check_images(images)

    def write(stored: list[StoredPhoto]) -> Message:
        sender_qs_for_update(sender.pk).first()
        now = timezone.now()
        found = Thread.objects.select_related("shop__owner", "buyer").filter(**subject).first()
        _check_rate(sender, new_thread=found is None and sender.pk == buyer.pk, now=now)
        if found is None:
            try:
                with transaction.atomic():
                    found = Thread.objects.create(
                        shop=shop,
                        buyer=buyer,
                        product=product,
                        order=order,
                        created_at=now,
                        last_message_at=now,
                    )
            except IntegrityError:
                found = Thread.objects.select_related("shop__owner", "buyer").get(**subject)
        return _post(found, sender, text, images, now, stored)

    return _writing(write)


def message_send(
    *, sender: User, thread_id: int, body: object, images: Sequence[bytes] = ()
) -> Message:
    """Send a message in a thread the sender is in (its buyer or the shop's owner)."""
    thread = _participant_thread(sender, thread_id)
    text = _body(body, images=images)
    _check_images(images)

    def write(stored: list[StoredPhoto]) -> Message:
        sender_qs_for_update(sender.pk).first()
        now = timezone.now()
        _check_rate(sender, new_thread=False, now=now)
        return _post(thread, sender, text, images, now, stored)

    return _writing(write)


@transaction.atomic
def thread_mark_read(*, user: User, thread_id: int, now: datetime | None = None) -> Thread:
    """The user has read the thread up to now (their messages' "Read" ticks for the other
    side, and the unread mark in their inbox). Writes only when something was unread."""
    thread = _participant_thread(user, thread_id)
    moment = now or timezone.now()
    mark = "buyer_read_at" if role_in(thread, user.pk) == BUYER else "seller_read_at"
    unread = Q(**{f"{mark}__isnull": True}) | Q(**{f"{mark}__lt": F("last_message_at")})
    if Thread.objects.filter(unread, pk=thread.pk).update(**{mark: moment}):
        setattr(thread, mark, moment)
    return thread


def message_notice_due(*, message_id: int) -> bool:
    """Text the recipient of a message still unread after MESSAGE_SMS_NOTICE_MINUTES; at
    most one text per thread until they read it again (the key names their read mark).
    Idempotent: a run for a read message, or a second run, queues nothing."""
    message = (
        Message.objects.select_related("thread__shop__owner", "thread__buyer")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return False
    thread = message.thread
    recipient, role, read_at = _other_side(thread, message.sender_id)
    if not recipient.has_usable_password():
        return False  # texted when the message came
    if read_at is not None and read_at >= message.created_at:
        return False
    notify(recipient, partial(_notice_text, message, thread), _notice_key(thread, role, read_at))
    return True


def _notice_key(thread: Thread, role: str, read_at: datetime | None) -> str:
    """The outbox key of a notice: one per thread and reader until they read it again."""
    since = read_at.isoformat() if read_at is not None else "never"
    return f"thread:{thread.pk}:{role}:{since}"


def message_notices_due(*, now: datetime | None = None) -> int:
    """Text the readers of messages whose notice task was lost (``manage.py notices_due``, a
    sweep of the clock); return how many notices were queued.

    Taken: a message still unread ``NOTICE_LOST_AFTER`` past its notice time, sent in the last
    ``NOTICE_SWEEP_WINDOW`` to someone with a password (feature-phone accounts are texted when
    the message comes), whose thread has had no notice to that reader since they last read it
    (the outbox key of ``message_notice_due``). The first such message of each thread and
    sender is the one the notice quotes, as its own task would have. Every unread thread side
    is looked at, a page at a time (however many were already told), and safe beside a late
    task and a second sweep: the outbox key is unique, so a notice is queued once.
    """
    moment = now or timezone.now()
    due_by = moment - timedelta(minutes=settings.MESSAGE_SMS_NOTICE_MINUTES) - NOTICE_LOST_AFTER
    no_password = UNUSABLE_PASSWORD_PREFIX  # a feature-phone account's (texted at once)
    to_seller = Q(sender=F("thread__buyer")) & ~Q(
        thread__shop__owner__password__startswith=no_password
    )
    to_buyer = Q(sender=F("thread__shop__owner")) & ~Q(
        thread__buyer__password__startswith=no_password
    )
    unread = (
        to_seller
        & (Q(thread__seller_read_at__isnull=True) | Q(thread__seller_read_at__lt=F("created_at")))
    ) | (
        to_buyer
        & (Q(thread__buyer_read_at__isnull=True) | Q(thread__buyer_read_at__lt=F("created_at")))
    )
    candidates = Message.objects.filter(unread, created_at__lte=due_by).filter(
        created_at__gt=moment - NOTICE_SWEEP_WINDOW
    )
    sides = list(
        candidates.order_by("thread_id", "sender_id")
        .values_list("thread_id", "sender_id")
        .distinct()
    )
    queued = 0
    for start in range(0, len(sides), NOTICE_SWEEP_PAGE):
        page = sides[start : start + NOTICE_SWEEP_PAGE]
        threads = Thread.objects.select_related("shop__owner", "buyer").in_bulk(
            {thread_id for thread_id, _sender in page}
        )
        keys = {}
        for thread_id, sender_id in page:
            _recipient, role, read_at = _other_side(threads[thread_id], sender_id)
            keys[thread_id, sender_id] = _notice_key(threads[thread_id], role, read_at)
        told = set(
            OutboundSms.objects.filter(dedupe_key__in=keys.values()).values_list(
                "dedupe_key", flat=True
            )
        )
        for (thread_id, sender_id), key in keys.items():
            if key in told:
                continue
            message = (
                candidates.filter(thread_id=thread_id, sender_id=sender_id)
                .order_by("created_at", "pk")
                .first()
            )
            if message is None:  # read meanwhile
                continue
            message_notice_due(message_id=message.pk)
            queued += OutboundSms.objects.filter(dedupe_key=key).exists()
    return queued


# -- reports and staff -------------------------------------------------------------------------


def _details(text: object, field: str) -> str:
    value = str(text or "").strip()
    if not value:
        return ""
    try:
        return checked_text(value)
    except ReviewInvalid as error:
        raise MessageInvalid(error.message, field=field) from error


@transaction.atomic
def message_report(
    *, reporter: User, message_id: int, reason: object, details: object = ""
) -> MessageReport:
    """Report a message the other side sent. Staff may then read the thread. A seller's
    report of extortion also files an extortion report against the buyer (their reviews of
    the shop are held until staff decide). One report per message and person."""
    message = (
        Message.objects.select_related("thread__shop")
        .filter(Q(thread__buyer=reporter) | Q(thread__shop__owner=reporter), pk=message_id)
        .exclude(sender=reporter)
        .first()
    )
    if message is None:
        raise NotFound(field="message")
    if reason not in MessageReportReason.values:
        raise MessageInvalid(_("Choose why you report this message."), field="reason")
    words = _details(details, "details")
    if MessageReport.objects.filter(message=message, reporter=reporter).exists():
        raise MessageAlreadyReported(field="message")
    try:
        with transaction.atomic():
            report = MessageReport.objects.create(
                message=message, reporter=reporter, reason=str(reason), details=words
            )
    except IntegrityError as error:
        raise MessageAlreadyReported(field="message") from error
    if reason == MessageReportReason.EXTORTION and message.thread.shop.owner_id == reporter.pk:
        try:
            with transaction.atomic():
                report_extortion(
                    seller=reporter,
                    message_id=message.pk,
                    details=words or message.body or _("Reported from a message with a photo."),
                )
        except AlreadyReported:
            pass  # the open report on this buyer stands; this message is more evidence for it
    return report


@transaction.atomic
def message_report_decide(*, staff: User, report_id: int, note: object = "") -> MessageReport:
    """Staff close a report of a message (with a note); the thread is no longer open to staff
    on its account."""
    if not staff.is_staff:
        raise NotFound(field="report")
    report = MessageReport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound(field="report")
    words = _details(note, "note")
    moment = timezone.now()
    moved = MessageReport.objects.filter(pk=report.pk, status=MessageReportStatus.OPEN).update(
        status=MessageReportStatus.CLOSED, decided_by=staff, decided_at=moment, decision_note=words
    )
    if moved != 1:
        raise ReportDecided(field="report")
    report.status, report.decided_by, report.decided_at = MessageReportStatus.CLOSED, staff, moment
    report.decision_note = words
    return report


def _staff_reason(thread: Thread) -> str | None:
    """Why staff may read a private thread now, or None: a message in it is reported (open
    report), the shop has an open extortion report on its buyer, or its order is under an
    undecided dispute."""
    if (
        MessageReport.objects.filter(
            message__thread=thread, status=MessageReportStatus.OPEN
        ).exists()
        or ExtortionReport.objects.filter(
            shop_id=thread.shop_id, buyer_id=thread.buyer_id, status=ReportStatus.OPEN
        ).exists()
    ):
        return AccessReason.REPORTED
    if (
        thread.order_id is not None
        and Dispute.objects.filter(order_id=thread.order_id, decision="").exists()
    ):
        return AccessReason.DISPUTE
    return None


@transaction.atomic
def thread_for_staff(*, staff: User, thread_id: int) -> Thread:
    """A private thread for staff, only while a message in it is reported (open report), the
    shop has an open extortion report on its buyer, or its order is under an undecided dispute;
    each read is logged. NotFound otherwise."""
    if not staff.is_staff:
        raise NotFound(field="thread")
    thread = (
        Thread.objects.select_related("shop__owner", "buyer", "product", "order")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise NotFound(field="thread")
    why = _staff_reason(thread)
    if why is None:
        raise NotFound(field="thread")
    ThreadAccess.objects.create(staff=staff, thread=thread, why=why)
    return thread


@transaction.atomic
def attachment_for_staff(
    *, staff: User, attachment_id: int, now: datetime | None = None
) -> MessageAttachment:
    """A photo sent in a private thread, for staff, on the same terms as ``thread_for_staff``
    (NotFound otherwise). The read is logged like the thread's, except when this staff
    member's read of the thread was logged in the last STAFF_READ_COVERS: opening the thread
    logs one read, and its photos loading with the page add no rows."""
    if not staff.is_staff:
        raise NotFound(field="photo")
    attachment = (
        MessageAttachment.objects.select_related("message__thread").filter(pk=attachment_id).first()
    )
    if attachment is None:
        raise NotFound(field="photo")
    thread = attachment.message.thread
    why = _staff_reason(thread)
    if why is None:
        raise NotFound(field="photo")
    moment = now or timezone.now()
    logged = ThreadAccess.objects.filter(
        staff=staff, thread=thread, at__gt=moment - STAFF_READ_COVERS
    )
    if not logged.exists():
        ThreadAccess.objects.create(staff=staff, thread=thread, at=moment, why=why)
    return attachment
