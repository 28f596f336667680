"""Factories for villages: approved by default (the state most other tests need)."""

import io
import struct
import zlib
from decimal import Decimal

import factory
from PIL import Image

from sokoni.accounts.tests.factories import UserFactory
from sokoni.villages.models import ServiceCentre, Village, VillagePhoto
from sokoni.villages.states import VillageStatus


class VillageFactory(factory.django.DjangoModelFactory):
    """A village; approved unless `status` says otherwise (or the `applied` trait)."""

    class Meta:
        model = Village
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Village {n}")
    slug = factory.Sequence(lambda n: f"village-{n}")
    country = "KE"
    region = "Nyeri"
    district = "Othaya"
    latitude = Decimal("-0.420000")
    longitude = Decimal("36.950000")
    households = 250
    description = "A highland village on the slopes of Mount Kenya."
    specialities = "Tea\nAvocados\nHoney"
    attractions = "Waterfall walk\nTea factory visit"
    contact_name = factory.Faker("name")
    contact_phone = factory.Sequence(lambda n: f"+2547{n + 50_000_000:08d}")
    status = VillageStatus.APPROVED
    applicant = factory.SubFactory(UserFactory)

    class Params:
        applied = factory.Trait(status=VillageStatus.APPLIED)
        rejected = factory.Trait(status=VillageStatus.REJECTED, rejection_reason="Incomplete.")
        suspended = factory.Trait(status=VillageStatus.SUSPENDED)

    @factory.post_generation
    def hub(obj, create, extracted, **kwargs):  # noqa: N805
        """Served by its country's (free) test hub, unless ``hub=False`` or another hub."""
        if not create or extracted is False:
            return
        from sokoni.shipping.tests.factories import serve

        serve(obj, extracted or None)

    @factory.post_generation
    def admins(obj, create, extracted, **kwargs):  # noqa: N805
        """Approved villages are administered by their applicant, as village_approve does."""
        if not create:
            return
        if extracted is not None:
            obj.admins.set(extracted)
        elif obj.status == VillageStatus.APPROVED:
            obj.admins.add(obj.applicant)


class VillagePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillagePhoto

    village = factory.SubFactory(VillageFactory)
    key = factory.Sequence(lambda n: f"villages/test/{n:04d}")
    caption = ""
    width = 800
    height = 600


class ServiceCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCentre

    village = factory.SubFactory(VillageFactory)
    name = factory.Sequence(lambda n: f"Service centre {n}")
    address = "Main road, next to the market"
    hours = "Mon-Sat 8:00-18:00"
    phone = factory.Sequence(lambda n: f"+2547{n + 60_000_000:08d}")
    operator = factory.SubFactory(UserFactory)
    is_active = True


def png_bytes(
    width: int = 64, height: int = 48, colour: tuple[int, int, int] = (30, 120, 60)
) -> bytes:
    """A real, small PNG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_bomb_bytes(width: int = 20_000, height: int = 20_000) -> bytes:
    """A tiny PNG whose header claims huge dimensions (a decompression bomb)."""
    data = bytearray(png_bytes(8, 8))
    # The IHDR chunk follows the 8-byte signature: length (4), type (4), width (4), height (4), ...
    assert data[12:16] == b"IHDR"
    data[16:20] = struct.pack(">I", width)
    data[20:24] = struct.pack(">I", height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)
