"""A seller's shown reputation, made hard to move by extortion or by bought praise.

Pure Python on plain values: selectors load the reviews, work out each reviewer's trust with
``reviewer_trust`` and whether the reviewer is linked to the seller with ``linked``, and call
``reputation``. Nothing here touches the database, so the same code runs in the simulation
benchmark (``bench/reputation.py``).

The score is a Bayesian average: ``prior_weight`` pseudo-ratings at the platform's mean, plus
every rating that counts, each weighted by its reviewer's trust and by its age::

    weight_i = max(trust_i, min_trust) * 0.5 ** (age_days_i / half_life_days)
    score    = (prior_weight * prior_mean + sum(weight_i * stars_i))
               / (prior_weight + sum(weight_i))

So a new seller starts at the platform mean, a handful of ratings cannot push the score to an
extreme, a 1-star from a buyer with upheld extortion reports barely moves it, and last season's
ratings fade. A rating counts unless its reviewer shares the seller's phone, payment number or
address (``counts=False``) or it is held while an extortion report against its reviewer is open
or after one was upheld (``held=True``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sokoni.core.text import address_key

MIN_STARS: Final = 1
MAX_STARS: Final = 5
SECONDS_PER_DAY: Final = 86_400.0


def _is_fraction(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0.0 <= value <= 1.0
    )


@dataclass(frozen=True)
class Rating:
    """One review's rating as the reputation sees it.

    ``reviewer_trust`` comes from ``reviewer_trust``; ``counts`` is False when the reviewer is
    linked to the seller; ``held`` is True while an extortion report against the reviewer is
    open, and stays True once it is upheld (the review is removed).
    """

    stars: int
    at: datetime
    reviewer_trust: float = 1.0
    counts: bool = True
    held: bool = False

    def __post_init__(self) -> None:
        if (
            isinstance(self.stars, bool)
            or not isinstance(self.stars, int)
            or not MIN_STARS <= self.stars <= MAX_STARS
        ):
            raise ValueError(f"stars must be an integer from 1 to 5, not {self.stars!r}")
        if not isinstance(self.at, datetime) or self.at.tzinfo is None:
            raise ValueError("at must be an aware datetime")
        if not _is_fraction(self.reviewer_trust):
            raise ValueError(f"reviewer_trust must be within 0..1, not {self.reviewer_trust!r}")


@dataclass(frozen=True)
class Reputation:
    """A seller's shown reputation: the score, how many ratings it rests on, and its text."""

    score: float  # within 1..5
    count: int  # ratings that count (neither held nor from a linked account)
    shown: str  # the score to one decimal, e.g. "4.6"
    weight: float  # the ratings' total weight, in full-trust fresh ratings
    ignored: int  # ratings left out: held or from a linked account


@dataclass(frozen=True)
class ReputationPolicy:
    """The prior and the weights; the defaults are the platform's."""

    prior_mean: float = 4.0  # the platform's mean rating
    prior_weight: float = 5.0  # how many full-weight ratings the prior is worth
    half_life_days: float = 180.0  # a rating this old weighs half as much as a fresh one
    min_trust: float = 0.05  # the least weight a counted rating keeps, whatever its reviewer

    def __post_init__(self) -> None:
        if not (math.isfinite(self.prior_mean) and MIN_STARS <= self.prior_mean <= MAX_STARS):
            raise ValueError("prior_mean must be within 1..5")
        if not (math.isfinite(self.prior_weight) and self.prior_weight > 0):
            raise ValueError("prior_weight must be positive")
        if not (math.isfinite(self.half_life_days) and self.half_life_days > 0):
            raise ValueError("half_life_days must be positive")
        if not _is_fraction(self.min_trust):
            raise ValueError("min_trust must be within 0..1")


DEFAULT: Final = ReputationPolicy()


