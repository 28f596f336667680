"""Buyer-seller messages: who may write, one thread per subject, read receipts, photos, text
rules, rate limits, the detector's verdict, reports (and extortion reports), staff access with
its log, and SMS notices."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.catalog.tests.images import bomb_bytes, png_bytes
from sokoni.core.errors import NotFound
from sokoni.core.tests import storage
from sokoni.messaging.models import OutboundSms
from sokoni.orders.services.lifecycle import order_confirm_receipt
from sokoni.orders.tests.factories import (
    disputed_order,
    frozen,
    later,
    run_tasks_at,
    shipped_order,
)
from sokoni.trust import messages
from sokoni.trust.errors import (
    AttachmentInvalid,
    MessageAlreadyReported,
    MessageFlood,
    MessageInvalid,
    ReportDecided,
    ThreadNotAllowed,
)
from sokoni.trust.messages import (
    NOTICE_SWEEP_WINDOW,
    message_notice_due,
    message_report,
    message_report_decide,
    message_send,
    thread_for_staff,
    thread_mark_read,
    thread_start,
)
from sokoni.trust.models import (
    ExtortionReport,
    Message,
    MessageAttachment,
    MessageReport,
    Review,
    Thread,
    ThreadAccess,
)
from sokoni.trust.services import review_create

pytestmark = pytest.mark.django_db

EXTORTION = "Pay me KES 1000 and I will give 5 stars"
OFF_PLATFORM = "Call me on WhatsApp +254 712 345 678"


def ask(product=None, buyer=None, body="Is it still available?", images=()):
    product = product or ProductFactory()
    buyer = buyer or UserFactory()
    return thread_start(sender=buyer, product_id=product.pk, body=body, images=images)


def stored_files(folder="private/messages"):
    return storage.stored_files(folder)


@pytest.fixture(autouse=True)
def _no_photos_yet():
    """The in-memory storage lives as long as the process: start each test empty."""
    storage.empty_folder("private/messages")


def nothing_stored():
    return (
        Thread.objects.count(),
        Message.objects.count(),
        MessageAttachment.objects.count(),
        len(stored_files()),
    )


# -- who may write ------------------------------------------------------------------------------


def test_a_buyer_asks_about_a_product_and_the_seller_answers():
    """The buyer's question opens a thread with the shop; the owner answers in it."""
    # given
    product = ProductFactory()
    buyer = UserFactory()
    # when
    first = thread_start(sender=buyer, product_id=product.pk, body="  Is it still available? ")
    answer = message_send(sender=product.shop.owner, thread_id=first.thread_id, body="Yes.")
    # then
    thread = Thread.objects.get()
    assert (thread.buyer, thread.shop, thread.product, thread.order) == (
        buyer,
        product.shop,
        product,
        None,
    )
    assert [m.body for m in thread.messages.all()] == ["Is it still available?", "Yes."]
    assert thread.last_message_at == answer.created_at
    assert thread.seller_read_at == answer.created_at
    assert thread.buyer_read_at == first.created_at


def test_a_stranger_can_neither_read_write_nor_mark_a_thread():
    """Anyone but the buyer and the shop's owner gets not-found, and nothing is stored."""
    first = ask()
    stranger = UserFactory()
    with pytest.raises(NotFound):
        message_send(sender=stranger, thread_id=first.thread_id, body="Hello")
    with pytest.raises(NotFound):
        thread_mark_read(user=stranger, thread_id=first.thread_id)
    with pytest.raises(NotFound):
        message_report(reporter=stranger, message_id=first.pk, reason="spam")
    assert Message.objects.count() == 1
    assert MessageReport.objects.count() == 0


def test_a_seller_cannot_start_a_thread_with_a_stranger():
    """Product threads are the buyer's; a seller cannot ask about their own product, nor open
    a thread on another shop's order."""
    product = ProductFactory()
    with pytest.raises(ThreadNotAllowed):
        thread_start(sender=product.shop.owner, product_id=product.pk, body="Buy my basket!")
    with pytest.raises(ThreadNotAllowed):
        thread_start(sender=UserFactory(), body="Hello")
    assert Thread.objects.count() == 0


