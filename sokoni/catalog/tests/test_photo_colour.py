"""Each photo's average colour, its placeholder while it loads: computed at upload, and by a
data migration for the photos stored before."""

import importlib

import pytest
from django.apps import apps

from sokoni.catalog.models import ProductImage
from sokoni.catalog.tests.factories import ProductImageFactory
from sokoni.core.images import store_photo
from sokoni.villages.models import VillagePhoto
from sokoni.villages.tests.factories import VillagePhotoFactory, png_bytes

pytestmark = pytest.mark.django_db


def migration(app, name):
    return importlib.import_module(f"sokoni.{app}.migrations.{name}")


def near(colour, rgb):
    """The colour is within a few steps of rgb (WebP is lossy)."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return all(abs(a - b) <= 4 for a, b in zip(channels, rgb, strict=True))


def test_the_migration_colours_stored_photos_once_per_picture():
    """Photos without a colour get their smallest rendition's average; photos sharing a
    picture get it together; a photo whose files are gone stays without one."""
    # given
    stored = store_photo(png_bytes(colour=(200, 40, 40)), "products/colour-test")
    shared = ProductImageFactory.create_batch(2, key=stored.key, colour="")
    missing = ProductImageFactory(key="products/colour-test/gone", colour="")
    kept = ProductImageFactory(key=stored.key, colour="#000000")
    village_photo = VillagePhotoFactory(key=stored.key, colour="")
    # when
    migration("catalog", "0007_productimage_colour").colour_existing_photos(apps, None)
    migration("villages", "0004_villagephoto_colour").colour_existing_photos(apps, None)
    # then
    colours = dict(ProductImage.objects.values_list("pk", "colour"))
    assert stored.colour == "#c82828"  # at upload, from the original
    assert all(near(colours[p.pk], (200, 40, 40)) for p in shared)
    assert colours[missing.pk] == ""
    assert colours[kept.pk] == "#000000"  # a colour already known is left alone
    assert near(VillagePhoto.objects.get(pk=village_photo.pk).colour, (200, 40, 40))


def test_a_transparent_photo_is_averaged_on_white():
    """Transparent parts count as the white page behind them."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, format="PNG")
    assert store_photo(buffer.getvalue(), "products/colour-test").colour == "#ffffff"
