"""Attach races on PostgreSQL, each side on its own connection: two centres confirming the same
person at once make one of them her home; wrong codes sent at once are all counted."""

from __future__ import annotations

import pytest
from django.db import connection

from sokoni.agents.errors import AttachCodeLocked, AttachCodeWrong, VillagerElsewhere
from sokoni.agents.models import AttachRequest
from sokoni.agents.states import AttachStatus
from sokoni.agents.tests.conftest import ask, confirm
from sokoni.core.tests.races import race
from sokoni.villages.models import Resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")


def test_two_centres_confirming_at_once_make_one_her_home(counter, other, grace):
    """Both operators have a code Grace agreed to; only one centre becomes her home, the other
    is told she is served elsewhere."""
    # given
    ask(counter, code=111_111)
    ask(other, code=222_222)
    # when
    outcomes = race(lambda: confirm(counter, "111111"), lambda: confirm(other, "222222"))
    # then
    won = [o for o in outcomes if isinstance(o, Resident)]
    lost = [o for o in outcomes if not isinstance(o, Resident)]
    assert len(won) == 1
    assert [type(o) for o in lost] == [VillagerElsewhere]
    assert Resident.objects.get(user=grace).centre_id == won[0].centre_id
    assert AttachRequest.objects.filter(status=AttachStatus.CONFIRMED).count() == 1


def test_wrong_codes_sent_at_once_are_all_counted(counter, grace):
    """Six wrong codes at once: four are wrong, the fifth kills the code, the sixth finds it
    dead; the person is not attached."""
    # given
    asked = ask(counter)
    # when
    outcomes = race(*[lambda n=n: confirm(counter, f"00000{n}") for n in range(6)])
    # then
    assert sum(isinstance(o, AttachCodeWrong) for o in outcomes) == 4
    assert sum(isinstance(o, AttachCodeLocked) for o in outcomes) == 2
    asked.refresh_from_db()
    assert (asked.status, asked.failures) == (AttachStatus.LOCKED, 5)
    assert not Resident.objects.filter(user=grace).exists()
