"""The village services: application, review, the page, photos, service centres."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.core.errors import StaleState
from sokoni.core.tests import storage
from sokoni.villages import registry, services
from sokoni.villages.errors import (
    NotStaff,
    NotVillageAdmin,
    OperatorNotFound,
    PhotoNotFound,
    ReasonRequired,
    TransitionNotAllowed,
)
from sokoni.villages.models import (
    AppendOnlyError,
    ServiceCentre,
    Village,
    VillageEvent,
    VillagePhoto,
)
from sokoni.villages.states import VillageAction, VillageStatus
from sokoni.villages.tests.factories import (
    ServiceCentreFactory,
    VillageFactory,
    VillagePhotoFactory,
    png_bomb_bytes,
    png_bytes,
)

pytestmark = pytest.mark.django_db


def application(**overrides):
    data = {
        "name": "Othaya Hills",
        "country": "KE",
        "region": "Nyeri",
        "district": "Othaya",
        "latitude": Decimal("-0.546000"),
        "longitude": Decimal("36.943000"),
        "households": 420,
        "description": "Tea gardens on the slopes of the Aberdares.",
        "specialities": "Tea\nAvocados\nHoney",
        "attractions": "Chania falls",
        "contact_name": "Grace Wanjiru",
        "contact_phone": "0712 345 678",
    }
    data.update(overrides)
    return data


def stored_files(folder="villages"):
    """Every file under a storage folder (tests use the in-memory storage)."""
    return storage.stored_files(folder)


@pytest.fixture
def changed(monkeypatch):
    """Record the ids passed to village-changed handlers (a fresh registry per test)."""
    calls = []
    monkeypatch.setattr(registry, "_village_changed", [calls.append])
    return calls


# --- apply -----------------------------------------------------------------------------------


def test_apply_creates_an_application_with_photos_and_an_event(user):
    """A valid application waits in status applied, with its photos and an audit entry."""
    # given
    before = stored_files()
    # when
    village = services.village_apply(
        applicant=user, **application(), photos=[png_bytes(), png_bytes(20, 20)]
    )
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.APPLIED
    assert village.slug == "othaya-hills"
    assert village.applicant == user
    assert village.contact_phone == "+254712345678"
    assert list(village.admins.all()) == []
    photos = list(village.photos.order_by("position"))
    assert [p.position for p in photos] == [0, 1]
    assert (photos[0].width, photos[0].height) == (64, 48)
    assert len(stored_files() - before) == 6  # three renditions of each photo
    event = VillageEvent.objects.get(village=village)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        VillageAction.APPLIED,
        "",
        VillageStatus.APPLIED,
        user,
    )


def test_apply_gives_a_clashing_name_a_free_slug(user):
    """Two villages of the same name get distinct slugs."""
    # given
    VillageFactory(slug="othaya-hills")
    # when
    village = services.village_apply(applicant=user, **application())
    # then
    assert village.slug == "othaya-hills-2"


@pytest.mark.parametrize("name", ["Apply", "mine", "MINE"])
def test_apply_never_takes_a_slug_reserved_for_a_page(user, name):
    """A village called "Apply" must not shadow /villages/apply/."""
    # when
    village = services.village_apply(applicant=user, **application(name=name))
    # then
    assert village.slug == f"{name.lower()}-2"


def test_apply_with_a_name_without_latin_letters_still_gets_a_slug(user):
    """A name in Chinese script gets a usable slug."""
    # when
    village = services.village_apply(applicant=user, **application(name="东风村"))
    # then
    assert village.slug == "village"
    assert village.name == "东风村"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_phone": "12"}, "contact_phone"),
        ({"latitude": Decimal(91)}, "latitude"),
        ({"longitude": Decimal(-181)}, "longitude"),
        ({"name": "x" * 121}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"specialities": "x" * 2001}, "specialities"),
        ({"country": "XX"}, "country"),
        ({"households": 2_000_000}, "households"),
        ({"region": "Nyeri\x00"}, "region"),
    ],
)
def test_apply_refuses_bad_input_and_saves_nothing(user, overrides, field):
    """Each bad field is named, and no village, event or photo is written."""
    # given
    before = stored_files()
    # when
    with pytest.raises(ValidationError) as caught:
        services.village_apply(applicant=user, **application(**overrides), photos=[png_bytes()])
    # then
    assert field in caught.value.message_dict
    assert Village.objects.count() == 0
    assert VillageEvent.objects.count() == 0
    assert VillagePhoto.objects.count() == 0
    assert stored_files() == before


@pytest.mark.parametrize("bad", [b"not an image at all", png_bomb_bytes()])
def test_apply_with_one_bad_photo_stores_no_photo(user, bad):
    """A good photo next to a bad one is not stored either."""
    # given
    before = stored_files()
    # when
    with pytest.raises(ValidationError) as caught:
        services.village_apply(applicant=user, **application(), photos=[png_bytes(), bad])
    # then
    assert list(caught.value.message_dict) == ["photos"]
    assert Village.objects.count() == 0
    assert stored_files() == before


# --- review ----------------------------------------------------------------------------------


def test_approve_makes_the_applicant_an_administrator(
    user, staff, changed, django_capture_on_commit_callbacks
):
    """Approval publishes the village, adds the applicant to its admins, and is audited."""
    # given
    village = services.village_apply(applicant=user, **application())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.village_approve(village=village, by=staff)
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.APPROVED
    assert village.status_changed_at is not None
    assert list(village.admins.all()) == [user]
    event = village.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        VillageAction.APPROVED,
        VillageStatus.APPLIED,
        VillageStatus.APPROVED,
        staff,
    )
    assert changed == [village.pk]


def test_reject_keeps_the_reason_for_the_applicant(user, staff):
    """A rejection stores the reason on the village and in the audit trail."""
    # given
    village = services.village_apply(applicant=user, **application())
    # when
    services.village_reject(village=village, by=staff, reason="  Photos are missing.  ")
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.REJECTED
    assert village.rejection_reason == "Photos are missing."
    assert list(village.admins.all()) == []
    event = village.events.latest("pk")
    assert (event.action, event.reason) == (VillageAction.REJECTED, "Photos are missing.")


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_a_reason_is_refused(user, staff, reason):
    """Rejecting needs a reason; nothing changes without one."""
    # given
    village = services.village_apply(applicant=user, **application())
    # when
    with pytest.raises(ReasonRequired):
        services.village_reject(village=village, by=staff, reason=reason)
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.APPLIED
    assert village.events.count() == 1


def test_only_staff_review_villages(user):
    """An applicant cannot approve their own village."""
    # given
    village = services.village_apply(applicant=user, **application())
    # when
    with pytest.raises(NotStaff):
        services.village_approve(village=village, by=user)
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.APPLIED


def test_a_rejected_village_cannot_be_approved(staff):
    """Transitions follow the table: rejected is final."""
    # given
    village = VillageFactory(rejected=True)
    # when
    with pytest.raises(TransitionNotAllowed):
        services.village_approve(village=village, by=staff)
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.REJECTED
    assert village.events.count() == 0


def test_a_stale_copy_cannot_move_the_status(user, staff):
    """Two reviewers with the same old copy: the second is told it is stale."""
    # given
    village = services.village_apply(applicant=user, **application())
    stale = Village.objects.get(pk=village.pk)
    services.village_reject(village=village, by=staff, reason="No.")
    # when
    with pytest.raises(StaleState):
        services.village_approve(village=stale, by=staff)
    # then
    village.refresh_from_db()
    assert village.status == VillageStatus.REJECTED
    assert list(village.admins.all()) == []


def test_suspend_then_approve_again(staff, changed, django_capture_on_commit_callbacks):
    """A suspended village can be reinstated; both steps are audited."""
    # given
    village = VillageFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.village_suspend(village=village, by=staff, reason="Complaints")
        services.village_approve(village=village, by=staff)
    # then
    assert village.status == VillageStatus.APPROVED
    assert [(e.from_status, e.to_status) for e in village.events.order_by("pk")] == [
        (VillageStatus.APPROVED, VillageStatus.SUSPENDED),
        (VillageStatus.SUSPENDED, VillageStatus.APPROVED),
    ]
    assert changed == [village.pk, village.pk]


def test_village_events_are_append_only(user):
    """An audit row can be neither changed nor deleted."""
    # given
    village = services.village_apply(applicant=user, **application())
    event = village.events.get()
    # when / then
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert VillageEvent.objects.get(pk=event.pk).reason == ""


# --- the page --------------------------------------------------------------------------------


def page(**overrides):
    data = {
        "description": "New description.",
        "specialities": "Tea\nMacadamia",
        "attractions": "",
        "contact_name": "Peter",
        "contact_phone": "+254 722 000 111",
    }
    data.update(overrides)
    return data


def test_update_changes_the_page_and_tells_the_catalogue(
    changed, django_capture_on_commit_callbacks
):
    """An administrator's edit is saved, audited, and announced after commit."""
    # given
    village = VillageFactory()
    admin = village.applicant
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.village_update(village=village, by=admin, **page())
    # then
    village.refresh_from_db()
    assert village.speciality_list == ["Tea", "Macadamia"]
    assert village.contact_phone == "+254722000111"
    event = village.events.get()
    assert event.action == VillageAction.UPDATED
    assert event.detail == "description, specialities, attractions, contact_name, contact_phone"
    assert changed == [village.pk]


