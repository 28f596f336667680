"""Photo uploads: validate and turn into a few WebP thumbnails with Pillow.

Non-images, oversized files and decompression bombs are refused with a clear message before
anything is stored.

Public photos (products, shops, villages, reviews) are served by their storage URL
(``photo_url``). Private ones (dispute evidence, photos sent in messages) are stored under
``private_folder(...)`` and only ever served by a view that checks who asks; the public
``/media/`` view refuses every key ``is_private_key`` names, the older rows' keys included.
"""

from __future__ import annotations

import io
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

# Widths of the stored renditions; each is a WebP file under the photo's folder.
SIZES: tuple[int, ...] = (160, 480, 960)
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
# Private photos are stored under this first folder: one prefix for the public media view to
# refuse, and for an object store's public-read policy to leave out.
PRIVATE_FOLDER = "private"
# Where private photos were stored before PRIVATE_FOLDER existed; their rows keep these keys,
# so these first folders are refused by the public media view too (no public photo uses them).
LEGACY_PRIVATE_FOLDERS = frozenset({"disputes", "messages"})


@dataclass(frozen=True)
class StoredPhoto:
    """Where the renditions of one photo were stored, and its original size."""

    key: str
    width: int
    height: int
    colour: str = ""  # the photo's average colour, "#rrggbb": its placeholder while loading


def rendition_path(key: str, size: int) -> str:
    """Return the storage path of one rendition of a stored photo."""
    return f"{key}/{size}.webp"


def private_folder(folder: str) -> str:
    """The storage folder of a private photo: ``folder`` under PRIVATE_FOLDER."""
    return f"{PRIVATE_FOLDER}/{folder}"


def is_private_key(path: str) -> bool:
    """Whether a storage key (or a rendition's path) is a private photo's, by its first folder:
    never served by the public media view. Case-blind, for storages on case-blind disks."""
    first = path.split("/", 1)[0].lower()
    return first == PRIVATE_FOLDER or first in LEGACY_PRIVATE_FOLDERS


def average_colour(image: Image.Image) -> str:
    """The average colour of an image as ``#rrggbb`` (transparent parts count as white)."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    red, green, blue = flat.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
    return f"#{red:02x}{green:02x}{blue:02x}"


def rendition_colour(key: str) -> str:
    """The average colour of a stored photo, read from its smallest rendition ("" if the file
    is missing or unreadable)."""
    try:
        with default_storage.open(rendition_path(key, SIZES[0])) as handle:
            image = Image.open(handle)
            image.load()
    except (OSError, UnidentifiedImageError, ValueError):
        return ""
    return average_colour(image)


def open_checked(data: bytes) -> Image.Image:
    """Open uploaded bytes as an image, refusing non-images, big files and bombs."""
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("This file is too big: photos may be at most %(mb)s MB.")
            % {"mb": settings.IMAGE_MAX_BYTES // (1024 * 1024)},
            code="too_big",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a photo in JPEG, PNG, WebP or GIF format."), code="format"
                )
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("This photo has too many pixels; upload a smaller one."), code="bomb"
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("This photo has too many pixels; upload a smaller one."), code="bomb"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("This file is not a photo we can read."), code="invalid") from exc
    return image


def store_photo(data: bytes, folder: str) -> StoredPhoto:
    """Validate uploaded bytes and store WebP renditions in every size; return where."""
    image = open_checked(data)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    key = f"{folder}/{uuid.uuid4().hex}"
    colour = average_colour(image)
    for size in SIZES:
        copy = image.copy()
        copy.thumbnail((size, size * 2))
        buffer = io.BytesIO()
        copy.save(buffer, format="WEBP", quality=72 if size <= 160 else 78, method=4)
        default_storage.save(rendition_path(key, size), ContentFile(buffer.getvalue()))
    return StoredPhoto(key=key, width=image.width, height=image.height, colour=colour)


def delete_photo(key: str) -> None:
    """Remove every rendition of a stored photo."""
    for size in SIZES:
        default_storage.delete(rendition_path(key, size))


def photo_url(key: str, size: int) -> str:
    """Return the public URL of one rendition (never for a private photo: see the module)."""
    return str(default_storage.url(rendition_path(key, size)))


def photo_srcset(key: str, width: int = 0, height: int = 0) -> str:
    """Every rendition of a stored photo with its width, for an <img srcset>.

    The renditions were made with ``thumbnail((size, 2 * size))``, never enlarged, so with the
    original's size each width is exact; without it (0) the nominal sizes are given.
    """
    parts = []
    for size in SIZES:
        shown = size
        if width and height:
            shown = max(1, round(width * min(size / width, 2 * size / height, 1.0)))
        parts.append(f"{photo_url(key, size)} {shown}w")
    return ", ".join(parts)


def check_photos(photos: Sequence[bytes], limit: int) -> None:
    """Refuse more than ``limit`` photos, or any that is not a readable photo of allowed size,
    before anything is stored (the first problem found is the message)."""
    if len(photos) > limit:
        raise ValidationError(
            ngettext("Add at most %(limit)s photo.", "Add at most %(limit)s photos.", limit)
            % {"limit": limit},
            code="too_many",
        )
    for data in photos:
        open_checked(data)


def store_photos(photos: Sequence[bytes], folder: str, limit: int) -> list[StoredPhoto]:
    """Check every photo, then store each one's renditions; on any failure, remove what was
    stored and raise. Call it before writing the rows, and ``discard_photos`` if they fail."""
    check_photos(photos, limit)
    stored: list[StoredPhoto] = []
    try:
        for data in photos:
            stored.append(store_photo(data, folder))  # noqa: PERF401 - keep what was stored
    except BaseException:
        discard_photos(stored)
        raise
    return stored


def discard_photos(stored: Sequence[StoredPhoto]) -> None:
    """Remove the renditions of photos whose rows were never written."""
    for photo in stored:
        delete_photo(photo.key)
