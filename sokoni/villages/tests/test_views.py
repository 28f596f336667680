"""The villages pages: apply, my villages, edit the page and photos, service centres."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.villages import services
from sokoni.villages.models import ServiceCentre, Village, VillageEvent, VillagePhoto
from sokoni.villages.states import VillageStatus
from sokoni.villages.tests.factories import (
    ServiceCentreFactory,
    VillageFactory,
    VillagePhotoFactory,
    png_bomb_bytes,
    png_bytes,
)
from sokoni.villages.tests.test_services import stored_files

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Santa Catarina",
        "country": "CV",
        "region": "Santiago",
        "district": "Assomada",
        "latitude": "15.1",
        "longitude": "-23.683333",
        "households": "900",
        "description": "Weavers and potters in the hills of Santiago.",
        "specialities": "Weaving\nPottery",
        "attractions": "Market day on Wednesdays",
        "contact_name": "Maria Tavares",
        "contact_phone": "+238 991 23 45",
    }
    data.update(overrides)
    return data


def upload(name="photo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type)


def error_of(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


# --- apply -----------------------------------------------------------------------------------


def test_apply_needs_a_login(client):
    """Anonymous visitors are sent to log in first."""
    # when
    response = client.get(reverse("villages:apply"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_apply_form_lists_countries_in_the_readers_language(client, user):
    """Country names come from Babel in the page's language."""
    # given
    client.force_login(user)
    # when
    english = client.get(reverse("villages:apply")).content.decode()
    french = client.get("/fr" + reverse("villages:apply")).content.decode()
    # then
    assert '<option value="CV">Cape Verde</option>' in english
    assert '<option value="CV">Cap-Vert</option>' in french
    assert 'type="file" name="photos"' in english
    assert "multiple" in english


def test_apply_happy_path(client, user):
    """A full application with two photos waits for review and is listed under "mine"."""
    # given
    client.force_login(user)
    # when
    response = client.post(
        reverse("villages:apply"),
        {**form_data(), "photos": [upload("a.png"), upload("b.jpg", content=png_bytes(30, 30))]},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("villages:mine")
    village = Village.objects.get()
    assert (village.name, village.slug, village.status, village.applicant) == (
        "Santa Catarina",
        "santa-catarina",
        VillageStatus.APPLIED,
        user,
    )
    assert str(village.latitude) == "15.100000"
    assert village.contact_phone == "+2389912345"
    assert village.photos.count() == 2
    mine = client.get(reverse("villages:mine")).content.decode()
    assert "Santa Catarina" in mine
    assert "Applied, waiting for review" in mine


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact_phone": "12345"}, "contact_phone", "Enter a valid phone number"),
        ({"latitude": "91"}, "latitude", "Latitude must be between -90 and 90"),
        ({"longitude": "-181"}, "longitude", "Longitude must be between -180 and 180"),
        ({"latitude": "north"}, "latitude", "Enter a number"),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
        ({"description": "x" * 5001}, "description", "at most 5000 characters"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"households": "0"}, "households", "greater than or equal to 1"),
        ({"name": "Bad\x07name"}, "name", "control characters"),
    ],
)
def test_apply_refuses_bad_input_next_to_the_field(client, user, overrides, field, message):
    """Each bad input shows its message next to the field and saves nothing."""
    # given
    client.force_login(user)
    before = stored_files()
    # when
    response = client.post(
        reverse("villages:apply"), {**form_data(**overrides), "photos": [upload()]}
    )
    # then
    assert response.status_code == 200
    assert message in error_of(response, field)
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Village.objects.count() == 0
    assert VillagePhoto.objects.count() == 0
    assert stored_files() == before


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (upload("notes.png", content=b"plain text, not a photo"), "not a photo we can read"),
        (upload("bomb.png", content=png_bomb_bytes(20_000, 20_000)), "too many pixels"),
    ],
)
def test_apply_with_a_bad_photo_saves_nothing(client, user, bad, message):
    """A non-image or a decompression bomb next to a good photo: message, nothing stored."""
    # given
    client.force_login(user)
    before = stored_files()
    # when
    response = client.post(reverse("villages:apply"), {**form_data(), "photos": [upload(), bad]})
    # then
    assert response.status_code == 200
    assert message in error_of(response, "photos")
    assert bad.name in error_of(response, "photos")
    assert Village.objects.count() == 0
    assert VillageEvent.objects.count() == 0
    assert stored_files() == before


