"""Private photos: dispute evidence and photos sent in messages, for the people who may see them.

They may show a person's home, face, papers or parcel, so unlike product, shop, village and
review photos they never go through the public ``/media/`` view (which refuses their keys, see
``core.images.is_private_key``) nor a public bucket. Each request names the photo's row and a
rendition; the same permission-scoped selectors as the dispute and message pages decide, and
anyone else gets a 404 (nothing tells a stranger the photo exists). Anonymous visitors are sent
to log in, like every other private page.

The answer streams the rendition from the default storage (the local folder or S3 alike) as
``image/webp``, ``Cache-Control: private`` (the reader's browser may keep it, a shared cache
may not), ``Vary: Cookie``, ``nosniff`` and ``Cross-Origin-Resource-Policy: same-origin``;
an ETag lets a browser revalidate with a 304 (ConditionalGetMiddleware), after the check.
"""

from __future__ import annotations

import hashlib
from typing import Final

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_http_methods

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.core.images import SIZES, rendition_path
from sokoni.orders import selectors as orders
from sokoni.orders.views.common import user_of, visible
from sokoni.trust import selectors as trust
from sokoni.trust.messages import attachment_for_staff
from sokoni.trust.models import MessageAttachment

# The reader's browser keeps a rendition this long (a photo's key never changes).
MAX_AGE: Final = 3600


def _rendition(key: str, size: int) -> FileResponse:
    """Stream one stored rendition of a photo the caller may see; 404 for an unknown size or a
    missing file."""
    path = rendition_path(key, size)
    if not default_storage.exists(path):
        raise Http404
    response = FileResponse(
        default_storage.open(path), content_type="image/webp", filename=f"photo-{size}.webp"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["ETag"] = f'"{hashlib.blake2b(path.encode(), digest_size=16).hexdigest()}"'
    patch_cache_control(response, private=True, max_age=MAX_AGE)
    patch_vary_headers(response, ("Cookie",))
    return response


def _check_size(size: int) -> None:
    """Only the stored renditions exist (checked before anyone's access is looked up)."""
    if size not in SIZES:
        raise Http404


@login_required
@require_http_methods(["GET", "HEAD"])
def dispute_photo(request: HttpRequest, pk: int, size: int) -> FileResponse:
    """A photo of a dispute statement: the order's buyer, the shop's owner and staff."""
    user = user_of(request)
    _check_size(size)
    photo = visible(lambda: orders.dispute_photo_get(user, pk))
    return _rendition(photo.key, size)


def _attachment(user: User, pk: int) -> MessageAttachment:
    try:
        return trust.attachment_get_for_participant(user.pk, pk)
    except NotFound:
        if not user.is_staff:
            raise
    # Staff only while the thread is open to them (reported or disputed), and logged.
    return attachment_for_staff(staff=user, attachment_id=pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def message_photo(request: HttpRequest, pk: int, size: int) -> FileResponse:
    """A photo sent in a message: the thread's buyer and the shop's owner; staff while a
    message in the thread is reported or its order is disputed (``thread_for_staff``)."""
    user = user_of(request)
    _check_size(size)
    attachment = visible(lambda: _attachment(user, pk))
    return _rendition(attachment.key, size)
