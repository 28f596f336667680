"""Demo trust stories, on the demo orders: reviews with a photo and the shop's reply, a buyer's
question before buying, and a "professional buyer" who asked the Kenyan farmer by message for
cash back in exchange for five stars, gave one star when refused, and was reported from that
message: his review is held and the report waits in the staff moderation queue. Everything goes
through the services a person's request would use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from sokoni.catalog.models import Product
from sokoni.orders.models import Order
from sokoni.orders.services.disputes import dispute_add_statement
from sokoni.trust.messages import message_report, message_send, thread_start
from sokoni.trust.models import Review
from sokoni.trust.services import review_create, review_reply
from sokoni.trust.states import MessageReportReason
from sokoni.web.demo.network import happening_at
from sokoni.web.demo.pictures import product_picture


@dataclass
class TrustReport:
    """What the demo trust stories made, for the command's output."""

    reviews: int = 0
    reports: int = 0
    messages: int = 0
    statements: int = 0


class DemoTrust:
    def __init__(self, stories: dict[str, int], *, log: Callable[[str], None]) -> None:
        self.log = log
        self.now = timezone.now()
        self.report = TrustReport()
        found = Order.objects.filter(pk__in=stories.values()).select_related("shop__owner")
        by_pk = {order.pk: order for order in found}
        self.orders = {name: by_pk[pk] for name, pk in stories.items() if pk in by_pk}

    def _ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def _review(
        self, order: Order, stars: int, text: str, *, days_ago: float, photos: list[bytes]
    ) -> Review:
        with happening_at(self._ago(days_ago)):
            review = review_create(
                buyer=order.buyer,
                line_id=order.lines.order_by("pk").first().pk,  # type: ignore[union-attr]
                rating=stars,
                text=text,
                photos=photos,
            )
        self.report.reviews += 1
        return review

    def received(self) -> None:
        """The Nairobi buyer reviews the shelf from Dongfeng with a photo; the shop replies."""
        order = self.orders.get("received")
        if order is None:
            return
        review = self._review(
            order,
            4,
            "Solid pine, easy to put together, and the instructions had pictures. It came a few "
            "days later than promised, so four stars.",
            days_ago=4,
            photos=[product_picture("shelf", "#a0522d", "", 1)],
        )
        with happening_at(self._ago(3)):
            review_reply(
                seller=order.shop.owner,
                review_id=review.pk,
                text="Thank you! Customs in Nairobi held the parcel two days; we now ship on "
                "Mondays to catch the weekly flight.",
            )

    def released_automatically(self) -> None:
        """The buyer in London reviews the Kenyan farmer's tea."""
        order = self.orders.get("released_automatically")
        if order is not None:
            self._review(
                order,
                5,
                "Tastes like my grandmother's kitchen in Nyeri. Well packed, arrived in London "
                "in a week.",
                days_ago=2,
                photos=[],
            )

    def extorted(self) -> None:
        """The professional buyer's one star, and the farmer's report that holds it."""
        order = self.orders.get("extorted")
        if order is None:
            return
        with happening_at(self._ago(7.3)):
            demand = thread_start(
                sender=order.buyer,
                order_id=order.pk,
                body="Habari mzee, chai imefika. Nitumie KES 200 kwa M-Pesa 0712 000 077 "
                "nikupe nyota tano. La sivyo nitakupa nyota moja.",
            )
        with happening_at(self._ago(7.2)):
            message_send(
                sender=order.shop.owner,
                thread_id=demand.thread_id,
                body="Hapana. Bei ni ile tuliyokubaliana, na chai ni nzuri.",
            )
        self.report.messages += 2
        self._review(
            order,
            1,
            "Mbaya sana. Muuzaji hana heshima kwa wateja. Usinunue hapa.",
            days_ago=7,
            photos=[],
        )
        with happening_at(self._ago(6)):
            message_report(
                reporter=order.shop.owner,
                message_id=demand.pk,
                reason=MessageReportReason.EXTORTION,
                details="He asked for KES 200 back on M-Pesa for five stars. When I said no, "
                "he gave one star the same day.",
            )
        self.report.reports += 1

    def question(self) -> None:
        """Before buying, the Nairobi buyer asks the Dongfeng workshop about a wardrobe."""
        order = self.orders.get("received")
        if order is None:
            return
        product = (
            Product.objects.filter(shop=order.shop, is_listed=True)
            .exclude(pk=order.lines.values("product_id")[:1])
            .order_by("pk")
            .first()
        )
        if product is None:
            return
        with happening_at(self._ago(1.2)):
            asked = thread_start(
                sender=order.buyer,
                product_id=product.pk,
                body="Does it come flat-packed with the screws? And can you send it to Kisumu "
                "instead of Nairobi?",
            )
        with happening_at(self._ago(0.9)):
            message_send(
                sender=order.shop.owner,
                thread_id=asked.thread_id,
                body="Yes, flat-packed with screws and an Allen key. Kisumu is fine: choose it "
                "as the town at checkout and the price updates.",
            )
        self.report.messages += 2

    def disputed(self) -> None:
        """The parcel lost abroad: the buyer asked by message, then disputed; the workshop
        answers the dispute with a photo of its courier receipt, so it waits for staff."""
        order = self.orders.get("disputed")
        if order is None:
            return
        with happening_at(self._ago(3)):
            asked = thread_start(
                sender=order.buyer,
                order_id=order.pk,
                body="Hello, the tracking has not moved for ten days. Is my parcel lost?",
            )
        with happening_at(self._ago(2.8)):
            message_send(
                sender=order.shop.owner,
                thread_id=asked.thread_id,
                body="Sorry! I have asked the courier in Shanghai; they are searching for it.",
            )
        self.report.messages += 2
        with happening_at(self._ago(0.6)):
            dispute_add_statement(
                order=order,
                actor=order.shop.owner,
                text="We handed the parcel to the international courier on time; the receipt "
                "is attached. The courier has opened a search. If it is not found, we accept a "
                "refund.",
                images=[product_picture("note", "#d9c9a3", "", 2)],
            )
        self.report.statements += 1

    def run(self) -> TrustReport:
        stories = (
            self.received,
            self.released_automatically,
            self.extorted,
            self.question,
            self.disputed,
        )
        for story in stories:
            story()
        return self.report


def seed_trust(
    stories: dict[str, int], *, log: Callable[[str], None] = lambda _: None
) -> TrustReport:
    """Write the demo reviews and the extortion report on the demo orders named in ``stories``."""
    return DemoTrust(stories, log=log).run()
