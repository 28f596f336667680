"""System reasons on order events and wallet movements are shown in the reader's language."""

import pytest
from django.utils import translation

from sokoni.orders import reasons
from sokoni.orders.reasons import reason_label


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (reasons.RECEIVED, "received"),
        (reasons.paid("SK7KQ2M9XA"), "paid with payment SK7KQ2M9XA"),
        (reasons.extended(5), "release date extended by 5 days"),
        (reasons.auto_released(15), "released automatically 15 days after shipping"),
        ("The parcel was opened", "The parcel was opened"),
    ],
)
def test_reasons_read_in_english(stored, shown):
    with translation.override("en"):
        assert reason_label(stored) == shown


def test_a_system_reason_is_translated_and_a_typed_one_is_not():
    with translation.override("fr"):
        assert reason_label(reasons.extended(5)) != "release date extended by 5 days"
        assert "5" in reason_label(reasons.extended(5))
        assert reason_label("Le colis était ouvert") == "Le colis était ouvert"
