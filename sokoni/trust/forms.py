"""Photo uploads on reviews (the text fields are parsed by the services themselves)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from sokoni.core.forms import PhotosField
from sokoni.trust.errors import ReviewInvalid
from sokoni.trust.models import MAX_PHOTOS


class ReviewPhotosForm(forms.Form):
    photos = PhotosField(max_photos=MAX_PHOTOS)


def review_photos(request: HttpRequest) -> list[bytes]:
    """The photos of a review form, each checked; a bad one is named in the error."""
    form = ReviewPhotosForm(files=request.FILES)
    if not form.is_valid():
        raise ReviewInvalid(" ".join(str(e) for e in form.errors["photos"]), field="photos")
    photos: list[bytes] = form.cleaned_data["photos"]
    return photos
