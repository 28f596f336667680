"""Shops, the category tree, products, their photos and certification claims."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from sokoni.catalog.states import (
    CertificationKind,
    CertificationStatus,
    ProductKind,
    ShopStatus,
    Unit,
)
from sokoni.core.models import AppendOnlyModel, TimeStampedModel
from sokoni.core.text import validate_no_control_characters
from sokoni.villages.countries import validate_country_code
from sokoni.villages.models import Village


class Category(models.Model):
    """A node of the category tree; its icon lets people who cannot read find their way."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (English)"), max_length=80)
    names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        help_text=_('Language code to name, e.g. {"sw": "Kahawa", "fr": "Café"}'),
    )
    icon = models.CharField(_("icon"), max_length=40, help_text=_("Symbol id in the icon sprite"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Platform commission on sales in this category, in basis points (500 = 5%); empty means
    # the parent's rate, or settings.DEFAULT_COMMISSION_BP at the top of the tree.
    commission_bp = models.PositiveIntegerField(
        _("commission (basis points)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5000)],
        help_text=_("500 means 5%. Leave empty to use the parent category's rate."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the active language, falling back to English."""
        language = translation.get_language() or "en"
        return str(self.names.get(language) or self.name)


class Shop(TimeStampedModel):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="shops", verbose_name=_("village")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shops",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_no_control_characters])
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ShopStatus.choices,
        default=ShopStatus.PENDING,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    # Delivery is priced by the network's rate tables (sokoni.shipping); over this amount of
    # goods the shop pays it and the buyer sees free delivery.
    free_shipping_over_minor = models.BigIntegerField(
        _("free delivery over (minor units)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ShopStatus.values), name="shop_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(free_shipping_over_minor__gte=0),
                name="shop_free_shipping_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShopEvent(AppendOnlyModel):
    """One change of a shop's status: who moved it, from what, to what, and why. Append-only."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("shop event")
        verbose_name_plural = _("shop events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.shop_id}: {self.from_status or '-'} -> {self.to_status}"

    def refusal(self) -> Exception:
        return ValueError("Shop events are append-only.")


LISTED = models.Q(is_listed=True)


class Product(TimeStampedModel):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    # Copied from the shop so that listing and filtering by place needs no join.
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ProductKind.choices, default=ProductKind.PHYSICAL
    )
    name = models.CharField(_("name"), max_length=150, validators=[validate_no_control_characters])
    slug = models.SlugField(_("slug"), max_length=160)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    price_minor = models.BigIntegerField(_("price (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    # One unit as packed: what delivery is priced on, and what customs read for exports.
    weight_g = models.PositiveIntegerField(
        _("weight of one unit, packed (g)"),
        default=500,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    length_cm = models.PositiveSmallIntegerField(
        _("length (cm)"), default=0, validators=[MaxValueValidator(500)]
    )
    width_cm = models.PositiveSmallIntegerField(
        _("width (cm)"), default=0, validators=[MaxValueValidator(500)]
    )
    height_cm = models.PositiveSmallIntegerField(
        _("height (cm)"), default=0, validators=[MaxValueValidator(500)]
    )
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{6,10}$", _("6 to 10 digits."))],
        help_text=_("Harmonized System code for customs, e.g. 090111 for coffee beans."),
    )
    origin_country = models.CharField(
        _("country of origin"),
        max_length=2,
        blank=True,
        validators=[validate_country_code],
        help_text=_("ISO code; blank means the shop's country."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # Published, in an approved shop, in an approved village: kept by the catalogue services in
    # the transaction that changes any of the three, so that listings filter on one indexed
    # column instead of joining (SQLite otherwise plans those joins shop-first and sorts
    # every product of the shop). The product page still checks the three conditions.
    is_listed = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # Product, shop, village and category text in every shipped language, lower-cased:
    # what full-text search reads (kept by the catalogue services).
    search_text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="product_price_not_negative"
            ),
            models.UniqueConstraint(fields=["shop", "slug"], name="product_slug_unique_in_shop"),
        ]
        # Partial indexes over listed products: Django writes the filter as a bare
        # "is_listed" term, which SQLite can match against an index's WHERE but not against
        # an index column.
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], condition=LISTED, name="product_listed_new"
            ),
            models.Index(
                fields=["category", "-created_at", "-id"],
                condition=LISTED,
                name="product_listed_cat",
            ),
            models.Index(
                fields=["village", "-created_at", "-id"],
                condition=LISTED,
                name="product_listed_village",
            ),
            models.Index(
                fields=["shop", "-created_at", "-id"], condition=LISTED, name="product_listed_shop"
            ),
            models.Index(
                fields=["price_minor", "id"], condition=LISTED, name="product_listed_price"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def ships(self) -> bool:
        """Whether the product travels as a parcel (every kind so far does)."""
        return self.kind in (ProductKind.PHYSICAL, ProductKind.PRODUCE)

    @property
    def volume_cm3(self) -> int:
        """One unit's packed volume: from its dimensions, or estimated from its weight."""
        if self.length_cm and self.width_cm and self.height_cm:
            return self.length_cm * self.width_cm * self.height_cm
        return self.weight_g * 4


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    key = models.CharField(max_length=200, help_text="storage prefix of the WebP renditions")
    alt = models.CharField(_("description of the photo"), max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # The photo's average colour ("#rrggbb"), painted where it will appear while it loads.
    colour = models.CharField(max_length=7, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.key


class Certification(TimeStampedModel):
    """A seller's claim (organic, GI, fair trade); shown as verified only after staff verify it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("certification"), max_length=12, choices=CertificationKind.choices)
    issuer = models.CharField(
        _("certifying body"), max_length=120, validators=[validate_no_control_characters]
    )
    reference = models.CharField(_("certificate number"), max_length=80, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificationStatus.choices,
        default=CertificationStatus.CLAIMED,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(fields=["product", "kind"], name="one_claim_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