def test_mine_shows_the_rejection_reason(client, user, staff):
    """The applicant sees the outcome and the reason of a rejection."""
    # given
    village = VillageFactory(applied=True, applicant=user, name="Korogocho")
    services.village_reject(village=village, by=staff, reason="Add the contact's phone.")
    client.force_login(user)
    # when
    page = client.get(reverse("villages:mine")).content.decode()
    # then
    assert "Korogocho" in page
    assert "Rejected" in page
    assert "Add the contact&#x27;s phone." in page
    assert reverse("villages:edit", args=[village.slug]) not in page


def test_mine_links_to_edit_for_an_approved_village(client):
    """An administrator of an approved village gets links to edit it and its centres."""
    # given
    village = VillageFactory()
    client.force_login(village.applicant)
    # when
    page = client.get(reverse("villages:mine")).content.decode()
    # then
    assert reverse("villages:edit", args=[village.slug]) in page
    assert reverse("villages:centres", args=[village.slug]) in page


def test_mine_lists_villages_administered_but_not_applied_for(client):
    """A co-administrator sees the village too."""
    # given
    co_admin = UserFactory()
    village = VillageFactory(name="Dongfeng")
    village.admins.add(co_admin)
    client.force_login(co_admin)
    # when
    page = client.get(reverse("villages:mine")).content.decode()
    # then
    assert "Dongfeng" in page
    assert reverse("villages:edit", args=[village.slug]) in page


# --- edit ------------------------------------------------------------------------------------


def edit_data(**overrides):
    data = {
        "description": "Silk weaving since the 1900s.",
        "specialities": "Silk\nSilverware",
        "attractions": "Weaving workshops",
        "contact_name": "Sokha",
        "contact_phone": "+855 12 345 678",
    }
    data.update(overrides)
    return data


def test_admin_edits_the_village_page(client):
    """A village administrator saves the page."""
    # given
    village = VillageFactory()
    client.force_login(village.applicant)
    # when
    response = client.post(reverse("villages:edit", args=[village.slug]), edit_data())
    # then
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.speciality_list == ["Silk", "Silverware"]
    assert village.contact_phone == "+85512345678"


def test_staff_edits_any_village_page(client):
    """Staff may edit a village they do not administer."""
    # given
    village = VillageFactory()
    client.force_login(StaffFactory())
    # when
    response = client.post(reverse("villages:edit", args=[village.slug]), edit_data())
    # then
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.description == "Silk weaving since the 1900s."


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_user_gets_404_on_the_edit_page(client, method):
    """A signed-in user who does not administer the village is told it does not exist."""
    # given
    village = VillageFactory()
    client.force_login(UserFactory())
    # when
    response = getattr(client, method)(reverse("villages:edit", args=[village.slug]), edit_data())
    # then
    assert response.status_code == 404
    village.refresh_from_db()
    assert village.description == VillageFactory.description


def test_edit_with_a_bad_phone_saves_nothing(client):
    """A bad contact phone is shown next to the field."""
    # given
    village = VillageFactory()
    client.force_login(village.applicant)
    # when
    response = client.post(
        reverse("villages:edit", args=[village.slug]), edit_data(contact_phone="call me")
    )
    # then
    assert response.status_code == 200
    assert "Enter a valid phone number" in error_of(response, "contact_phone")
    village.refresh_from_db()
    assert village.description == VillageFactory.description


def test_add_and_remove_photos_on_the_edit_page(client):
    """An administrator adds two photos, then removes one."""
    # given
    village = VillageFactory()
    client.force_login(village.applicant)
    # when
    response = client.post(
        reverse("villages:photo_add", args=[village.slug]),
        {"photos": [upload(), upload("b.png")], "caption": "Looms"},
    )
    # then
    assert response.status_code == 302
    photos = list(village.photos.all())
    assert [p.caption for p in photos] == ["Looms", "Looms"]
    # when
    response = client.post(reverse("villages:photo_remove", args=[village.slug, photos[0].pk]))
    # then
    assert response.status_code == 302
    assert list(village.photos.all()) == photos[1:]


def test_add_a_non_image_photo_shows_the_error_and_stores_nothing(client):
    """A bad upload on the edit page is reported next to the photos field."""
    # given
    village = VillageFactory()
    client.force_login(village.applicant)
    before = stored_files()
    # when
    response = client.post(
        reverse("villages:photo_add", args=[village.slug]),
        {"photos": [upload(), upload("x.gif", content=b"GIF89a broken")]},
    )
    # then
    assert response.status_code == 200
    assert "not a photo we can read" in " ".join(response.context["photos_form"].errors["photos"])
    assert village.photos.count() == 0
    assert stored_files() == before


