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
