"""The installable app: the manifest, the service worker's script and the offline page."""

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from sokoni.web.views import pwa

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_version():
    pwa.worker_version.cache_clear()
    yield
    pwa.worker_version.cache_clear()


def worker_config(response) -> dict:
    match = re.search(r"^var CONFIG = (.*);$", response.content.decode(), flags=re.M)
    assert match, "the script starts with its configuration"
    return json.loads(match.group(1))


# -- the manifest -------------------------------------------------------------------------------


def test_the_manifest_is_valid_json_for_an_installable_app(client):
    # when
    response = client.get("/manifest.webmanifest")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == data["short_name"] == "Sokoni"
    assert data["start_url"] == "/"
    assert data["scope"] == "/"
    assert data["display"] == "standalone"
    assert data["theme_color"] == "#1d6b3a"
    assert data["background_color"] == "#ffffff"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


def test_the_manifests_icons_exist_as_pngs_of_their_stated_size(client):
    from PIL import Image

    data = json.loads(client.get("/manifest.webmanifest").content)
    for icon in data["icons"]:
        name = icon["src"].removeprefix("/static/")
        path = finders.find(name)
        assert isinstance(path, str), icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert "x".join(map(str, image.size)) == icon["sizes"]
        assert client.get(icon["src"]).status_code == 200


def test_the_manifest_opens_the_app_in_the_readers_language(client):
    data = json.loads(client.get("/sw/manifest.webmanifest").content)
    assert data["start_url"] == "/sw/"
    assert data["lang"] == "sw"
    assert data["id"] == "/"


def test_every_page_links_the_manifest_and_a_deferred_registration_script(client):
    html = client.get(reverse("web:home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(r'<script src="/static/web/pwa\.js" defer></script>', html)
    assert 'id="offline-note" hidden>You are offline. This page was last updated {when}.' in html


def test_the_registration_script_is_small():
    path = finders.find("web/pwa.js")
    assert isinstance(path, str)
    with open(path, "rb") as handle:
        assert len(gzip.compress(handle.read())) <= 2 * 1024


# -- the service worker -------------------------------------------------------------------------


def test_the_worker_is_served_at_the_root_as_javascript_never_from_a_cache(client):
    # when
    response = client.get("/sw.js")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "skipWaiting" in body
    assert "clients.claim" in body
    assert len(gzip.compress(response.content)) <= 4 * 1024


def test_the_worker_is_never_redirected_to_a_language(client):
    """A browser refuses a redirected worker: a French first visit gets the script itself."""
    response = client.get("/sw.js", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200


def test_the_worker_precaches_the_shell_and_knows_each_languages_offline_page(client):
    config = worker_config(client.get("/sw.js"))
    assert "/static/web/sokoni.css" in config["shell"]
    assert "/static/web/icons.svg" in config["shell"]
    assert "/static/web/pwa.js" in config["shell"]
    assert config["defaultOffline"] == "/offline/"
    assert config["offline"]["sw"] == "/sw/offline/"
    assert config["offline"]["zh-hans"] == "/zh-hans/offline/"
    for url in config["shell"]:
        assert client.get(url).status_code == 200, url


def test_the_version_changes_when_a_static_file_changes(client, monkeypatch):
    # given
    before = worker_config(client.get("/sw.js"))["version"]
    real = pwa._static_bytes
    # when: a release changes the stylesheet
    monkeypatch.setattr(
        pwa,
        "_static_bytes",
        lambda name: real(name) + (b"\n.new{}" if name == "web/sokoni.css" else b""),
    )
    pwa.worker_version.cache_clear()
    after = worker_config(client.get("/sw.js"))["version"]
    # then
    assert re.fullmatch(r"[0-9a-f]{16}", before)
    assert after != before


def test_the_version_is_stable_while_nothing_changes(client):
    first = worker_config(client.get("/sw.js"))["version"]
    pwa.worker_version.cache_clear()
    assert worker_config(client.get("/sw.js"))["version"] == first


def test_the_worker_never_keeps_private_areas():
    """The worker's pattern of public pages, checked against the site's addresses."""
    from django.template.loader import get_template

    worker = get_template("web/sw.js").template.source
    pattern = re.search(r"var PUBLIC = /(.*)/;", worker).group(1)
    public = re.compile(pattern.replace("\\/", "/"))
    kept = [
        "/",
        "/sw/",
        "/zh-hans/",
        "/villages/othaya/",
        "/shops/aberdare-honey/",
        "/products/12/",
        "/products/12/honey/",
        "/fr/products/12/honey/",
    ]
    never = [
        "/cart/",
        "/orders/",
        "/orders/3/",
        "/messages/",
        "/messages/4/",
        "/seller/",
        "/seller/wallet/",
        "/agent/",
        "/staff/disputes/",
        "/villages/apply/",
        "/villages/mine/",
        "/accounts/login/",
        "/checkout/",
        "/search/",
        "/offline/",
        # dispute evidence and photos in messages (fetched as images, or opened full size)
        "/private-photo/dispute/1/960.webp",
        "/private-photo/message/2/160.webp",
        "/fr/private-photo/message/2/160.webp",
    ]
    assert [url for url in kept if not public.match(url)] == []
    assert [url for url in never if public.match(url)] == []


# -- the offline page ---------------------------------------------------------------------------


def test_the_offline_page_says_so_in_the_readers_language(client):
    response = client.get(reverse("web:offline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>You are offline</h1>" in html
    assert client.get("/sw/offline/").status_code == 200