def test_either_side_of_an_order_may_start_its_thread_but_no_one_else(tasks):
    """The seller may write first about an order; a stranger's or another seller's try is
    not-found."""
    # given
    order = shipped_order(tasks)
    other_seller = ProductFactory().shop.owner
    # when
    with pytest.raises(NotFound):
        thread_start(sender=other_seller, order_id=order.pk, body="Hello")
    message = thread_start(sender=order.shop.owner, order_id=order.pk, body="Sent today.")
    reply = thread_start(sender=order.buyer, order_id=order.pk, body="Thanks!")
    # then
    thread = Thread.objects.get()
    assert (thread.buyer, thread.order, thread.product) == (order.buyer, order, None)
    assert message.thread_id == reply.thread_id == thread.pk


def test_one_thread_per_product_and_buyer_and_one_per_order(tasks):
    """Asking again about a product continues the same thread; an order has its own thread,
    even for the same buyer and product; the database refuses a second of either."""
    # given
    order = shipped_order(tasks)
    product = order.lines.get().product
    # when
    a = ask(product, order.buyer, "First question")
    b = ask(product, order.buyer, "Second question")
    c = thread_start(sender=order.buyer, order_id=order.pk, body="About my order")
    # then
    assert a.thread_id == b.thread_id != c.thread_id
    assert Thread.objects.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(shop=product.shop, buyer=order.buyer, product=product)
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(shop=product.shop, buyer=order.buyer, order=order)


def test_a_thread_has_exactly_one_subject(tasks):
    """Neither a product nor an order, or both: refused by the database."""
    order = shipped_order(tasks)
    product = order.lines.get().product
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(shop=order.shop, buyer=order.buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(shop=order.shop, buyer=order.buyer, product=product, order=order)


def test_an_unlisted_product_cannot_be_asked_about():
    product = ProductFactory(is_published=False)
    with pytest.raises(NotFound):
        ask(product)
    assert Thread.objects.count() == 0


# -- read receipts ------------------------------------------------------------------------------


def test_opening_a_thread_marks_it_read_for_the_reader_only():
    """The seller's read mark covers the buyer's message ("Read"); the buyer's mark is theirs."""
    # given
    first = ask()
    thread = first.thread
    owner = thread.shop.owner
    assert thread.seller_read_at is None
    # when
    thread_mark_read(user=owner, thread_id=thread.pk, now=later(minutes=5))
    # then
    thread.refresh_from_db()
    assert thread.seller_read_at >= first.created_at
    assert thread.buyer_read_at == first.created_at


def test_reading_again_writes_nothing_when_nothing_is_new(django_assert_num_queries):
    first = ask()
    owner = first.thread.shop.owner
    thread_mark_read(user=owner, thread_id=first.thread_id)
    before = Thread.objects.get().seller_read_at
    thread_mark_read(user=owner, thread_id=first.thread_id, now=later(minutes=5))
    assert Thread.objects.get().seller_read_at == before


# -- text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "x" * 2001,
        "Pay \u202eKES 0001\u202c now",
        "Hidden \u2066isolate\u2069 text",
        "Bell \x07 character",
    ],
)
def test_bad_text_is_refused_and_nothing_stored(body):
    """Empty (without a photo), too long, bidi overrides or isolates, control characters."""
    product = ProductFactory()
    with pytest.raises(MessageInvalid) as caught:
        ask(product, body=body)
    assert caught.value.code == "trust.message_invalid"
    assert caught.value.field == "body"
    assert nothing_stored() == (0, 0, 0, 0)


def test_script_tags_are_stored_as_written():
    """Text is data: stored as written, escaped where shown (see the page tests)."""
    message = ask(body="<script>alert(1)</script>")
    assert message.body == "<script>alert(1)</script>"


# -- photos ---------------------------------------------------------------------------------------


def test_up_to_three_photos_are_stored_and_a_photo_alone_is_a_message():
    # when
    message = ask(body="", images=[png_bytes(), png_bytes(32, 32), png_bytes()])
    # then
    assert message.body == ""
    photos = list(message.attachments.order_by("pk"))
    assert [(p.width, p.height) for p in photos] == [(64, 48), (32, 32), (64, 48)]
    assert all(p.key.startswith(f"private/messages/{message.thread_id}/") for p in photos)
    assert len(stored_files()) == 9  # three renditions each


