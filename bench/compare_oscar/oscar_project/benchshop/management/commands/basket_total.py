"""Print the units in all open baskets (to check that the load's adds were really made)."""

from django.core.management.base import BaseCommand
from django.db.models import Sum
from oscar.core.loading import get_model

Line = get_model("basket", "Line")


class Command(BaseCommand):
    help = "Units in all basket lines."

    def handle(self, *args, **options):
        self.stdout.write(str(Line.objects.aggregate(n=Sum("quantity"))["n"] or 0))
