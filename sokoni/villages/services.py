"""Writes on villages: the application workflow, the village page, photos, service centres.

Every status change goes through TRANSITIONS with a conditional update and leaves a
VillageEvent. After a change to public text, the registered village-changed handlers run
once the transaction has committed (the catalogue reindexes the village's products there).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.accounts.phones import normalize_phone
from sokoni.core.errors import StaleState
from sokoni.core.images import StoredPhoto, delete_photo, open_checked, store_photo
from sokoni.core.text import validate_no_control_characters
from sokoni.villages import registry
from sokoni.villages.errors import (
    NotStaff,
    NotVillageAdmin,
    OperatorNotFound,
    PhotoNotFound,
    ReasonRequired,
    ServiceCentreNotFound,
    TooManyPhotos,
    TransitionNotAllowed,
)
from sokoni.villages.models import Resident, ServiceCentre, Village, VillageEvent, VillagePhoto
from sokoni.villages.states import TRANSITIONS, VillageAction, VillageStatus

# Slugs that would shadow the app's own pages under /villages/.
RESERVED_SLUGS: frozenset[str] = frozenset({"apply", "mine", "new", "edit", "centres", "photos"})
SLUG_MAX = 120
MAX_PHOTOS = 12
REASON_MAX = 2000
PHOTO_FOLDER = "villages"


# --- helpers ---------------------------------------------------------------------------------


def _is_admin(village: Village, user: User) -> bool:
    if user.is_staff:
        return True
    return village.admins.filter(pk=user.pk).exists()


def _require_admin(village: Village, user: User) -> None:
    if not _is_admin(village, user):
        raise NotVillageAdmin()


def _after_commit_changed(village_id: int) -> None:
    transaction.on_commit(lambda: registry.village_changed(village_id))


def _record(
    *,
    village: Village,
    actor: User | None,
    action: VillageAction,
    from_status: str = "",
    to_status: str | None = None,
    reason: str = "",
    detail: str = "",
) -> VillageEvent:
    return VillageEvent.objects.create(
        village=village,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status or village.status,
        reason=reason,
        detail=detail[:300],
    )


def _clean_reason(reason: str, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ReasonRequired(field="reason")
    if len(text) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}}
        )
    _printable(text, "reason")
    return text


def _printable(text: str, field: str) -> None:
    try:
        validate_no_control_characters(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _check_photos(photos: Sequence[bytes], *, field: str = "photos") -> None:
    """Open every photo before anything is stored, so one bad file stores nothing."""
    errors = []
    for data in photos:
        try:
            open_checked(data)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})


def _store_files(photos: Sequence[bytes]) -> list[StoredPhoto]:
    """Store checked photos' renditions (outside any transaction: storage may be remote)."""
    stored: list[StoredPhoto] = []
    try:
        for data in photos:
            stored.append(store_photo(data, PHOTO_FOLDER))  # noqa: PERF401 - keep what was stored
    except BaseException:
        _discard(stored)
        raise
    return stored


def _discard(stored: Sequence[StoredPhoto]) -> None:
    for photo in stored:
        delete_photo(photo.key)


def _photo_rows(
    village: Village, stored: Sequence[StoredPhoto], start: int, caption: str = ""
) -> list[VillagePhoto]:
    return VillagePhoto.objects.bulk_create(
        VillagePhoto(
            village=village,
            key=s.key,
            width=s.width,
            height=s.height,
            colour=s.colour,
            position=start + i,
            caption=caption,
        )
        for i, s in enumerate(stored)
    )


