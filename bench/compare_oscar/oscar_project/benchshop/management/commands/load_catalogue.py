"""Load the catalogue Sokoni exported (bench/compare_oscar/sokoni_side.py) with Oscar's models.

One product class, one partner, Sokoni's category tree, each listed product as a public
standalone product in its category with a stock record (price, currency, stock). The UPC keeps
Sokoni's product id. Prints one line of JSON: Sokoni id -> Oscar URL and id.
"""

import json
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


class Command(BaseCommand):
    help = "Load an exported Sokoni catalogue into Oscar."

    def add_arguments(self, parser):
        parser.add_argument("path")

    @transaction.atomic
    def handle(self, *args, **options):
        with open(options["path"]) as f:
            data = json.load(f)
        product_class = ProductClass.objects.create(
            name="Village goods", requires_shipping=True, track_stock=True
        )
        partner = Partner.objects.create(name="Village shops")
        categories = {}
        for row in data["categories"]:
            if row["parent"] is None:
                node = Category.add_root(name=row["name"], slug=row["slug"])
            else:
                node = categories[row["parent"]].add_child(name=row["name"], slug=row["slug"])
                categories[row["parent"]].refresh_from_db()
            categories[row["slug"]] = node
        urls = {}
        for row in data["products"]:
            product = Product.objects.create(
                structure=Product.STANDALONE,
                title=row["name"],
                description=row["description"],
                product_class=product_class,
                upc=f"sokoni-{row['id']}",
                is_public=True,
            )
            ProductCategory.objects.create(product=product, category=categories[row["category"]])
            StockRecord.objects.create(
                product=product,
                partner=partner,
                partner_sku=str(row["id"]),
                price_currency=row["currency"],
                price=Decimal(row["price"]),
                num_in_stock=row["stock"],
            )
            urls[row["id"]] = {"id": product.pk, "path": product.get_absolute_url()}
        category_urls = {slug: node.get_absolute_url() for slug, node in categories.items()}
        self.stdout.write(json.dumps({"products": urls, "categories": category_urls}))
