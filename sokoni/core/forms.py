"""Form fields shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sokoni.core.images import open_checked

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


def _named(file_name: str, message: str) -> str:
    """An error about one of several uploaded files, naming the file."""
    return str(_("%(file)s: %(error)s") % {"file": file_name, "error": message})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photo files in one input; each is opened and checked, every bad one is named.

    Cleans to the files' bytes, so that a service can store them (core.images.store_photo)
    only once every photo has passed.
    """

    widget = MultipleFileInput

    def __init__(self, *, max_photos: int, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault(
            "help_text",
            _("JPEG, PNG, WebP or GIF; you can choose several (at most %(n)s).")
            % {"n": max_photos},
        )
        super().__init__(**kwargs)
        self.max_photos = max_photos
        self.widget.attrs.update({"accept": PHOTO_ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> list[bytes]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_photos:
            raise ValidationError(
                _("Choose at most %(n)s photos.") % {"n": self.max_photos}, code="too_many"
            )
        errors: list[str] = []
        contents: list[bytes] = []
        for upload in files:
            if not isinstance(upload, UploadedFile):
                errors.append(str(_("This file is not a photo we can read.")))
                continue
            name = str(upload.name or _("photo"))
            content = self._read(upload, name, errors)
            if content is None:
                continue
            try:
                open_checked(content)
            except ValidationError as exc:
                errors.extend(_named(name, message) for message in exc.messages)
                continue
            contents.append(content)
        if errors:
            raise ValidationError(errors)
        return contents

    @staticmethod
    def _read(upload: UploadedFile, name: str, errors: list[str]) -> bytes | None:
        limit = int(settings.IMAGE_MAX_BYTES)
        if (upload.size or 0) > limit:
            too_big = _("This file is too big: photos may be at most %(mb)s MB.") % {
                "mb": limit // (1024 * 1024)
            }
            errors.append(_named(name, too_big))
            return None
        upload.seek(0)
        return upload.read()