def _free_slug(name: str) -> str:
    """A slug from the name, not reserved and not taken (suffixes -2, -3, …)."""
    base = slugify(name)[:SLUG_MAX].strip("-") or "village"
    taken = (
        set(Village.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _full_clean(instance: Village | ServiceCentre, exclude: Sequence[str] = ()) -> None:
    instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


# --- the application workflow ----------------------------------------------------------------


def village_apply(
    *,
    applicant: User,
    name: str,
    country: str,
    region: str,
    district: str = "",
    latitude: Decimal,
    longitude: Decimal,
    households: int,
    description: str,
    specialities: str,
    attractions: str = "",
    contact_name: str,
    contact_phone: str,
    photos: Sequence[bytes] = (),
) -> Village:
    """Apply for a village to join: it waits in status applied until staff review it.

    Everything is checked first (fields, phone, every photo); a refusal raises
    ValidationError keyed by field and stores nothing. Photos are stored before the
    database transaction opens (storage may be remote) and removed again if it fails.
    """
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": str(TooManyPhotos.default_message) % {"limit": MAX_PHOTOS}}
        )
    try:
        phone = normalize_phone(contact_phone)
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.messages}) from exc
    village = Village(
        applicant=applicant,
        name=name.strip(),
        slug="pending",
        country=country,
        region=region.strip(),
        district=district.strip(),
        latitude=latitude,
        longitude=longitude,
        households=households,
        description=description.strip(),
        specialities=specialities.strip(),
        attractions=attractions.strip(),
        contact_name=contact_name.strip(),
        contact_phone=phone,
        status=VillageStatus.APPLIED,
    )
    _full_clean(village, exclude=["slug"])
    _check_photos(photos)
    stored = _store_files(photos)
    try:
        with transaction.atomic():
            _insert_with_free_slug(village)
            _record(village=village, actor=applicant, action=VillageAction.APPLIED)
            _photo_rows(village, stored, start=0)
    except BaseException:
        _discard(stored)
        raise
    return village


def _insert_with_free_slug(village: Village, attempts: int = 3) -> None:
    for attempt in range(attempts):
        village.slug = _free_slug(village.name)
        try:
            with transaction.atomic():
                village.save(force_insert=True)
        except IntegrityError:  # a concurrent application took the same slug
            village.pk = None
            village._state.adding = True
            if attempt == attempts - 1:
                raise
        else:
            return


def _transition(
    *,
    village: Village,
    to: VillageStatus,
    by: User,
    action: VillageAction,
    reason: str = "",
    **fields: Any,
) -> Village:
    current = village.status
    if to not in TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(current=current, to=str(to))
    moved = Village.objects.filter(pk=village.pk, status=current).update(
        status=to, status_changed_at=Now(), **fields
    )
    if moved != 1:
        raise StaleState(village_id=village.pk)
    village.refresh_from_db(fields=["status", "status_changed_at", *fields])
    _record(
        village=village, actor=by, action=action, from_status=current, to_status=to, reason=reason
    )
    registry.village_status_changed(village.pk)
    return village


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise NotStaff()


@transaction.atomic
def village_approve(*, village: Village, by: User) -> Village:
    """Approve an application (or reinstate a suspended village); the applicant becomes admin."""
    _require_staff(by)
    _transition(
        village=village,
        to=VillageStatus.APPROVED,
        by=by,
        action=VillageAction.APPROVED,
        rejection_reason="",
    )
    village.admins.add(village.applicant_id)
    _after_commit_changed(village.pk)
    return village


@transaction.atomic
def village_reject(*, village: Village, by: User, reason: str) -> Village:
    """Reject an application; the reason is shown to the applicant and is required."""
    _require_staff(by)
    text = _clean_reason(reason, required=True)
    return _transition(
        village=village,
        to=VillageStatus.REJECTED,
        by=by,
        action=VillageAction.REJECTED,
        reason=text,
        rejection_reason=text,
    )


@transaction.atomic
def village_suspend(*, village: Village, by: User, reason: str = "") -> Village:
    """Take an approved village off the public site (its shops and products disappear too)."""
    _require_staff(by)
    text = _clean_reason(reason, required=False)
    _transition(
        village=village,
        to=VillageStatus.SUSPENDED,
        by=by,
        action=VillageAction.SUSPENDED,
        reason=text,
    )
    _after_commit_changed(village.pk)
    return village


