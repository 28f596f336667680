"""`manage.py seed_demo`: fill an empty database with the demo world and its demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sokoni.villages.models import Village
from sokoni.web.demo.seed import DEFAULT_PRODUCTS, seed_demo
from sokoni.web.demo.world import DEMO_ACCOUNTS, PASSWORD


class Command(BaseCommand):
    help = (
        "Create the demo world: villages in nine countries with their service centres, 60 shops, "
        "the delivery network (hubs, carriers, rates, holidays, vehicles), "
        "products with generated pictures, demo orders in every state with their ledger "
        "transactions, and demo accounts (listed at the end)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds villages (make run uses this).",
        )
        parser.add_argument(
            "--products",
            type=int,
            default=DEFAULT_PRODUCTS,
            help=f"How many published products to create (default {DEFAULT_PRODUCTS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Village.objects.exists():
            if options["if_empty"]:
                self.stdout.write(
                    "The database already holds villages: demo data not loaded again."
                )
                return
            raise CommandError(
                "The database already holds villages; seed_demo fills an empty database. "
                "Use --if-empty to skip quietly, or start from a fresh database."
            )
        products = options["products"]
        if products < 0:
            raise CommandError("--products must be 0 or more.")
        report = seed_demo(products=products, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready in {report.seconds:.1f} s: {report.villages} villages, "
                f"{report.centres} service centres, {report.shops} shops, "
                f"{report.products:,} products (+{report.drafts} drafts), "
                f"{report.certifications:,} certification claims, {report.pictures} pictures."
            )
        )
        network = report.network
        self.stdout.write(
            f"Delivery network: {network.hubs} hubs serving {network.villages} villages, "
            f"{network.carriers} carriers, {network.services} services, "
            f"{network.rate_tables} rate tables ({network.bands} prices), "
            f"{network.holidays} public holidays, {network.vehicles} vehicles."
        )
        orders = report.orders
        if orders.orders:
            states = ", ".join(f"{n} {status}" for status, n in sorted(orders.by_status.items()))
            self.stdout.write(
                f"Demo orders: {orders.orders} ({states}); {orders.payouts} payouts; "
                f"{orders.rates} demo exchange rates."
            )
        trust = report.trust
        if trust.reviews or trust.reports:
            self.stdout.write(
                f"Trust: {trust.reviews} reviews, {trust.messages} messages, {trust.reports} "
                "extortion report(s) and a dispute answered with a photo, waiting for staff at "
                "/staff/moderation/."
            )
        centre = report.centre
        if centre.assisted:
            self.stdout.write(
                f"Othaya service centre: {centre.villagers} villagers registered by the operator, "
                f"{centre.assisted} assisted orders, {centre.parcels_waiting} parcel(s) waiting "
                "(pickup code 246810); USSD PIN of the demo villagers and farmer: 4071."
            )
        self.stdout.write("Time: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()))
        self.stdout.write(f"Demo accounts (password for all: {PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.phone:<16} {account.role:<14} {account.what}")
