"""Shipped languages: every string is translated, and pages speak the reader's language."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "sokoni" / "locale"
SHIPPED = ["sw", "hi", "zh_Hans", "ko", "es", "fr"]


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_interface_string_is_translated(locale):
    """No message of the interface is left untranslated or fuzzy in a shipped language."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert missing == []


@pytest.mark.parametrize("locale", SHIPPED)
def test_placeholders_survive_translation(locale):
    """A translation uses exactly the placeholders of its message (plurals: any of the forms')."""
    pattern = re.compile(r"%\(\w+\)[sd]")
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    broken = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            allowed = set(pattern.findall(" ".join(message.id)))
            broken.extend(
                (message.id, target)
                for target in message.string
                if not set(pattern.findall(target)) <= allowed
            )
        elif set(pattern.findall(message.id)) != set(pattern.findall(message.string)):
            broken.append((message.id, message.string))
    assert broken == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "word"),
    [("sw", "sw"), ("hi", "hi"), ("zh-hans", "zh-hans"), ("ko", "ko"), ("es", "es"), ("fr", "fr")],
)
def test_prefixed_pages_are_served_in_their_language(client, language, word):
    """/sw/ etc. render with lang set and the search button translated."""
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{word}"' in html
    with translation.override(language):
        assert f">{translation.gettext('Search')}</button>" in html
        assert translation.gettext("Search") != "Search"


@pytest.mark.django_db
def test_not_found_page_is_in_the_readers_language(client):
    response = client.get("/fr/products/999999/nothing/")
    assert response.status_code == 404
    with translation.override("fr"):
        assert translation.gettext("Page not found") in response.content.decode()


@pytest.mark.django_db
def test_english_has_no_prefix(client):
    assert reverse("web:village_list") == "/villages/"
    with translation.override("sw"):
        assert reverse("web:village_list") == "/sw/villages/"