def test_update_by_another_user_is_refused():
    """Only the village's admins (or staff) may edit it."""
    # given
    village = VillageFactory()
    other = UserFactory()
    # when
    with pytest.raises(NotVillageAdmin):
        services.village_update(village=village, by=other, **page())
    # then
    village.refresh_from_db()
    assert village.description == VillageFactory.description
    assert village.events.count() == 0


def test_staff_may_update_any_village():
    """Staff correct any village page."""
    # given
    village = VillageFactory()
    # when
    services.village_update(village=village, by=StaffFactory(), **page(description="Fixed."))
    # then
    village.refresh_from_db()
    assert village.description == "Fixed."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"contact_phone": "abc"}, "contact_phone"), ({"description": "x" * 5001}, "description")],
)
def test_update_with_bad_input_changes_nothing(overrides, field):
    """A refused edit leaves the row and the object as they were."""
    # given
    village = VillageFactory()
    # when
    with pytest.raises(ValidationError) as caught:
        services.village_update(village=village, by=village.applicant, **page(**overrides))
    # then
    assert field in caught.value.message_dict
    assert village.description == VillageFactory.description
    village.refresh_from_db()
    assert village.description == VillageFactory.description
    assert village.events.count() == 0


def test_photo_add_and_remove():
    """Photos are appended after the last one, and removal deletes the files after commit."""
    # given
    village = VillageFactory()
    VillagePhotoFactory(village=village, position=3)
    # when
    rows = services.village_photo_add(
        village=village, by=village.applicant, photos=[png_bytes()], caption="The tea gardens"
    )
    # then
    assert [(r.position, r.caption) for r in rows] == [(4, "The tea gardens")]
    assert rows[0].colour == "#1e783c"  # the photo's average colour, its placeholder
    assert default_storage.exists(f"{rows[0].key}/160.webp")
    # when
    services.village_photo_remove(village=village, by=village.applicant, photo_id=rows[0].pk)
    # then
    assert not village.photos.filter(pk=rows[0].pk).exists()
    assert [e.action for e in village.events.order_by("pk")] == [
        VillageAction.PHOTO_ADDED,
        VillageAction.PHOTO_REMOVED,
    ]


