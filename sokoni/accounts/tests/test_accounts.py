"""Sign-up, login, throttling, preferences and first-visit language."""

import pytest
from django.urls import reverse

from sokoni.accounts.models import LoginFailure, User
from sokoni.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_stores_phone_in_e164_and_logs_in(client):
    """A Kenyan number written locally is stored as +254… and the new user is signed in."""
    # when
    response = client.post(
        reverse("accounts:signup"),
        {
            "phone": "0712 345 678",
            "name": "Wanjiru",
            "password": "shamba-2026!",
            "password_again": "shamba-2026!",
        },
    )
    # then
    assert response.status_code == 302
    user = User.objects.get()
    assert user.phone == "+254712345678"
    assert user.name == "Wanjiru"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_accepts_any_country(client):
    """An international number with its + prefix works (here a Chinese mobile)."""
    client.post(
        reverse("accounts:signup"),
        {
            "phone": "+86 138 0013 8000",
            "password": "shamba-2026!",
            "password_again": "shamba-2026!",
        },
    )
    assert User.objects.get().phone == "+8613800138000"


@pytest.mark.parametrize("phone", ["12", "not a phone", "+999 123", "0" * 40, "+2547\x0012345678"])
def test_sign_up_refuses_invalid_phone_and_saves_nothing(client, phone):
    """Invalid phone numbers get a message next to the field; no account is made."""
    response = client.post(
        reverse("accounts:signup"),
        {"phone": phone, "password": "shamba-2026!", "password_again": "shamba-2026!"},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert User.objects.count() == 0


def test_sign_up_refuses_taken_phone(client):
    UserFactory(phone="+254712345678")
    response = client.post(
        reverse("accounts:signup"),
        {"phone": "0712345678", "password": "shamba-2026!", "password_again": "shamba-2026!"},
    )
    assert "already exists" in str(response.context["form"].errors["phone"])
    assert User.objects.count() == 1


def test_sign_up_refuses_mismatched_or_weak_password(client):
    r1 = client.post(
        reverse("accounts:signup"),
        {"phone": "0712345678", "password": "shamba-2026!", "password_again": "other-2026!"},
    )
    r2 = client.post(
        reverse("accounts:signup"),
        {"phone": "0712345678", "password": "123", "password_again": "123"},
    )
    assert "password_again" in r1.context["form"].errors
    assert "password" in r2.context["form"].errors
    assert User.objects.count() == 0


def test_log_in_with_phone_in_local_form_and_log_out(client):
    user = UserFactory(phone="+254712345678")
    response = client.post(
        reverse("accounts:login"), {"phone": "0712 345678", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_five_failures(client):
    """Five wrong passwords lock the number out, even for the right password, and say so."""
    UserFactory(phone="+254712345678")
    for _ in range(5):
        r = client.post(reverse("accounts:login"), {"phone": "+254712345678", "password": "wrong"})
        assert r.status_code == 200
        assert "not correct" in r.content.decode()
    response = client.post(
        reverse("accounts:login"), {"phone": "+254712345678", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.count() == 5


def test_logout_needs_post(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_change_language_and_currency(client, user):
    """Saved preferences change the account and the language of the next page."""
    client.force_login(user)
    response = client.post(reverse("accounts:preferences"), {"language": "sw", "currency": "USD"})
    user.refresh_from_db()
    assert (user.language, user.currency) == ("sw", "USD")
    assert response["Location"].startswith("/sw/")
    assert response.cookies["django_language"].value == "sw"


def test_preferences_refuse_unknown_currency(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:preferences"), {"language": "sw", "currency": "XXX"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.language, user.currency) == ("en", "KES")


def test_preferences_need_login(client):
    response = client.get(reverse("accounts:preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_accept_language_chooses_on_first_visit(client):
    """A browser asking for French is sent to /fr/ the first time; a cookie choice wins after."""
    response = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    client.cookies["django_language"] = "en"
    assert client.get("/", headers={"accept-language": "fr"}).status_code == 200


def test_language_picker_switches_and_remembers(client, user):
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/villages/"})
    assert response["Location"] == "/ko/villages/"
    user.refresh_from_db()
    assert user.language == "ko"


def test_throttling_forgets_failures_after_the_window(client, settings):
    """Failures older than the window are dropped and no longer lock the number."""
    from datetime import timedelta

    from django.utils import timezone

    # given five old failures
    UserFactory(phone="+254712345678")
    old = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 60)
    LoginFailure.objects.bulk_create(
        [LoginFailure(phone="+254712345678", at=old) for _ in range(5)]
    )
    # when a new failure arrives, then the right password works
    client.post(reverse("accounts:login"), {"phone": "+254712345678", "password": "wrong"})
    assert LoginFailure.objects.count() == 1
    response = client.post(
        reverse("accounts:login"), {"phone": "+254712345678", "password": PASSWORD}
    )
    assert response.status_code == 302
