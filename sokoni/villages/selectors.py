"""Reads on villages: what the public may see, and what an administrator may edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from sokoni.accounts.models import User
from sokoni.villages.countries import country_name
from sokoni.villages.errors import ServiceCentreNotFound, VillageNotFound
from sokoni.villages.models import Resident, ServiceCentre, Village, VillageEvent, VillagePhoto
from sokoni.villages.states import VillageStatus

AnyUser = User | AnonymousUser


def village_list_public() -> QuerySet[Village]:
    """Approved villages, the only ones that exist for the public."""
    return Village.objects.filter(status=VillageStatus.APPROVED)


def village_list_featured(limit: int = 6) -> list[Village]:
    """Villages to show on the home page: featured first, then the newest approved."""
    return list(
        village_list_public()
        .prefetch_related("photos")
        .order_by("-is_featured", "-created_at")[:limit]
    )


@dataclass
class RegionGroup:
    name: str
    villages: list[Village] = field(default_factory=list)


@dataclass
class CountryGroup:
    code: str
    name: str
    regions: list[RegionGroup] = field(default_factory=list)


def village_groups_public() -> list[CountryGroup]:
    """Approved villages grouped by country (by name in the reader's language), then region.

    One query: only the columns the list shows.
    """
    villages = list(
        village_list_public()
        .only("name", "slug", "country", "region", "district", "specialities")
        .order_by("country", "region", "name")
    )
    groups: list[CountryGroup] = []
    for code, in_country in groupby(villages, key=lambda v: v.country):
        group = CountryGroup(code=code, name=country_name(code))
        for region, in_region in groupby(in_country, key=lambda v: v.region):
            group.regions.append(RegionGroup(name=region, villages=list(in_region)))
        groups.append(group)
    groups.sort(key=lambda g: g.name.casefold())
    return groups


def village_get_public(*, slug: str, user: AnyUser | None = None) -> Village:
    """The village as the public sees it; staff may also preview one that is not approved."""
    qs = Village.objects.all() if user is not None and user.is_staff else village_list_public()
    village = qs.filter(slug=slug).first()
    if village is None:
        raise VillageNotFound()
    return village


def _administered(user: User) -> QuerySet[Village]:
    if user.is_staff:
        return Village.objects.all()
    return Village.objects.filter(
        Exists(Village.admins.through.objects.filter(village_id=OuterRef("pk"), user_id=user.pk))
    )


def village_get_for_admin(*, slug: str, user: AnyUser) -> Village:
    """The village if this user administers it (or is staff); for anyone else, not found."""
    if not isinstance(user, User) or not user.is_active:
        raise VillageNotFound()
    village = _administered(user).filter(slug=slug).first()
    if village is None:
        raise VillageNotFound()
    return village


def village_list_for_applicant(*, user: User) -> list[Village]:
    """The villages a user applied for or administers, newest first, with `can_edit` set."""
    is_admin = Exists(
        Village.admins.through.objects.filter(village_id=OuterRef("pk"), user_id=user.pk)
    )
    villages: list[Village] = list(
        Village.objects.filter(Q(applicant=user) | is_admin)
        .annotate(is_admin=is_admin)
        .order_by("-created_at", "-pk")
    )
    for village in villages:
        village.can_edit = bool(village.is_admin) and village.status in {  # type: ignore[attr-defined]
            VillageStatus.APPROVED,
            VillageStatus.SUSPENDED,
        }
    return villages


def village_photos(*, village: Village) -> list[VillagePhoto]:
    return list(village.photos.order_by("position", "pk"))


def service_centre_list_public(*, village: Village) -> list[ServiceCentre]:
    """The open service centres of a village, with their operators."""
    return list(
        village.service_centres.filter(is_active=True)
        .select_related("operator")
        .order_by("name", "pk")
    )


def service_centre_list_for_admin(*, village: Village) -> list[ServiceCentre]:
    """Every service centre of a village, open ones first."""
    return list(
        village.service_centres.select_related("operator").order_by("-is_active", "name", "pk")
    )


def service_centre_get_for_admin(*, village: Village, centre_id: int) -> ServiceCentre:
    """A service centre of this village (the caller already holds the village as its admin)."""
    centre = (
        ServiceCentre.objects.select_related("operator", "village")
        .filter(village=village, pk=centre_id)
        .first()
    )
    if centre is None:
        raise ServiceCentreNotFound()
    return centre


def village_events(*, village: Village) -> list[VillageEvent]:
    """The audit trail of a village, oldest first."""
    return list(village.events.select_related("actor").order_by("at", "pk"))


def centres_operated_by(user: AnyUser) -> list[ServiceCentre]:
    """The open service centres this user runs (in approved villages)."""
    if not user.is_authenticated:
        return []
    return list(
        ServiceCentre.objects.filter(
            operator=user, is_active=True, village__status=VillageStatus.APPROVED
        )
        .select_related("village")
        .order_by("name", "pk")
    )


CENTRE_FIELDS = (
    "name",
    "phone",
    "is_active",
    "operator",
    "village",
    "village__name",
    "village__region",
    "village__country",
    "village__status",
)


def home_centre_of(user: User) -> ServiceCentre | None:
    """The service centre a villager belongs to, if it is still open."""
    resident = (
        Resident.objects.select_related("centre__village", "centre__operator")
        .filter(
            user=user,
            centre__is_active=True,
            centre__village__status=VillageStatus.APPROVED,
        )
        # What menus show and orders need of a centre (a USSD step reads it every time).
        .only(*(f"centre__{name}" for name in CENTRE_FIELDS), "centre__operator__phone")
        .first()
    )
    return resident.centre if resident else None


def centres_open_in_country(country: str) -> QuerySet[ServiceCentre]:
    """Open service centres of approved villages in a country, by village then name."""
    return (
        ServiceCentre.objects.filter(
            is_active=True, village__status=VillageStatus.APPROVED, village__country=country
        )
        .select_related("village")
        .order_by("village__name", "name", "pk")
    )
