"""The world of the generated permission test, built once per module and rolled back."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def perm_world(django_db_setup, django_db_blocker):
    """Parties A and B with their objects, built once inside a transaction rolled back at the
    end of the module; each test runs in its own savepoint inside it (``db``)."""
    from django.db import transaction

    from conftest import TaskQueue
    from tests.permissions.world import build

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build(TaskQueue())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(perm_world, db):
    return perm_world
