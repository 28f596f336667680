"""Shared fixtures for the whole suite."""

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check outcomes, not speed: on a busy machine an example may take longer than
# Hypothesis's default 200 ms deadline, which would fail a correct test (times stay in bench/).
hypothesis_settings.register_profile("sokoni", deadline=None)
hypothesis_settings.load_profile("sokoni")


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests speak English unless they ask for another language."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (pages keep small lists there for a minute)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    from sokoni.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff(db):
    from sokoni.accounts.tests.factories import StaffFactory

    return StaffFactory()


class TaskQueue:
    """The test task queue (django-tasks' dummy backend): run what is due, as a worker would."""

    def __init__(self):
        from django_tasks import default_task_backend

        self.backend = default_task_backend
        self.backend.clear()

    @property
    def queued(self):
        return [r for r in self.backend.results if r.status == "READY"]

    def names(self):
        return [r.task.name for r in self.queued]

    def run(self, *, now=None, only=None):
        """Run every queued task whose time has come (and those they enqueue); return how many."""
        from django.utils import timezone

        ran = 0
        while True:
            moment = now or timezone.now()
            due = [
                r
                for r in self.queued
                if (r.task.run_after is None or r.task.run_after <= moment)
                and (only is None or r.task.name in only)
            ]
            if not due:
                return ran
            for result in due:
                self.backend.results.remove(result)
                result.task.call(*result.args, **result.kwargs)
                ran += 1

    def clear(self):
        self.backend.clear()


@pytest.fixture
def tasks(db):
    """The queue of background tasks, run on demand (``tasks.run(now=...)``)."""
    queue = TaskQueue()
    yield queue
    queue.clear()


@pytest.fixture(autouse=True)
def _empty_task_queue():
    from django_tasks import default_task_backend

    default_task_backend.clear()
