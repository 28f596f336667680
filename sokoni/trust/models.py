"""Reviews of completed purchases, their edit history and the shop's one public reply;
extortion reports; buyer-seller message threads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sokoni.catalog.models import Product, Shop
from sokoni.core.models import AppendOnlyModel
from sokoni.orders.models import Order, OrderLine
from sokoni.trust.states import (
    AccessReason,
    MessageReportReason,
    MessageReportStatus,
    ReportStatus,
    ReviewStatus,
)

MAX_TEXT = 2000
MAX_PHOTOS = 3


class Review(models.Model):
    """One buyer's review of one line of a completed order (one review per line)."""

    line = models.OneToOneField(OrderLine, on_delete=models.PROTECT, related_name="review")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="reviews")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="reviews")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), max_length=MAX_TEXT)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    # Up to MAX_PHOTOS photos, each {"key", "width", "height"} of core.images.store_photo: on
    # the row, so that a page of reviews stays one query.
    photos = models.JSONField(_("photos"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status", "-created_at"], name="review_by_shop"),
            models.Index(fields=["product", "status", "-created_at"], name="review_by_product"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}* on line {self.line_id}"


class ReviewRevision(AppendOnlyModel):
    """What a review said before an edit: the history is kept, never rewritten."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="revisions")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), max_length=MAX_TEXT)
    written_at = models.DateTimeField(_("written"))
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)

    class Meta:
        verbose_name = _("review revision")
        verbose_name_plural = _("review revisions")
        ordering = ["review", "replaced_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id} before {self.replaced_at:%Y-%m-%d}"


class ReviewReply(models.Model):
    """The shop's one public answer to a review."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="reply")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reply"), max_length=MAX_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reply to a review")
        verbose_name_plural = _("replies to reviews")

    def __str__(self) -> str:
        return f"reply to {self.review_id}"


class ExtortionReport(models.Model):
    """A seller says a buyer demanded money, a refund outside a dispute or free goods for a
    rating. While it is open or upheld, that buyer's reviews of the shop are held; upheld, they
    are removed and the buyer's later reviews everywhere weigh less."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="extortion_reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="extortion_reports"
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True)
    # The message that carried the demand, shown to staff as evidence.
    message = models.ForeignKey(
        "trust.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    details = models.TextField(_("what happened"), max_length=MAX_TEXT)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=MAX_TEXT, blank=True)

    class Meta:
        verbose_name = _("extortion report")
        verbose_name_plural = _("extortion reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            # One open report per shop and buyer: a second one adds nothing but noise.
            models.UniqueConstraint(
                fields=["shop", "buyer"],
                condition=models.Q(status=ReportStatus.OPEN),
                name="report_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["shop", "buyer", "status"], name="report_by_pair")]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.buyer_id}"


# -- messages --------------------------------------------------------------------------------

MAX_ATTACHMENTS = 3


class Thread(models.Model):
    """A private conversation between a buyer and a shop about one subject: a product before
    buying, or an order. One thread per (buyer, shop, product) and one per order."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="threads")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    # Each side has read every message sent up to this moment (read receipts, unread marks).
    buyer_read_at = models.DateTimeField(null=True, blank=True)
    seller_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(product__isnull=False, order__isnull=True)
                | models.Q(product__isnull=True, order__isnull=False),
                name="thread_one_subject",
            ),
            models.UniqueConstraint(
                fields=["buyer", "shop", "product"],
                condition=models.Q(product__isnull=False),
                name="thread_one_per_product",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(order__isnull=False),
                name="thread_one_per_order",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-last_message_at"], name="thread_by_buyer"),
            models.Index(fields=["shop", "-last_message_at"], name="thread_by_shop"),
            models.Index(fields=["buyer", "created_at"], name="thread_by_buyer_start"),
        ]

    def __str__(self) -> str:
        return f"thread {self.pk}"


class Message(models.Model):
    """One message in a thread, with the extortion detector's verdict on its text."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_messages"
    )
    body = models.TextField(_("message"), max_length=MAX_TEXT, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    off_platform = models.BooleanField(default=False)
    extortion_suspected = models.BooleanField(default=False)
    score = models.FloatField(default=0.0)
    signals = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="message_by_thread"),
            models.Index(fields=["sender", "created_at"], name="message_by_sender"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.thread_id}"


class MessageAttachment(models.Model):
    """A photo sent with a message (WebP renditions under ``key``). Private: served only by
    ``web.views.private_photos`` to the thread's two people (and to staff when it is open to
    them)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    key = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("photo in a message")
        verbose_name_plural = _("photos in messages")
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.key


class MessageReport(models.Model):
    """Someone in a thread reports a message they received; staff may then read the thread."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=MessageReportReason.choices)
    details = models.TextField(_("details"), max_length=MAX_TEXT, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MessageReportStatus.choices,
        default=MessageReportStatus.OPEN,
    )
    reported_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=MAX_TEXT, blank=True)

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="message_report_once_per_reporter"
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=MessageReportReason.values),
                name="message_report_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MessageReportStatus.values),
                name="message_report_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "-reported_at"], name="message_report_queue")]

    def __str__(self) -> str:
        return f"report {self.pk} on message {self.message_id}"


class ThreadAccess(AppendOnlyModel):
    """A staff member opened a private thread, and why (kept, never changed)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="accesses")
    at = models.DateTimeField(default=timezone.now)
    why = models.CharField(max_length=10, choices=AccessReason.choices)

    class Meta:
        verbose_name = _("staff access to a thread")
        verbose_name_plural = _("staff accesses to threads")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.staff_id} read {self.thread_id} ({self.why})"
