from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, request):
    """Seed the demo world once for a module (``PRODUCTS`` products, 90 unless the module sets
    it), inside a transaction rolled back at the end; the command's output."""
    from django.db import transaction

    products = getattr(request.module, "PRODUCTS", 90)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        out = StringIO()
        call_command("seed_demo", "--products", str(products), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def world(seeded, db):
    return seeded