def test_photo_remove_of_another_village_is_not_found():
    """A photo id from another village is refused."""
    # given
    village = VillageFactory()
    foreign = VillagePhotoFactory()
    # when
    with pytest.raises(PhotoNotFound):
        services.village_photo_remove(village=village, by=village.applicant, photo_id=foreign.pk)
    # then
    assert VillagePhoto.objects.filter(pk=foreign.pk).exists()


def test_photo_add_beyond_the_limit_is_refused():
    """A village shows at most MAX_PHOTOS photos."""
    # given
    village = VillageFactory()
    VillagePhotoFactory.create_batch(services.MAX_PHOTOS, village=village)
    before = stored_files()
    # when
    with pytest.raises(ValidationError) as caught:
        services.village_photo_add(village=village, by=village.applicant, photos=[png_bytes()])
    # then
    assert "photos" in caught.value.message_dict
    assert village.photos.count() == services.MAX_PHOTOS
    assert stored_files() == before


# --- service centres -------------------------------------------------------------------------


def test_service_centre_create_with_an_operator_by_phone():
    """The operator is found by the phone number of their account."""
    # given
    village = VillageFactory()
    operator = UserFactory(phone="+254733111222", name="Agnes")
    # when
    centre = services.service_centre_create(
        village=village,
        by=village.applicant,
        name="Othaya market centre",
        address="Next to the bus stage",
        hours="Mon-Sat 8:00-18:00",
        phone="0700 111 222",
        operator_phone="0733 111 222",
    )
    # then
    centre.refresh_from_db()
    assert (centre.operator, centre.phone, centre.is_active) == (operator, "+254700111222", True)
    assert village.events.get().action == VillageAction.CENTRE_CREATED


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"operator_phone": "+254 799 999 999"}, OperatorNotFound, None),
        ({"operator_phone": "123"}, ValidationError, "operator_phone"),
        ({"phone": "not a phone"}, ValidationError, "phone"),
        ({"name": "x" * 121}, ValidationError, "name"),
        ({"address": "x" * 501}, ValidationError, "address"),
        ({"latitude": Decimal(91)}, ValidationError, "latitude"),
    ],
)
def test_service_centre_create_refuses_bad_input(overrides, error, field):
    """Bad input creates no centre and no audit entry."""
    # given
    village = VillageFactory()
    data = {"name": "Centre", "address": "Road", "hours": "Daily", **overrides}
    # when
    with pytest.raises(error) as caught:
        services.service_centre_create(village=village, by=village.applicant, **data)
    # then
    if field:
        assert field in caught.value.message_dict
    else:
        assert caught.value.field == "operator_phone"
    assert ServiceCentre.objects.count() == 0
    assert village.events.count() == 0