@pytest.mark.parametrize(
    ("images", "words"),
    [
        ([png_bytes()] * 4, "at most 3 photos"),
        ([png_bytes(), b"just some text, renamed photo.jpg"], "not a photo we can read"),
        ([png_bytes(), bomb_bytes()], "too many pixels"),
    ],
)
def test_bad_photos_refuse_the_message_and_store_nothing(images, words):
    """Four photos, a text file named .jpg, a decompression bomb: nothing at all is stored."""
    with pytest.raises(AttachmentInvalid) as caught:
        ask(images=images)
    assert caught.value.code == "trust.attachment_invalid"
    assert words in str(caught.value.message)
    assert nothing_stored() == (0, 0, 0, 0)


def test_an_oversized_photo_is_refused_and_nothing_stored(settings):
    settings.IMAGE_MAX_BYTES = 1000
    with pytest.raises(AttachmentInvalid) as caught:
        ask(images=[png_bytes(8, 8), png_bytes(600, 600, colour="red") + bytes(2000)])
    assert "too big" in str(caught.value.message)
    assert nothing_stored() == (0, 0, 0, 0)


def test_photos_stored_before_a_failure_are_deleted(monkeypatch):
    """If writing fails after the photos were stored, their files are removed again."""
    from sokoni.trust import messages

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(messages.MessageAttachment.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        ask(images=[png_bytes(), png_bytes()])
    assert nothing_stored() == (0, 0, 0, 0)


# -- rate limits ----------------------------------------------------------------------------------


def test_the_twenty_first_message_in_ten_minutes_is_refused(settings):
    """20 messages pass; the 21st is a flood: refused with its code, nothing stored."""
    settings.MESSAGE_RATE_PER_10_MIN = 20
    first = ask()
    for n in range(19):
        message_send(sender=first.sender, thread_id=first.thread_id, body=f"Message {n}")
    with pytest.raises(MessageFlood) as caught:
        message_send(
            sender=first.sender, thread_id=first.thread_id, body="One more", images=[png_bytes()]
        )
    assert caught.value.code == "trust.message_flood"
    assert Message.objects.count() == 20
    assert MessageAttachment.objects.count() == 0
    assert stored_files() == set()


def test_messages_older_than_ten_minutes_do_not_count(settings):
    settings.MESSAGE_RATE_PER_10_MIN = 2
    first = ask()
    message_send(sender=first.sender, thread_id=first.thread_id, body="Two")
    Message.objects.update(created_at=later(minutes=-11))
    message_send(sender=first.sender, thread_id=first.thread_id, body="Three")
    assert Message.objects.count() == 3


def test_the_eleventh_new_thread_in_a_day_is_refused(settings):
    settings.THREAD_RATE_PER_DAY = 10
    buyer = UserFactory()
    for _ in range(10):
        ask(buyer=buyer)
    product = ProductFactory()
    with pytest.raises(MessageFlood):
        ask(product, buyer)
    assert Thread.objects.count() == 10
    assert Message.objects.count() == 10


# -- the detector's verdict -----------------------------------------------------------------------


def test_off_platform_and_extortion_verdicts_are_stored():
    off = ask(body=OFF_PLATFORM)
    demand = ask(body=EXTORTION)
    plain = ask()
    assert (off.off_platform, off.extortion_suspected) == (True, False)
    assert "phone_number" in off.signals
    assert (demand.off_platform, demand.extortion_suspected) == (False, True)
    assert demand.score > 0.5
    assert (plain.off_platform, plain.extortion_suspected, plain.score) == (False, False, 0.0)


# -- reports -------------------------------------------------------------------------------------


def completed(tasks):
    order = shipped_order(tasks)
    return order_confirm_receipt(order=order, actor=order.buyer)


def test_a_seller_reporting_extortion_files_an_extortion_report_and_holds_reviews(tasks):
    """The report names the thread's buyer and shop and carries the message as evidence; the
    buyer's reviews of the shop are held."""
    # given
    order = completed(tasks)
    review = review_create(
        buyer=order.buyer, line_id=order.lines.get().pk, rating=1, text="Bad seller."
    )
    demand = thread_start(sender=order.buyer, order_id=order.pk, body=EXTORTION)
    assert demand.extortion_suspected
    # when
    report = message_report(reporter=order.shop.owner, message_id=demand.pk, reason="extortion")
    # then
    assert (report.reason, report.status) == ("extortion", "open")
    assert report.reporter == order.shop.owner
    filed = ExtortionReport.objects.get()
    assert (filed.shop_id, filed.buyer_id, filed.order_id, filed.message_id) == (
        order.shop_id,
        order.buyer_id,
        order.pk,
        demand.pk,
    )
    assert filed.details == EXTORTION
    assert Review.objects.get(pk=review.pk).status == "held"


def test_a_buyer_reporting_a_message_files_no_extortion_report():
    first = ask()
    answer = message_send(sender=first.thread.shop.owner, thread_id=first.thread_id, body="Rude")
    report = message_report(
        reporter=first.sender, message_id=answer.pk, reason="abuse", details="Insulting."
    )
    assert (report.reason, report.details) == ("abuse", "Insulting.")
    assert ExtortionReport.objects.count() == 0


def test_reporting_the_same_message_twice_is_refused_politely():
    first = ask(body=EXTORTION)
    owner = first.thread.shop.owner
    message_report(reporter=owner, message_id=first.pk, reason="extortion")
    with pytest.raises(MessageAlreadyReported) as caught:
        message_report(reporter=owner, message_id=first.pk, reason="spam")
    assert caught.value.code == "trust.message_already_reported"
    assert MessageReport.objects.count() == 1
    assert ExtortionReport.objects.count() == 1


def test_a_second_extortion_message_adds_evidence_to_the_open_report():
    """The buyer keeps demanding: each message the seller reports is kept for staff, and the
    one open extortion report on that buyer stands (no error, no second report)."""
    first = ask(body=EXTORTION)
    owner = first.thread.shop.owner
    again = message_send(sender=first.sender, thread_id=first.thread_id, body=EXTORTION)
    message_report(reporter=owner, message_id=first.pk, reason="extortion")
    message_report(reporter=owner, message_id=again.pk, reason="extortion")
    assert MessageReport.objects.count() == 2
    assert ExtortionReport.objects.get().message_id == first.pk


def test_ones_own_message_cannot_be_reported_nor_with_a_made_up_reason():
    first = ask()
    with pytest.raises(NotFound):
        message_report(reporter=first.sender, message_id=first.pk, reason="spam")
    with pytest.raises(MessageInvalid):
        message_report(reporter=first.thread.shop.owner, message_id=first.pk, reason="boring")
    with pytest.raises(MessageInvalid):
        message_report(
            reporter=first.thread.shop.owner,
            message_id=first.pk,
            reason="spam",
            details="\u202eevil",
        )
    assert MessageReport.objects.count() == 0


def test_staff_close_a_report_once():
    first = ask(body="Buy cheap watches")
    report = message_report(reporter=first.thread.shop.owner, message_id=first.pk, reason="spam")
    staff = StaffFactory()
    with pytest.raises(NotFound):
        message_report_decide(staff=UserFactory(), report_id=report.pk, note="No.")
    closed = message_report_decide(staff=staff, report_id=report.pk, note="Warned the buyer.")
    assert (closed.status, closed.decided_by, closed.decision_note) == (
        "closed",
        staff,
        "Warned the buyer.",
    )
    with pytest.raises(ReportDecided):
        message_report_decide(staff=staff, report_id=report.pk, note="Again.")


# -- staff access ----------------------------------------------------------------------------------


def test_staff_cannot_read_a_thread_nobody_reported():
    """Private unless reported or disputed: not-found, and nothing logged."""
    first = ask()
    with pytest.raises(NotFound):
        thread_for_staff(staff=StaffFactory(), thread_id=first.thread_id)
    assert ThreadAccess.objects.count() == 0


def test_staff_reading_a_reported_thread_is_logged():
    # given
    first = ask(body=EXTORTION)
    message_report(reporter=first.thread.shop.owner, message_id=first.pk, reason="extortion")
    staff = StaffFactory()
    # when
    thread = thread_for_staff(staff=staff, thread_id=first.thread_id)
    thread_for_staff(staff=staff, thread_id=first.thread_id)
    # then
    assert thread.pk == first.thread_id
    assert list(ThreadAccess.objects.values_list("staff_id", "thread_id", "why")) == [
        (staff.pk, thread.pk, "reported"),
        (staff.pk, thread.pk, "reported"),
    ]
    with pytest.raises(ValueError, match="append-only"):
        ThreadAccess.objects.first().delete()


def test_a_closed_report_closes_the_thread_to_staff_again_and_non_staff_never_see_it():
    first = ask(body=EXTORTION)
    report = message_report(reporter=first.thread.shop.owner, message_id=first.pk, reason="spam")
    with pytest.raises(NotFound):
        thread_for_staff(staff=UserFactory(), thread_id=first.thread_id)
    message_report_decide(staff=StaffFactory(), report_id=report.pk)
    with pytest.raises(NotFound):
        thread_for_staff(staff=StaffFactory(), thread_id=first.thread_id)
    assert ThreadAccess.objects.count() == 0


def test_staff_may_read_the_thread_of_a_disputed_order(tasks):
    order = disputed_order(tasks)
    message = thread_start(sender=order.buyer, order_id=order.pk, body="Where is it?")
    staff = StaffFactory()
    thread_for_staff(staff=staff, thread_id=message.thread_id)
    assert ThreadAccess.objects.get().why == "dispute"


# -- SMS notices ------------------------------------------------------------------------------


def feature_phone_seller():
    product = ProductFactory()
    owner = product.shop.owner
    owner.set_unusable_password()
    owner.save()
    return product


def test_a_seller_without_a_smartphone_is_texted_at_once_in_their_language():
    # given
    product = feature_phone_seller()
    owner = product.shop.owner
    owner.language = "en"
    owner.save()
    buyer = UserFactory(name="Amina")
    # when
    message = ask(product, buyer, "Do you have a bigger basket? " + "x" * 100)
    # then
    sms = OutboundSms.objects.get()
    assert sms.to == owner.phone
    assert sms.dedupe_key == f"message:{message.pk}"
    assert "Amina" in sms.body
    assert "Do you have a bigger basket?" in sms.body
    assert "x" * 100 not in sms.body  # the first ~80 characters only
    assert f"REPLY {message.thread_id} and your answer" in sms.body


def test_others_are_texted_only_when_the_message_is_still_unread(tasks):
    """Nothing at once; after MESSAGE_SMS_NOTICE_MINUTES one text; a second unread message
    adds none; the task run twice adds none."""
    # given
    first = ask()
    message_send(sender=first.sender, thread_id=first.thread_id, body="Hello?")
    assert OutboundSms.objects.count() == 0
    assert tasks.names().count("message_notice_task") == 2
    # when
    run_tasks_at(tasks, later(minutes=61), only={"message_notice_task"})
    # then
    sms = OutboundSms.objects.get()
    assert sms.to == first.thread.shop.owner.phone
    assert message_notice_due(message_id=first.pk) is True  # deduplicated by its key
    assert OutboundSms.objects.count() == 1


def test_no_notice_when_the_message_was_read_in_time(tasks):
    first = ask()
    thread_mark_read(user=first.thread.shop.owner, thread_id=first.thread_id)
    run_tasks_at(tasks, later(minutes=61), only={"message_notice_task"})
    assert OutboundSms.objects.count() == 0
    assert message_notice_due(message_id=first.pk) is False


def test_a_new_notice_after_the_thread_was_read_again(tasks):
    """One text per thread until the recipient reads it; after reading, a new unread message
    may be told again."""
    first = ask()
    assert message_notice_due(message_id=first.pk) is True
    thread_mark_read(user=first.thread.shop.owner, thread_id=first.thread_id)
    second = message_send(
        sender=first.sender, thread_id=first.thread_id, body="Still there?", images=()
    )
    Message.objects.filter(pk=second.pk).update(created_at=later(minutes=1))
    assert message_notice_due(message_id=second.pk) is True
    assert OutboundSms.objects.count() == 2


# -- the clock's sweep: notices whose task was lost ------------------------------------------------


def notice_sweep(moment) -> str:
    """``manage.py notices_due`` at ``moment``, as the clock runs it; what it said."""
    out = StringIO()
    with frozen(moment):
        call_command("notices_due", stdout=out)
    return out.getvalue().strip()


def test_the_sweep_texts_an_unread_message_whose_notice_task_was_lost_once(tasks):
    """Five minutes past MESSAGE_SMS_NOTICE_MINUTES, a message still unread whose notice task
    was lost is told by the sweep, once, quoting the first unread message; a newer message
    waits for its own time; the lost task turning up late adds nothing."""
    # given
    start = timezone.now()
    first = ask(body="Is it still available?")
    with frozen(start + timedelta(minutes=1)):
        message_send(sender=first.sender, thread_id=first.thread_id, body="Hello?")
    with frozen(start + timedelta(minutes=30)):
        fresh = ask(body="Do you deliver to Nyeri?")
    tasks.clear()  # the queue lost the notice tasks
    # when: too early for all
    said = notice_sweep(start + timedelta(minutes=64))
    # then
    assert said == "queued 0 lost notice(s)"
    assert OutboundSms.objects.count() == 0
    # when: twice, later
    first_run = notice_sweep(start + timedelta(minutes=66))
    second_run = notice_sweep(start + timedelta(minutes=80))
    # then
    assert (first_run, second_run) == ("queued 1 lost notice(s)", "queued 0 lost notice(s)")
    sms = OutboundSms.objects.get()
    assert sms.to == first.thread.shop.owner.phone
    assert "Is it still available?" in sms.body
    assert sms.dedupe_key == f"thread:{first.thread_id}:seller:never"
    # when: the lost task turns up, and the fresh message's time comes
    with frozen(start + timedelta(minutes=81)):
        message_notice_due(message_id=first.pk)
    said = notice_sweep(start + timedelta(minutes=96))
    # then
    assert said == "queued 1 lost notice(s)"
    assert OutboundSms.objects.count() == 2
    assert OutboundSms.objects.filter(to=fresh.thread.shop.owner.phone, body__contains="Nyeri")
    assert notice_sweep(start + timedelta(minutes=120)) == "queued 0 lost notice(s)"


def test_the_sweep_leaves_read_old_and_feature_phone_messages_alone(tasks):
    """Nothing for a message read in time, one older than the sweep's window, or one to a
    feature-phone account (texted when it came)."""
    # given
    start = timezone.now()
    read = ask()
    thread_mark_read(user=read.thread.shop.owner, thread_id=read.thread_id)
    with frozen(start - NOTICE_SWEEP_WINDOW):
        ask()
    ask(feature_phone_seller())
    assert OutboundSms.objects.count() == 1  # the feature phone's, at once
    tasks.clear()
    # when
    said = notice_sweep(start + timedelta(minutes=70))
    # then
    assert said == "queued 0 lost notice(s)"
    assert OutboundSms.objects.count() == 1


def test_threads_already_told_do_not_hide_a_lost_notice_behind_them(tasks, monkeypatch):
    """More unread threads already told than the sweep looks up at once (its page): it goes on
    to the next page and finds the one whose notice was lost."""
    # given: three threads told by their own tasks, then one whose task was lost
    monkeypatch.setattr(messages, "NOTICE_SWEEP_PAGE", 2)
    start = timezone.now()
    for _ in range(3):
        told = ask()
        with frozen(start + timedelta(minutes=61)):
            message_notice_due(message_id=told.pk)
    lost = ask(body="Still there?")
    tasks.clear()
    assert OutboundSms.objects.count() == 3
    # when
    said = notice_sweep(start + timedelta(minutes=70))
    # then
    assert said == "queued 1 lost notice(s)"
    assert OutboundSms.objects.filter(to=lost.thread.shop.owner.phone, body__contains="Still")


# -- races (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sender_lock", [True, False])
def test_two_racing_first_questions_about_a_product_make_one_thread(sender_lock, monkeypatch):
    """Two clicks of "Ask the seller" at once: one thread, both messages in it, no error.
    Without the sender's row lock (which serialises one person's sends) the unique constraint
    refuses the second thread and its message joins the first."""
    from django.db import connection

    from sokoni.accounts.models import User
    from sokoni.orders.tests.test_races import race
    from sokoni.trust import messages

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    if not sender_lock:
        monkeypatch.setattr(messages, "sender_qs_for_update", lambda pk: User.objects.filter(pk=pk))
    # given
    product = ProductFactory()
    buyer = UserFactory()

    def first_question(text):
        return lambda: thread_start(sender=buyer, product_id=product.pk, body=text)

    # when
    outcomes = race(first_question("Is it fresh?"), first_question("How big is it?"))
    # then
    assert all(isinstance(outcome, Message) for outcome in outcomes), outcomes
    assert Thread.objects.count() == 1
    assert Message.objects.filter(thread=Thread.objects.get()).count() == 2
