"""What staff moderate, read for them: the queue of open extortion reports, held reviews and
disputes, and one report's evidence with both sides next to each other.

Every function here answers ``NotFound`` to anyone but staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Q

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.orders.models import Dispute, Order
from sokoni.orders.states import DisputeStage, OrderStatus
from sokoni.trust.models import ExtortionReport, MessageReport, Review, Thread
from sokoni.trust.selectors import ShownRating, shop_rating
from sokoni.trust.states import MessageReportStatus, ReportStatus, ReviewStatus

QUEUE_LENGTH = 200


def _staff_only(user: User) -> None:
    if not user.is_staff:
        raise NotFound()


@dataclass(frozen=True)
class Queue:
    """Open reports oldest first, each with how many reviews it holds; counts of the rest."""

    reports: Sequence[ExtortionReport]
    message_reports: list[MessageReport]
    held_reviews: int
    disputes_open: int
    disputes_escalated: int


def queue(staff: User) -> Queue:
    """The staff moderation queue (five queries)."""
    _staff_only(staff)
    reports = list(
        ExtortionReport.objects.filter(status=ReportStatus.OPEN)
        .select_related("shop", "buyer", "reporter", "order")
        .annotate(
            held=Count(
                "shop__reviews",
                filter=Q(shop__reviews__status=ReviewStatus.HELD)
                & Q(shop__reviews__author=F("buyer")),
            )
        )
        .order_by("reported_at", "pk")[:QUEUE_LENGTH]
    )
    return Queue(
        reports=reports,
        message_reports=list(
            MessageReport.objects.filter(status=MessageReportStatus.OPEN)
            .select_related("reporter", "message__thread__shop", "message__thread__buyer")
            .order_by("reported_at", "pk")[:QUEUE_LENGTH]
        ),
        held_reviews=Review.objects.filter(status=ReviewStatus.HELD).count(),
        disputes_open=Order.objects.filter(status=OrderStatus.DISPUTED).count(),
        disputes_escalated=Dispute.objects.filter(stage=DisputeStage.ESCALATED).count(),
    )


@dataclass(frozen=True)
class Standing:
    """One side's record on Sokoni, for judging a report."""

    completed_purchases: int
    reviews_written: int
    one_star_reviews: int
    reports_against: int  # extortion reports naming this buyer, at any shop
    upheld_against: int


@dataclass(frozen=True)
class ShopRecord:
    """The reporting shop's record: a shop that reports every critic is a warning sign."""

    rating: ShownRating
    reports_filed: int
    reports_dismissed: int


@dataclass(frozen=True)
class Evidence:
    """One report and both sides of it."""

    report: ExtortionReport
    earlier_reports: list[ExtortionReport]  # the same shop about the same buyer, decided
    buyer_reviews: list[Review]  # of this shop, any status, newest first
    buyer: Standing
    shop: ShopRecord
    threads: list[Thread]  # between the shop and the buyer; staff read them on a logged page


def _standing(buyer_id: int) -> Standing:
    reviews = Review.objects.filter(author_id=buyer_id).aggregate(
        written=Count("pk"), one_star=Count("pk", filter=Q(rating=1))
    )
    reports = ExtortionReport.objects.filter(buyer_id=buyer_id).aggregate(
        against=Count("pk"), upheld=Count("pk", filter=Q(status=ReportStatus.UPHELD))
    )
    return Standing(
        completed_purchases=Order.objects.filter(
            buyer_id=buyer_id, status=OrderStatus.COMPLETED
        ).count(),
        reviews_written=reviews["written"],
        one_star_reviews=reviews["one_star"],
        reports_against=reports["against"],
        upheld_against=reports["upheld"],
    )


def _shop_record(shop_id: int) -> ShopRecord:
    filed = ExtortionReport.objects.filter(shop_id=shop_id).aggregate(
        filed=Count("pk"), dismissed=Count("pk", filter=Q(status=ReportStatus.DISMISSED))
    )
    return ShopRecord(
        rating=shop_rating(shop_id),
        reports_filed=filed["filed"],
        reports_dismissed=filed["dismissed"],
    )


def report_evidence(staff: User, report_id: object) -> Evidence:
    """A report with the seller's account on one side and the buyer's reviews and record on
    the other."""
    _staff_only(staff)
    try:
        pk = int(str(report_id))
    except ValueError as exc:
        raise NotFound() from exc
    report = (
        ExtortionReport.objects.select_related(
            "shop__owner", "buyer", "reporter", "order", "review", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound()
    return Evidence(
        report=report,
        earlier_reports=list(
            ExtortionReport.objects.filter(shop_id=report.shop_id, buyer_id=report.buyer_id)
            .exclude(pk=report.pk)
            .order_by("-reported_at")[:20]
        ),
        buyer_reviews=list(
            Review.objects.filter(shop_id=report.shop_id, author_id=report.buyer_id)
            .select_related("product")
            .order_by("-created_at")[:50]
        ),
        buyer=_standing(report.buyer_id),
        shop=_shop_record(report.shop_id),
        threads=list(
            Thread.objects.filter(shop_id=report.shop_id, buyer_id=report.buyer_id)
            .select_related("product", "order")
            .order_by("-last_message_at")[:20]
        ),
    )