@transaction.atomic
def village_save_by_staff(*, village: Village, by: User, changed: Sequence[str]) -> Village:
    """Save a staff correction made in the admin's change form (status is not editable there)."""
    _require_staff(by)
    _full_clean(village)
    village.save()
    if changed:
        _record(village=village, actor=by, action=VillageAction.UPDATED, detail=", ".join(changed))
        _after_commit_changed(village.pk)
    return village


# --- the village page ------------------------------------------------------------------------

_EDITABLE = ("description", "specialities", "attractions", "contact_name", "contact_phone")


@transaction.atomic
def village_update(
    *,
    village: Village,
    by: User,
    description: str,
    specialities: str,
    attractions: str,
    contact_name: str,
    contact_phone: str,
) -> Village:
    """Change the village page's text and contact (its administrators or staff)."""
    _require_admin(village, by)
    try:
        phone = normalize_phone(contact_phone)
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.messages}) from exc
    new = {
        "description": description.strip(),
        "specialities": specialities.strip(),
        "attractions": attractions.strip(),
        "contact_name": contact_name.strip(),
        "contact_phone": phone,
    }
    changed = [field for field in _EDITABLE if getattr(village, field) != new[field]]
    if not changed:
        return village
    original = {field: getattr(village, field) for field in _EDITABLE}
    for field, value in new.items():
        setattr(village, field, value)
    try:
        _full_clean(village)
    except ValidationError:
        for field, value in original.items():
            setattr(village, field, value)
        raise
    village.save(update_fields=[*changed, "updated_at"])
    _record(village=village, actor=by, action=VillageAction.UPDATED, detail=", ".join(changed))
    if set(changed) & {"description", "specialities", "attractions"}:
        _after_commit_changed(village.pk)
    return village


def village_photo_add(
    *, village: Village, by: User, photos: Sequence[bytes], caption: str = ""
) -> list[VillagePhoto]:
    """Add photos to the village page; all are checked before any is stored.

    Renditions are stored before the database transaction (storage may be remote) and
    removed again if it fails, e.g. when a concurrent upload reached the photo limit first.
    """
    _require_admin(village, by)
    caption = caption.strip()
    if len(caption) > 200:
        raise ValidationError({"caption": _("Keep the caption under 200 characters.")})
    _printable(caption, "caption")
    too_many = ValidationError(
        {"photos": str(TooManyPhotos.default_message) % {"limit": MAX_PHOTOS}}
    )
    if village.photos.count() + len(photos) > MAX_PHOTOS:
        raise too_many
    _check_photos(photos)
    stored = _store_files(photos)
    try:
        with transaction.atomic():
            Village.objects.select_for_update().filter(pk=village.pk).first()  # one at a time
            count = village.photos.count()
            if count + len(photos) > MAX_PHOTOS:
                raise too_many
            top = village.photos.aggregate(top=Max("position"))["top"]
            rows = _photo_rows(
                village, stored, start=0 if top is None else top + 1, caption=caption
            )
            _record(
                village=village,
                actor=by,
                action=VillageAction.PHOTO_ADDED,
                detail=" ".join(row.key for row in rows),
            )
    except BaseException:
        _discard(stored)
        raise
    return rows


@transaction.atomic
def village_photo_remove(*, village: Village, by: User, photo_id: int) -> None:
    """Remove one photo from the village page; its files go once the change has committed."""
    _require_admin(village, by)
    photo = VillagePhoto.objects.filter(village=village, pk=photo_id).first()
    if photo is None:
        raise PhotoNotFound()
    key = photo.key
    photo.delete()
    _record(village=village, actor=by, action=VillageAction.PHOTO_REMOVED, detail=key)
    transaction.on_commit(lambda: delete_photo(key))


# --- service centres -------------------------------------------------------------------------


