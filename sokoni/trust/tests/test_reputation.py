"""The reputation score, the reviewer's trust, account links, and the simulation benchmark."""

import functools
import importlib.util
import math
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sokoni.core.text import address_key
from sokoni.trust.reputation import (
    DEFAULT,
    Rating,
    ReputationPolicy,
    link_keys,
    linked,
    reputation,
    reviewer_trust,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BENCH = Path(__file__).resolve().parents[3] / "bench" / "reputation.py"


def fresh(stars: int, *, trust: float = 1.0, days: float = 0.0, **flags: bool) -> Rating:
    return Rating(stars=stars, at=NOW - timedelta(days=days), reviewer_trust=trust, **flags)


def test_a_seller_without_ratings_shows_the_prior():
    """No ratings: the platform's mean, resting on nothing."""
    # when
    shown = reputation([], now=NOW)

    # then
    assert shown.score == 4.0
    assert shown.count == 0
    assert shown.shown == "4.0"
    assert shown.weight == 0.0
    assert shown.ignored == 0


def test_the_score_is_the_bayesian_average_with_the_prior():
    """Five pseudo-ratings at 4.0 plus the fresh full-trust ratings, averaged."""
    # when
    shown = reputation([fresh(5), fresh(5), fresh(2)], now=NOW)

    # then
    assert shown.score == pytest.approx((5 * 4.0 + 5 + 5 + 2) / 8)
    assert shown.count == 3
    assert shown.shown == "4.0"


def test_a_handful_of_five_stars_does_not_jump_to_five():
    """Three 5-star ratings move a new seller to 4.4, not 5."""
    # when
    shown = reputation([fresh(5)] * 3, now=NOW)

    # then
    assert shown.score == pytest.approx((20 + 15) / 8)
    assert shown.shown == "4.4"


def test_many_five_stars_approach_five():
    """Five hundred fresh 5-star ratings give 4.99."""
    # when
    shown = reputation([fresh(5)] * 500, now=NOW)

    # then
    assert shown.score == pytest.approx((20 + 2500) / 505)
    assert shown.shown == "5.0"
    assert shown.count == 500


def test_held_and_linked_ratings_are_ignored():
    """Ratings under an extortion report or from the seller's own accounts change nothing."""
    # given
    honest = [fresh(4), fresh(5), fresh(3)]
    held = [fresh(1, held=True), fresh(1, held=True)]
    linked_praise = [fresh(5, counts=False)] * 10

    # when
    shown = reputation(honest + held + linked_praise, now=NOW)

    # then
    assert shown.score == reputation(honest, now=NOW).score
    assert shown.count == 3
    assert shown.ignored == 12


def test_an_extortion_one_star_from_a_low_trust_reviewer_moves_the_score_less():
    """A 1-star from a buyer with an upheld report weighs a fraction of an honest one."""
    # given
    history = [fresh(5, days=d) for d in range(0, 60, 6)]
    extorter = reviewer_trust(
        completed_purchases=6, account_age_days=300, reviews=5, upheld_reports=1
    )
    honest = reviewer_trust(completed_purchases=6, account_age_days=300, reviews=5)
    before = reputation(history, now=NOW).score

    # when
    after_extortion = reputation([*history, fresh(1, trust=extorter)], now=NOW).score
    after_honest = reputation([*history, fresh(1, trust=honest)], now=NOW).score

    # then
    assert extorter == pytest.approx(0.25 * 0.8)
    assert honest == 1.0
    assert before - after_extortion < (before - after_honest) / 3
    assert after_extortion < before


def test_old_ratings_weigh_less_than_recent_ones():
    """A rating one half-life old weighs half a fresh one."""
    # given
    old_bad_new_good = [fresh(1, days=180), fresh(5)]
    old_good_new_bad = [fresh(5, days=180), fresh(1)]

    # when
    improving = reputation(old_bad_new_good, now=NOW)
    declining = reputation(old_good_new_bad, now=NOW)

    # then
    assert improving.score == pytest.approx((20 + 0.5 * 1 + 5) / 6.5)
    assert declining.score == pytest.approx((20 + 0.5 * 5 + 1) / 6.5)
    assert improving.weight == pytest.approx(1.5)


def test_a_rating_dated_after_now_weighs_as_a_fresh_one():
    """Clock skew does not give a rating more than full weight."""
    # when
    shown = reputation([fresh(1, days=-30)], now=NOW)

    # then
    assert shown.weight == pytest.approx(1.0)


def test_a_zero_trust_reviewer_keeps_the_minimum_weight():
    """Every counted rating keeps min_trust of a weight, so its count is honest."""
    # when
    shown = reputation([fresh(1, trust=0.0)], now=NOW)

    # then
    assert shown.weight == pytest.approx(DEFAULT.min_trust)
    assert shown.score == pytest.approx((20 + 0.05) / 5.05)


def test_the_policy_is_applied():
    """A weaker prior at another mean, a shorter half-life."""
    # given
    policy = ReputationPolicy(prior_mean=3.0, prior_weight=1.0, half_life_days=30.0)

    # when
    shown = reputation([fresh(5, days=30)], now=NOW, policy=policy)

    # then
    assert shown.score == pytest.approx((3.0 + 0.5 * 5) / 1.5)


@pytest.mark.parametrize("stars", [0, 6, -1, 2.5, True, "5", None])
def test_stars_outside_one_to_five_are_refused(stars):
    """Only the integers 1 to 5 are ratings."""
    with pytest.raises(ValueError, match="stars must be an integer from 1 to 5"):
        Rating(stars=stars, at=NOW)


@pytest.mark.parametrize("trust", [-0.1, 1.01, math.nan, math.inf])
def test_trust_outside_zero_to_one_is_refused(trust):
    """A reviewer's trust is a fraction."""
    with pytest.raises(ValueError, match="reviewer_trust"):
        Rating(stars=3, at=NOW, reviewer_trust=trust)


def test_naive_datetimes_are_refused():
    """Ages are computed between aware datetimes only."""
    with pytest.raises(ValueError, match="aware"):
        Rating(stars=3, at=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        reputation([], now=datetime(2026, 1, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    "field",
    [
        {"prior_mean": 0.5},
        {"prior_mean": 5.5},
        {"prior_weight": 0},
        {"half_life_days": -1},
        {"min_trust": 2},
        {"prior_weight": math.inf},
    ],
)
def test_a_policy_out_of_range_is_refused(field):
    """The policy's numbers are checked when it is made."""
    with pytest.raises(ValueError, match="must be"):
        ReputationPolicy(**field)


def test_an_established_buyer_has_full_trust():
    """Five purchases and an account 90 days old, no reports: 1.0."""
    assert reviewer_trust(completed_purchases=5, account_age_days=90, reviews=3) == 1.0


def test_a_fresh_one_purchase_account_weighs_under_a_third():
    """The sock puppet that escaped the link check: one order, a week-old account."""
    # when
    trust = reviewer_trust(completed_purchases=1, account_age_days=7, reviews=1)

    # then
    assert trust == pytest.approx((0.4 + 0.6 / 5) * (0.5 + 0.5 * 7 / 90))
    assert trust < 1 / 3


def test_each_upheld_report_quarters_the_weight_and_the_share_takes_more():
    """One upheld report in four reviews: 0.25 * 0.75; two in four: 0.0625 * 0.5."""
    # when
    one = reviewer_trust(completed_purchases=9, account_age_days=400, reviews=4, upheld_reports=1)
    two = reviewer_trust(completed_purchases=9, account_age_days=400, reviews=4, upheld_reports=2)

    # then
    assert one == pytest.approx(0.1875)
    assert two == pytest.approx(0.03125)


def test_a_one_star_pattern_on_many_sellers_loses_most_weight_but_one_bad_experience_does_not():
    """Far below the consensus on 3 of 4 sellers is a pattern; on 2 of 4 it is bad luck."""
    # when
    pattern = reviewer_trust(
        completed_purchases=9, account_age_days=400, reviews=4, far_below_consensus=3
    )
    unlucky = reviewer_trust(
        completed_purchases=9, account_age_days=400, reviews=4, far_below_consensus=2
    )

    # then
    assert pattern == pytest.approx(1 - 0.75 * 3 / 4)
    assert unlucky == 1.0


def test_unverified_reviews_weigh_less():
    """Half the reviews without a verified order: three quarters of the weight."""
    trust = reviewer_trust(
        completed_purchases=9, account_age_days=400, reviews=4, unverified_reviews=2
    )
    assert trust == pytest.approx(0.75)


@pytest.mark.parametrize(
    "history",
    [
        {"completed_purchases": -1, "account_age_days": 1, "reviews": 0},
        {"completed_purchases": 1, "account_age_days": -1, "reviews": 0},
        {"completed_purchases": 1, "account_age_days": math.nan, "reviews": 0},
        {"completed_purchases": 1, "account_age_days": 1, "reviews": 1, "upheld_reports": 2},
        {"completed_purchases": 1.5, "account_age_days": 1, "reviews": 1},
    ],
)
def test_an_impossible_history_is_refused(history):
    """Counts are non-negative integers, and no more reported reviews than reviews."""
    with pytest.raises(ValueError, match=r"must|cannot"):
        reviewer_trust(**history)


def test_accounts_sharing_a_phone_payment_number_or_address_are_linked():
    """The same number as phone or as mobile money, or the same address however typed."""
    # given
    seller = link_keys(
        phones=["+254712345678"],
        payment_numbers=["+254733000111"],
        addresses=["Plot 12, Kiambu Rd., Othaya"],
    )

    # then
    assert linked(link_keys(payment_numbers=["+254 712 345 678"]), seller)
    assert linked(link_keys(phones=["+254733000111"]), seller)
    assert linked(link_keys(addresses=["  PLOT 12 KIAMBU RD OTHAYA "]), seller)
    assert not linked(link_keys(phones=["+254700000000"], addresses=["Plot 13, Kiambu Rd"]), seller)


def test_empty_values_link_nobody():
    """Two accounts without an address or number are not linked by them."""
    assert link_keys(phones=[""], payment_numbers=["--"], addresses=[" , "]) == set()
    assert not linked(set(), set())


def test_addresses_are_normalised_for_comparison():
    """Case, punctuation, spacing and compatibility forms are ignored."""
    assert address_key("Plot 12,  Kiambu Rd.") == "plot 12 kiambu rd"
    assert address_key("\uff30\uff2c\uff2f\uff34 12 Kiambu Rd") == "plot 12 kiambu rd"


ratings = st.builds(
    Rating,
    stars=st.integers(1, 5),
    at=st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    reviewer_trust=st.floats(0, 1),
    counts=st.booleans(),
    held=st.booleans(),
)


@given(st.lists(ratings, max_size=60))
def test_the_score_always_lies_within_one_and_five(given_ratings):
    """Whatever the ratings, the score is a rating and its text is its rounding."""
    shown = reputation(given_ratings, now=NOW)
    assert 1.0 <= shown.score <= 5.0
    assert shown.shown == f"{shown.score:.1f}"
    assert shown.count + shown.ignored == len(given_ratings)


@given(st.lists(ratings, max_size=60), ratings)
def test_adding_a_five_star_never_lowers_the_score(given_ratings, extra):
    """A new counted 5-star rating can only raise the score (or leave it)."""
    five = Rating(stars=5, at=extra.at, reviewer_trust=extra.reviewer_trust)
    before = reputation(given_ratings, now=NOW).score
    after = reputation([*given_ratings, five], now=NOW).score
    assert after >= before - 1e-12


@given(st.lists(ratings, max_size=60), st.randoms(use_true_random=False))
def test_the_order_of_the_ratings_does_not_matter(given_ratings, rng):
    """Shuffled ratings give the same reputation."""
    shuffled = list(given_ratings)
    rng.shuffle(shuffled)
    first = reputation(given_ratings, now=NOW)
    second = reputation(shuffled, now=NOW)
    assert second.score == pytest.approx(first.score, abs=1e-12)
    assert (second.count, second.ignored) == (first.count, first.ignored)


@functools.cache
def load_bench():
    spec = importlib.util.spec_from_file_location("bench_reputation", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses resolve their annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_spearman_ranks_ties_by_their_mean():
    """Spearman's rho: 1 for the same order, -1 reversed, ties averaged."""
    bench = load_bench()
    assert bench.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert bench.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert bench._ranks([3.0, 1.0, 3.0, 2.0]) == [3.5, 1.0, 3.5, 2.0]
    assert bench.spearman([1, 2, 3], [5, 5, 5]) == 0.0


def test_spearman_matches_the_rank_difference_formula_without_ties():
    """Without ties, rho = 1 - 6 * sum(d^2) / (n (n^2 - 1))."""
    bench = load_bench()
    rng = random.Random(4)
    xs = rng.sample(range(100), 20)
    ys = rng.sample(range(100), 20)
    rx, ry = bench._ranks(xs), bench._ranks(ys)
    d2 = sum((a - b) ** 2 for a, b in zip(rx, ry, strict=True))
    assert bench.spearman(xs, ys) == pytest.approx(1 - 6 * d2 / (20 * (20**2 - 1)))


def test_the_benchmark_meets_its_target_for_seed_one(capsys):
    """Seed 1 at the default size (half a second): Sokoni's error at most half the naive one."""
    # when
    status = load_bench().main(["--seed", "1", "--json"])

    # then
    out = capsys.readouterr().out
    assert status == 0
    assert "Sokoni MAE / naive MAE" in out
    assert ": ok" in out


def test_the_benchmark_is_reproducible_and_exits_two_when_the_target_is_missed(capsys):
    """Without attacks the prior only costs accuracy, so the naive average wins: exit 2."""
    bench = load_bench()
    # when
    first = bench.main(["--seed", "1", "--sellers", "30", "--buyers", "300", "--json"])
    out_first = capsys.readouterr().out
    second = bench.main(["--seed", "1", "--sellers", "30", "--buyers", "300", "--json"])
    out_second = capsys.readouterr().out
    clean = bench.main(["--seed", "1", "--extortion-share", "0", "--fake-share", "0"])

    # then
    assert first == second
    assert out_first == out_second
    assert clean == 2
    assert "MISSED" in capsys.readouterr().out
