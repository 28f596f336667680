"""Sign-up is limited per client address (RATE_LIMITS["signup"], accounts created): past it the
form says so with a 429, and no account is made."""

import pytest
from django.test import Client
from django.urls import reverse

from sokoni.accounts.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, phone):
    return client.post(
        reverse("accounts:signup"),
        {
            "phone": phone,
            "name": "Wanjiru",
            "password": "shamba-2026!",
            "password_again": "shamba-2026!",
        },
    )


def test_accounts_past_the_limit_from_one_address_are_refused(settings, caplog):
    """Two accounts an hour from one address: the third attempt gets the form back with the
    reason, status 429, and nothing is created; another address still signs up."""
    # given
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/h"}
    for phone in ("0712 345 601", "0712 345 602"):
        assert sign_up(Client(REMOTE_ADDR="203.0.113.7"), phone).status_code == 302
    # when
    with caplog.at_level("WARNING", logger="sokoni.security"):
        refused = sign_up(Client(REMOTE_ADDR="203.0.113.7"), "0712 345 603")
    elsewhere = sign_up(Client(REMOTE_ADDR="203.0.113.8"), "0712 345 604")
    # then
    assert refused.status_code == 429
    assert "Too many accounts were created from here" in refused.content.decode()
    assert not User.objects.filter(phone="+254712345603").exists()
    assert elsewhere.status_code == 302
    assert User.objects.count() == 3
    assert "refused 429 rate limit signup" in caplog.text


def test_failed_sign_ups_do_not_use_up_the_limit(settings):
    """A mistyped form (passwords that differ) counts nothing: only accounts made count."""
    # given
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "1/h"}
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(3):
        response = client.post(
            reverse("accounts:signup"),
            {"phone": "0712 345 601", "password": "shamba-2026!", "password_again": "other"},
        )
        assert response.status_code == 200
    # when
    response = sign_up(client, "0712 345 601")
    # then
    assert response.status_code == 302
    assert User.objects.count() == 1
