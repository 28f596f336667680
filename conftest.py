"""Shared fixtures for the whole suite."""

import pytest


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests speak English unless they ask for another language."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (pages keep small lists there for a minute)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    from sokoni.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff(db):
    from sokoni.accounts.tests.factories import StaffFactory

    return StaffFactory()
