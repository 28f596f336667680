"""Uploaded photos are served from storage; nothing outside it ever is."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


@pytest.mark.django_db
def test_a_stored_rendition_is_served_with_its_type(client):
    default_storage.save("products/abc/160.webp", ContentFile(b"RIFF....WEBP"))
    response = client.get("/media/products/abc/160.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content) == b"RIFF....WEBP"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/media/../../etc/passwd", 400),
        ("/media/%2e%2e/secret_key", 400),
        ("/media/nothing.webp", 404),
        ("/media//etc/passwd", 400),
    ],
)
def test_paths_outside_storage_or_missing_are_refused(client, path, status):
    client.raise_request_exception = False
    assert client.get(path).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("products/abc/photo.jpg", "image/jpeg"),
        ("products/abc/photo.JPEG", "image/jpeg"),
        ("products/abc/photo.png", "image/png"),
        ("products/abc/photo.gif", "image/gif"),
    ],
)
def test_known_image_types_are_shown_inline_and_never_sniffed(client, key, content_type):
    """Images are served as what they are, with nosniff, not as downloads."""
    # given
    default_storage.save(key, ContentFile(b"\x89PNG...."))
    # when
    response = client.get(f"/media/{key}")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["page.html", "image.svg", "run.js", "notes.txt", "noext"])
def test_anything_else_is_a_download_of_no_particular_type(client, name):
    """An uploaded page, SVG or script is never rendered or run from the site's origin: it
    is an attachment, application/octet-stream, nosniff."""
    # given
    default_storage.save(f"products/1/{name}", ContentFile(b"<script>alert(1)</script>"))
    # when
    response = client.get(f"/media/products/1/{name}")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/media/products/../../secret_key",
        "/media/products/%2e%2e/%2e%2e/secret_key",
        "/media/products/%2E%2E%2Fsecret_key",
        "/media/%2Fetc%2Fpasswd",
        "/media/products\\..\\..\\secret_key",
        "/media/products%5C..%5Csecret_key",
        "/media/products/abc/160.webp%00.html",
        "/media/C:/Windows/win.ini",
        "/media/products/./abc/160.webp",
        "/media/.hidden",
    ],
)
def test_traversal_and_odd_paths_are_refused_and_logged(client, caplog, path):
    """Parent parts (plain or encoded), absolute paths, backslashes, NUL, drive letters and
    dot parts: a 400 page (never a 500, never a file), logged on sokoni.security."""
    # given
    default_storage.save("products/abc/160.webp", ContentFile(b"RIFF....WEBP"))
    client.raise_request_exception = False
    # when
    with caplog.at_level("WARNING", logger="sokoni.security"):
        response = client.get(path)
    # then
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"Traceback" not in response.content
    assert any(r.name == "sokoni.security" and "400" in r.getMessage() for r in caplog.records)