def reputation(
    ratings: Iterable[Rating], *, now: datetime, policy: ReputationPolicy = DEFAULT
) -> Reputation:
    """Return a seller's reputation from its ratings as of ``now``.

    Held ratings and ratings from linked accounts are left out. A rating dated after ``now``
    (clock skew) weighs as a fresh one. Order does not matter.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    weighted_sum = policy.prior_weight * policy.prior_mean
    total_weight = policy.prior_weight
    count = 0
    ignored = 0
    evidence = 0.0
    for rating in ratings:
        if rating.held or not rating.counts:
            ignored += 1
            continue
        age_days = max(0.0, (now - rating.at).total_seconds() / SECONDS_PER_DAY)
        weight = max(rating.reviewer_trust, policy.min_trust) * 0.5 ** (
            age_days / policy.half_life_days
        )
        weighted_sum += weight * rating.stars
        total_weight += weight
        evidence += weight
        count += 1
    # Rounding can step a hair outside the stars' range; the score never does.
    score = min(float(MAX_STARS), max(float(MIN_STARS), weighted_sum / total_weight))
    return Reputation(
        score=score, count=count, shown=f"{score:.1f}", weight=evidence, ignored=ignored
    )


# reviewer_trust's constants, named so the docstring's formula can be checked against them.
FULL_HISTORY_PURCHASES: Final = 5
FULL_HISTORY_DAYS: Final = 90.0
UPHELD_FACTOR: Final = 0.25
HARSH_MIN_SELLERS: Final = 3
HARSH_PENALTY: Final = 0.75
UNVERIFIED_PENALTY: Final = 0.5


def reviewer_trust(
    *,
    completed_purchases: int,
    account_age_days: float,
    reviews: int,
    upheld_reports: int = 0,
    far_below_consensus: int = 0,
    unverified_reviews: int = 0,
) -> float:
    """Return how much a reviewer's ratings weigh, from 0 to 1, from what the platform saw.

    ``reviews`` is how many reviews the buyer has written; ``upheld_reports`` how many
    extortion or fraud reports against them staff upheld; ``far_below_consensus`` on how many
    sellers their rating was 2 stars or more below the other reviewers' mean;
    ``unverified_reviews`` how many of their reviews did not come from a verified completed
    order. Trust is the product of five factors, each within 0..1::

        history    = 0.4 + 0.6 * min(1, completed_purchases / 5)
        age        = 0.5 + 0.5 * min(1, account_age_days / 90)
        reports    = 0.25 ** upheld_reports * (1 - upheld_reports / reviews)
        harsh      = 1 - 0.75 * far_below_consensus / reviews
                     (only once it happened on 3 sellers or more; once is a bad experience)
        unverified = 1 - 0.5 * unverified_reviews / reviews

    A fresh account with one purchase weighs about 0.3 of an established buyer; one upheld
    report quarters a buyer's weight on every seller, two leave a sixteenth; a buyer who gives
    1 star where everybody else gives 4 or 5, seller after seller, loses most of their weight.
    """
    counts = (completed_purchases, reviews, upheld_reports, far_below_consensus, unverified_reviews)
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in counts):
        raise ValueError("counts must be non-negative integers")
    if not (math.isfinite(account_age_days) and account_age_days >= 0):
        raise ValueError("account_age_days must be a non-negative number")
    if max(upheld_reports, far_below_consensus, unverified_reviews) > reviews:
        raise ValueError("a buyer cannot have more reported or outlying reviews than reviews")

    history = 0.4 + 0.6 * min(1.0, completed_purchases / FULL_HISTORY_PURCHASES)
    age = 0.5 + 0.5 * min(1.0, account_age_days / FULL_HISTORY_DAYS)
    reports = 1.0
    harsh = 1.0
    unverified = 1.0
    if reviews:
        reports = UPHELD_FACTOR**upheld_reports * (1 - upheld_reports / reviews)
        if far_below_consensus >= HARSH_MIN_SELLERS:
            harsh = 1 - HARSH_PENALTY * far_below_consensus / reviews
        unverified = 1 - UNVERIFIED_PENALTY * unverified_reviews / reviews
    return min(1.0, max(0.0, history * age * reports * harsh * unverified))


def link_keys(
    *,
    phones: Iterable[str] = (),
    payment_numbers: Iterable[str] = (),
    addresses: Iterable[str] = (),
) -> set[str]:
    """Return the keys that tie an account to a person: phones, payment numbers, addresses.

    Phones and payment numbers should already be in E.164 (as accounts store them); only
    their digits are kept, and both are one kind of key, because a mobile-money number is
    usually somebody's phone. Empty values give no key, so two accounts without an address
    are not linked by it.
    """
    keys: set[str] = set()
    for value in (*phones, *payment_numbers):
        digits = "".join(ch for ch in value if ch in "0123456789")
        if digits:
            keys.add(f"number:{digits}")
    for address in addresses:
        normalised = address_key(address)
        if normalised:
            keys.add(f"address:{normalised}")
    return keys


def linked(reviewer_keys: set[str], seller_keys: set[str]) -> bool:
    """Return whether a reviewer shares a phone, payment number or address with the seller."""
    return not reviewer_keys.isdisjoint(seller_keys)