def _operator(phone: str) -> User | None:
    text = (phone or "").strip()
    if not text:
        return None
    try:
        e164 = normalize_phone(text)
    except ValidationError as exc:
        raise ValidationError({"operator_phone": exc.messages}) from exc
    user = User.objects.filter(phone=e164, is_active=True).first()
    if user is None:
        raise OperatorNotFound(field="operator_phone")
    return user


def _phone_or_blank(phone: str) -> str:
    text = (phone or "").strip()
    if not text:
        return ""
    try:
        return normalize_phone(text)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


@transaction.atomic
def service_centre_create(
    *,
    village: Village,
    by: User,
    name: str,
    address: str,
    hours: str,
    phone: str = "",
    operator_phone: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> ServiceCentre:
    """Open a pickup point in the village, run by the user with the operator's phone number."""
    _require_admin(village, by)
    centre = ServiceCentre(
        village=village,
        name=name.strip(),
        address=address.strip(),
        hours=hours.strip(),
        phone=_phone_or_blank(phone),
        operator=_operator(operator_phone),
        latitude=latitude,
        longitude=longitude,
        is_active=True,
    )
    _full_clean(centre)
    centre.save(force_insert=True)
    _record(
        village=village,
        actor=by,
        action=VillageAction.CENTRE_CREATED,
        detail=f"{centre.pk} {centre.name}",
    )
    return centre


@transaction.atomic
def service_centre_update(
    *,
    centre: ServiceCentre,
    by: User,
    name: str,
    address: str,
    hours: str,
    phone: str = "",
    operator_phone: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_active: bool = True,
) -> ServiceCentre:
    """Change a service centre; is_active=False closes it (it disappears from the public page)."""
    village = centre.village
    _require_admin(village, by)
    values: dict[str, Any] = {
        "name": name.strip(),
        "address": address.strip(),
        "hours": hours.strip(),
        "phone": _phone_or_blank(phone),
        "operator": _operator(operator_phone),
        "latitude": latitude,
        "longitude": longitude,
        "is_active": is_active,
    }
    original = {field: getattr(centre, field) for field in values}
    for field, value in values.items():
        setattr(centre, field, value)
    try:
        _full_clean(centre)
    except ValidationError:
        for field, value in original.items():
            setattr(centre, field, value)
        raise
    changed = [field for field in values if original[field] != values[field]]
    if changed:
        centre.save(update_fields=[*changed, "updated_at"])
        _record(
            village=village,
            actor=by,
            action=VillageAction.CENTRE_UPDATED,
            detail=f"{centre.pk}: {', '.join(changed)}",
        )
    return centre


@transaction.atomic
def service_centre_close(*, centre: ServiceCentre, by: User) -> ServiceCentre:
    """Close a service centre (kept for history, hidden from the public)."""
    _require_admin(centre.village, by)
    if centre.is_active:
        ServiceCentre.objects.filter(pk=centre.pk).update(is_active=False, updated_at=Now())
        centre.is_active = False
        _record(
            village=centre.village,
            actor=by,
            action=VillageAction.CENTRE_UPDATED,
            detail=f"{centre.pk}: closed",
        )
    return centre


def max_photo_bytes() -> int:
    """The upload limit of one photo, for forms to refuse early."""
    return int(settings.IMAGE_MAX_BYTES)


# --- residents: villagers who order through a service centre ---------------------------------


def resident_set_centre(
    *, user: User, centre: ServiceCentre, registered_by: User | None = None
) -> Resident:
    """Attach a villager to an open service centre of an approved village (or move them)."""
    if not centre.is_active or centre.village.status != VillageStatus.APPROVED:
        raise ServiceCentreNotFound()
    resident, created = Resident.objects.get_or_create(
        user=user, defaults={"centre": centre, "registered_by": registered_by}
    )
    if not created and resident.centre_id != centre.pk:
        resident.centre = centre
        resident.since = timezone.now()
        resident.save(update_fields=["centre", "since"])
    return resident
