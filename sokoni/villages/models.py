"""Villages (the INVIL portal), their photos, service centres and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sokoni.core.models import AppendOnlyModel, TimeStampedModel
from sokoni.core.text import validate_no_control_characters
from sokoni.villages.countries import country_name as _country_name
from sokoni.villages.countries import validate_country_code
from sokoni.villages.states import VillageAction, VillageStatus


def country_name(code: str) -> str:
    """Name an ISO 3166 country in the active language (Babel)."""
    return _country_name(code)


def lines(text: str) -> list[str]:
    """Split a one-item-per-line field into its non-empty items."""
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _text(limit: int) -> list[Any]:
    """Validators of free text: bounded (TextField max_length is not enforced) and printable."""
    return [MaxLengthValidator(limit), validate_no_control_characters]


class Village(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, validators=[validate_no_control_characters])
    slug = models.SlugField(_("slug"), max_length=140, unique=True, allow_unicode=False)
    country = models.CharField(
        _("country"),
        max_length=2,
        help_text=_("ISO 3166 country code"),
        validators=[validate_country_code],
    )
    region = models.CharField(
        _("region or province"), max_length=120, validators=[validate_no_control_characters]
    )
    district = models.CharField(
        _("district or county"),
        max_length=120,
        blank=True,
        validators=[validate_no_control_characters],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    households = models.PositiveIntegerField(
        _("number of households"), validators=[MaxValueValidator(1_000_000)]
    )
    description = models.TextField(_("description"), max_length=5000, validators=_text(5000))
    specialities = models.TextField(
        _("specialities"),
        max_length=2000,
        validators=_text(2000),
        help_text=_("One per line: what the village makes or grows."),
    )
    attractions = models.TextField(
        _("attractions"),
        max_length=2000,
        blank=True,
        validators=_text(2000),
        help_text=_("One per line: what visitors come for."),
    )
    contact_name = models.CharField(
        _("contact name"), max_length=120, validators=[validate_no_control_characters]
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=VillageStatus.choices,
        default=VillageStatus.APPLIED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason"), max_length=2000, blank=True, validators=_text(2000)
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="village_applications",
        verbose_name=_("applicant"),
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="administered_villages",
        blank=True,
        verbose_name=_("administrators"),
    )
    is_featured = models.BooleanField(_("featured on the home page"), default=False)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["country", "region", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="village_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VillageStatus.values), name="village_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def speciality_list(self) -> list[str]:
        return lines(self.specialities)

    @property
    def attraction_list(self) -> list[str]:
        return lines(self.attractions)

    @property
    def country_name(self) -> str:
        """The country's name in the active language."""
        return country_name(self.country)

    @property
    def is_public(self) -> bool:
        return self.status == VillageStatus.APPROVED


class VillagePhoto(models.Model):
    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="photos")
    key = models.CharField(max_length=200, help_text="storage prefix of the WebP renditions")
    caption = models.CharField(
        _("caption"), max_length=200, blank=True, validators=[validate_no_control_characters]
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # The photo's average colour ("#rrggbb"), painted where it will appear while it loads.
    colour = models.CharField(max_length=7, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.key


class ServiceCentre(TimeStampedModel):
    """A pickup point in a village, run by an operator (agent)."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="service_centres")
    name = models.CharField(_("name"), max_length=120, validators=[validate_no_control_characters])
    address = models.TextField(_("address"), max_length=500, validators=_text(500))
    hours = models.CharField(
        _("opening hours"), max_length=200, validators=[validate_no_control_characters]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="operated_centres",
        verbose_name=_("operator"),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["village", "name"]

    def __str__(self) -> str:
        return self.name


class Resident(models.Model):
    """Where a villager without a smartphone belongs: their service centre, which sets the
    products USSD offers them first and where their parcels wait."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="residence",
    )
    centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("service centre"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    since = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        return f"{self.user_id} at {self.centre_id}"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit row."""


class VillageEvent(AppendOnlyModel):
    """One entry of a village's audit trail: who did what, when, and why. Never changed."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="events", verbose_name=_("village")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=VillageAction.choices)
    from_status = models.CharField(
        _("from status"), max_length=12, choices=VillageStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=12, choices=VillageStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("village event")
        verbose_name_plural = _("village events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["village", "at"], name="village_event_village_at")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.action} {self.from_status}->{self.to_status}"

    def refusal(self) -> Exception:
        return AppendOnlyError("Village events are append-only.")