def test_service_centre_update_and_close():
    """An admin edits a centre, then closes it."""
    # given
    centre = ServiceCentreFactory()
    admin = centre.village.applicant
    # when
    services.service_centre_update(
        centre=centre, by=admin, name="Renamed", address="New road", hours="Daily", is_active=True
    )
    services.service_centre_close(centre=centre, by=admin)
    # then
    centre.refresh_from_db()
    assert (centre.name, centre.operator, centre.is_active) == ("Renamed", None, False)


def test_service_centre_update_by_another_user_is_refused():
    """Another user cannot change a centre."""
    # given
    centre = ServiceCentreFactory(name="Original")
    # when
    with pytest.raises(NotVillageAdmin):
        services.service_centre_update(
            centre=centre, by=UserFactory(), name="Hijacked", address="x", hours="x"
        )
    # then
    centre.refresh_from_db()
    assert centre.name == "Original"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_reject_only_one_wins():
    """Two reviewers acting at once on the same application: exactly one decision sticks."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    # given
    village = VillageFactory(applied=True)
    staff = StaffFactory()
    copies = [Village.objects.get(pk=village.pk) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def review(copy, decide):
        try:
            barrier.wait()
            decide(copy)
            outcomes.append("done")
        except StaleState:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=review, args=(copies[0], lambda v: services.village_approve(village=v, by=staff))
        ),
        threading.Thread(
            target=review,
            args=(copies[1], lambda v: services.village_reject(village=v, by=staff, reason="No")),
        ),
    ]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes) == ["done", "stale"]
    village.refresh_from_db()
    assert village.status in {VillageStatus.APPROVED, VillageStatus.REJECTED}
    assert village.events.count() == 1
    assert village.events.get().to_status == village.status
    assert village.admins.exists() == (village.status == VillageStatus.APPROVED)