def test_another_user_cannot_remove_a_photo(client):
    """Removing a photo of a village one does not administer is a 404."""
    # given
    photo = VillagePhotoFactory()
    client.force_login(UserFactory())
    # when
    response = client.post(reverse("villages:photo_remove", args=[photo.village.slug, photo.pk]))
    # then
    assert response.status_code == 404
    assert VillagePhoto.objects.filter(pk=photo.pk).exists()


# --- service centres -------------------------------------------------------------------------


def centre_data(**overrides):
    data = {
        "name": "Karatina pickup point",
        "address": "Opposite the market",
        "hours": "Mon-Sat 8:00-18:00",
        "phone": "",
        "operator_phone": "",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


def test_admin_adds_a_service_centre(client):
    """A centre with an operator chosen by phone number is created."""
    # given
    village = VillageFactory()
    operator = UserFactory(phone="+254711222333")
    client.force_login(village.applicant)
    # when
    response = client.post(
        reverse("villages:centres", args=[village.slug]),
        centre_data(operator_phone="0711 222 333", latitude="-0.42"),
    )
    # then
    assert response.status_code == 302
    centre = ServiceCentre.objects.get()
    assert (centre.village, centre.operator, str(centre.latitude)) == (
        village,
        operator,
        "-0.420000",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"operator_phone": "+254 700 000 001"}, "operator_phone", "No Sokoni account"),
        ({"operator_phone": "12"}, "operator_phone", "Enter a valid phone number"),
        ({"phone": "12"}, "phone", "Enter a valid phone number"),
        ({"latitude": "91"}, "latitude", "Latitude must be between"),
        ({"longitude": "-181"}, "longitude", "Longitude must be between"),
        ({"name": ""}, "name", "This field is required"),
        ({"hours": "x" * 201}, "hours", "at most 200 characters"),
    ],
)
def test_service_centre_bad_input_is_refused(client, overrides, field, message):
    """Bad centre input shows the message next to the field and creates nothing."""
    # given
    village = VillageFactory()
    client.force_login(village.applicant)
    # when
    response = client.post(
        reverse("villages:centres", args=[village.slug]), centre_data(**overrides)
    )
    # then
    assert response.status_code == 200
    assert message in error_of(response, field)
    assert ServiceCentre.objects.count() == 0


def test_admin_edits_and_closes_a_service_centre(client):
    """The edit form saves changes; the close button closes the centre."""
    # given
    centre = ServiceCentreFactory()
    slug = centre.village.slug
    client.force_login(centre.village.applicant)
    # when
    response = client.post(
        reverse("villages:centre_edit", args=[slug, centre.pk]),
        centre_data(name="New name", operator_phone=centre.operator.phone, is_active="on"),
    )
    # then
    assert response.status_code == 302
    centre.refresh_from_db()
    assert (centre.name, centre.is_active) == ("New name", True)
    # when
    response = client.post(reverse("villages:centre_close", args=[slug, centre.pk]))
    # then
    assert response.status_code == 302
    centre.refresh_from_db()
    assert centre.is_active is False


def test_service_centre_edit_with_bad_input_changes_nothing(client):
    """An unknown operator on the edit form: message, centre unchanged."""
    # given
    centre = ServiceCentreFactory(name="Kept")
    client.force_login(centre.village.applicant)
    # when
    response = client.post(
        reverse("villages:centre_edit", args=[centre.village.slug, centre.pk]),
        centre_data(name="Changed", operator_phone="+254 700 000 009", is_active="on"),
    )
    # then
    assert response.status_code == 200
    assert "No Sokoni account" in error_of(response, "operator_phone")
    centre.refresh_from_db()
    assert centre.name == "Kept"


@pytest.mark.parametrize("view", ["centres", "centre_edit", "centre_close"])
def test_another_user_gets_404_on_service_centres(client, view):
    """Service centres of a village are managed only by its admins or staff."""
    # given
    centre = ServiceCentreFactory(name="Kept")
    client.force_login(UserFactory())
    args = [centre.village.slug] if view == "centres" else [centre.village.slug, centre.pk]
    # when
    response = client.post(reverse(f"villages:{view}", args=args), centre_data(name="Hijack"))
    # then
    assert response.status_code == 404
    centre.refresh_from_db()
    assert (centre.name, centre.is_active) == ("Kept", True)
    assert ServiceCentre.objects.count() == 1


def test_a_centre_of_another_village_is_404_for_this_villages_admin(client):
    """An admin of one village cannot reach another village's centre through their own slug."""
    # given
    mine = VillageFactory()
    foreign = ServiceCentreFactory()
    client.force_login(mine.applicant)
    # when
    response = client.post(reverse("villages:centre_close", args=[mine.slug, foreign.pk]))
    # then
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active is True
