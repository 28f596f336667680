"""The reputation benchmark: a year of reviews with extortion and bought praise, scored two ways.

Builds a reproducible marketplace from ``--seed`` (``random.Random(seed)``), with no database:

- Sellers of known true quality, 1 + 4 * Beta(6, 2) (mean 4.0, sd 0.58, a tail of poor shops;
  ``--quality-beta 3 2`` gives a harsher, wider world, mean 3.4); a fifth of them improve or
  decline by up to 1.5 stars over the year; popularity is log-normal, so many shops are small
  (a tenth have 7 honest reviews or fewer, the median about 21). The target is the mean rating
  honest buyers would give each seller on the last day (``expected_stars``); the error against
  the latent quality itself is printed too.
- Honest buyers (1 + Poisson(3) orders in the year, shops picked by popularity) review 60 % of
  their orders: their true quality at the time, plus the buyer's own leniency (sd 0.3) and
  noise (sd 0.8), rounded and clipped to 1..5. About 1 % of honest reviewers happen to share
  the seller's address (a family compound) and are wrongly discounted as linked.
- Extorting buyers (``--extortion-share`` of buyers; 1 + Poisson(5) orders, shops picked
  uniformly, so small shops are hit hardest) demand a cash-back on 80 % of their orders and
  rate the others like anybody. 30 % of sellers pay and get 5 stars (never reported); the rest
  refuse and get 1 star. Sellers report 70 % of refused demands; staff uphold 85 % (the rest
  lack evidence, as when the talk moved off-platform) after 2-21 days, so recent reports are
  still open. Sellers also misuse the report button on 10 % of honest 1-2 star reviews, and
  staff wrongly uphold 10 % of those.
- Sellers buying praise (``--fake-share`` of sellers, more likely the poor ones) buy 10-30
  5-star reviews from sock-puppet accounts with a real order each. 80 % of puppets share the
  seller's phone, payment number or address (typed differently); the rest are fresh accounts.

Sokoni sees only what the platform can observe: reports and staff decisions as of the last day
(open or upheld reports hold the reviews), accounts' link keys, each reviewer's completed
orders, account age, review count, upheld reports and how often they rated 2+ stars below the
other reviewers. It never sees which buyer is honest or a seller's true quality.

    .venv/bin/python bench/reputation.py                    # seed 1, 200 sellers, 3,000 buyers
    .venv/bin/python bench/reputation.py --seed 2 --json    # and a JSON line
    .venv/bin/python bench/reputation.py --quality-beta 3 2 --prior-weight 2   # sensitivity

Prints, for the naive average of every review and for Sokoni's reputation
(``sokoni.trust.reputation``): the mean absolute error against true quality and the Spearman
rank correlation, over sellers with at least one review. Exit status 0 when Sokoni's error is at
most half the naive one, 2 when it is not.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sokoni.trust.reputation import (
    DEFAULT,
    Rating,
    ReputationPolicy,
    link_keys,
    linked,
    reputation,
    reviewer_trust,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
YEAR_DAYS = 365.0
TARGET_RATIO = 0.5

# The marketplace's behaviour (see the module docstring).
QUALITY_BETA = (6.0, 2.0)
DRIFT_SHARE = 0.2
HONEST_ORDERS_MEAN = 3.0
EXTORTER_ORDERS_MEAN = 5.0
REVIEW_SHARE = 0.6
LENIENCY_SD = 0.3
NOISE_SD = 0.8
FALSE_LINK_SHARE = 0.01
DEMAND_SHARE = 0.8
SELLER_PAYS_SHARE = 0.3
REPORT_SHARE = 0.7
UPHOLD_SHARE = 0.85
FALSE_REPORT_SHARE = 0.1
FALSE_UPHOLD_SHARE = 0.1
DECISION_DAYS = (2.0, 21.0)
FAKES_PER_SELLER = (10, 30)
PUPPET_LINKED_SHARE = 0.8
FAR_BELOW = 2.0
MIN_OTHERS_FOR_CONSENSUS = 3


@dataclass
class Seller:
    number: int
    quality_start: float
    quality_now: float
    popularity: float
    phone: str
    payment: str
    address: str
    buys_praise: bool = False

    def quality_at(self, at: datetime) -> float:
        share = min(1.0, max(0.0, 1 - (NOW - at).total_seconds() / (YEAR_DAYS * 86_400)))
        return self.quality_start + (self.quality_now - self.quality_start) * share


@dataclass
class Buyer:
    number: int
    kind: str  # "honest", "extorter" or "puppet": the simulation knows it, Sokoni does not
    created: datetime
    keys: set[str]
    orders: int = 0
    leniency: float = 0.0


@dataclass
class Review:
    buyer: Buyer
    seller: Seller
    stars: int
    at: datetime
    kind: str  # "honest", "extortion", "paid" or "fake"
    report: str = ""  # "", "open", "upheld" or "dismissed", as of NOW
    linked: bool = False


@dataclass
class Market:
    sellers: list[Seller]
    buyers: list[Buyer]
    reviews: list[Review] = field(default_factory=list)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def expected_stars(quality: float) -> float:
    """Return the mean rating honest buyers give a seller of this quality: the target.

    Stars are rounded and clipped to 1..5, so a 4.9 seller averages about 4.6 even from
    perfectly honest buyers; no average of stars can do better than this, so it is what a
    reputation is measured against (the latent quality is reported too).
    """
    spread = math.hypot(LENIENCY_SD, NOISE_SD)

    def below(edge: float) -> float:
        return 0.5 * (1 + math.erf((edge - quality) / (spread * math.sqrt(2))))

    return 1 + sum(1 - below(k + 0.5) for k in range(1, 5))


def _stars(value: float) -> int:
    return min(5, max(1, round(value)))


def _when(rng: random.Random, *, not_before: datetime) -> datetime:
    start = max(not_before, NOW - timedelta(days=YEAR_DAYS))
    return start + (NOW - start) * rng.random()


def _phone(rng: random.Random) -> str:
    return f"+2547{rng.randrange(10**8):08d}"


def _address(rng: random.Random, number: int) -> str:
    roads = ["Kiambu Rd", "Othaya Rd", "Nyeri-Karatina Rd", "Mukurwe-ini Rd", "Gakindu Rd"]
    return f"Plot {number}, {rng.choice(roads)}, {rng.choice(['Othaya', 'Karatina', 'Mweiga'])}"


def _retyped(rng: random.Random, address: str) -> str:
    """Return the same address as somebody else would type it."""
    return rng.choice([address.lower(), address.upper().replace(",", ""), f"  {address}. "])


def _report(rng: random.Random, review: Review, *, uphold_share: float) -> None:
    decided = review.at + timedelta(days=rng.uniform(*DECISION_DAYS))
    if decided > NOW:
        review.report = "open"
    else:
        review.report = "upheld" if rng.random() < uphold_share else "dismissed"


def simulate(
    *,
    seed: int,
    sellers: int,
    buyers: int,
    extortion_share: float,
    fake_share: float,
    quality_beta: tuple[float, float] = QUALITY_BETA,
) -> Market:
    """Build a reproducible year of reviews."""
    rng = random.Random(seed)
    shop_list: list[Seller] = []
    for number in range(sellers):
        start = 1 + 4 * rng.betavariate(*quality_beta)
        now = start
        if rng.random() < DRIFT_SHARE:
            now = min(5.0, max(1.0, start + rng.uniform(-1.5, 1.5)))
        shop_list.append(
            Seller(
                number=number,
                quality_start=start,
                quality_now=now,
                popularity=rng.lognormvariate(0, 1),
                phone=_phone(rng),
                payment=_phone(rng),
                address=_address(rng, number),
            )
        )
    # Poor sellers are likelier to buy praise: weighted sampling without replacement.
    fakers = round(fake_share * sellers)
    order = sorted(shop_list, key=lambda s: rng.random() ** (1 / (5.5 - s.quality_now)))
    for shop in order[-fakers:] if fakers else []:
        shop.buys_praise = True

    market = Market(sellers=shop_list, buyers=[])
    extorters = round(extortion_share * buyers)
    popularity = [s.popularity for s in shop_list]
    for number in range(buyers):
        kind = "extorter" if number < extorters else "honest"
        buyer = Buyer(
            number=number,
            kind=kind,
            created=NOW - timedelta(days=rng.uniform(1, 3 * YEAR_DAYS)),
            keys=link_keys(phones=[_phone(rng)], payment_numbers=[_phone(rng)]),
            leniency=rng.gauss(0, LENIENCY_SD),
        )
        market.buyers.append(buyer)
        mean = EXTORTER_ORDERS_MEAN if kind == "extorter" else HONEST_ORDERS_MEAN
        buyer.orders = 1 + _poisson(rng, mean)
        for _ in range(buyer.orders):
            if kind == "extorter":
                shop = rng.choice(shop_list)
            else:
                shop = rng.choices(shop_list, weights=popularity)[0]
            at = _when(rng, not_before=buyer.created)
            if kind == "extorter" and rng.random() < DEMAND_SHARE:
                if rng.random() < SELLER_PAYS_SHARE:
                    market.reviews.append(Review(buyer, shop, 5, at, "paid"))
                else:
                    review = Review(buyer, shop, 1, at, "extortion")
                    if rng.random() < REPORT_SHARE:
                        _report(rng, review, uphold_share=UPHOLD_SHARE)
                    market.reviews.append(review)
                continue
            if rng.random() >= REVIEW_SHARE:
                continue
            noisy = shop.quality_at(at) + buyer.leniency + rng.gauss(0, NOISE_SD)
            review = Review(buyer, shop, _stars(noisy), at, "honest")
            if review.stars <= 2 and rng.random() < FALSE_REPORT_SHARE:
                _report(rng, review, uphold_share=FALSE_UPHOLD_SHARE)
            if rng.random() < FALSE_LINK_SHARE:
                buyer.keys |= link_keys(addresses=[_retyped(rng, shop.address)])
            market.reviews.append(review)

    for shop in shop_list:
        if not shop.buys_praise:
            continue
        for _ in range(rng.randint(*FAKES_PER_SELLER)):
            at = _when(rng, not_before=NOW - timedelta(days=YEAR_DAYS))
            if rng.random() < PUPPET_LINKED_SHARE:
                shared = rng.choice(["phone", "payment", "address"])
                keys = link_keys(
                    phones=[shop.phone if shared == "phone" else _phone(rng)],
                    payment_numbers=[shop.payment if shared == "payment" else _phone(rng)],
                    addresses=[_retyped(rng, shop.address)] if shared == "address" else [],
                )
            else:
                keys = link_keys(phones=[_phone(rng)], payment_numbers=[_phone(rng)])
            puppet = Buyer(
                number=len(market.buyers),
                kind="puppet",
                created=at - timedelta(days=rng.uniform(1, 30)),
                keys=keys,
                orders=1,
            )
            market.buyers.append(puppet)
            market.reviews.append(Review(puppet, shop, 5, at, "fake"))

    seller_keys = {
        shop.number: link_keys(
            phones=[shop.phone], payment_numbers=[shop.payment], addresses=[shop.address]
        )
        for shop in shop_list
    }
    for review in market.reviews:
        review.linked = linked(review.buyer.keys, seller_keys[review.seller.number])
    return market


def _held(review: Review, held_pairs: set[tuple[int, int]]) -> bool:
    return (review.buyer.number, review.seller.number) in held_pairs


def sokoni_scores(market: Market, *, policy: ReputationPolicy = DEFAULT) -> dict[int, float]:
    """Score every seller as Sokoni would, from what the platform can observe."""
    # A review is held while its buyer is under an open or upheld report against that seller.
    held_pairs = {
        (r.buyer.number, r.seller.number) for r in market.reviews if r.report in {"open", "upheld"}
    }
    published = [r for r in market.reviews if not _held(r, held_pairs) and not r.linked]
    by_seller: dict[int, list[Review]] = defaultdict(list)
    for review in published:
        by_seller[review.seller.number].append(review)
    stars_sum = {n: sum(r.stars for r in rs) for n, rs in by_seller.items()}

    # Each reviewer's history as the platform records it.
    reviews_by: dict[int, int] = defaultdict(int)
    upheld_by: dict[int, int] = defaultdict(int)
    far_below: dict[int, set[int]] = defaultdict(set)
    for review in market.reviews:
        reviews_by[review.buyer.number] += 1
        if review.report == "upheld":
            upheld_by[review.buyer.number] += 1
    for review in published:
        others = by_seller[review.seller.number]
        if len(others) - 1 < MIN_OTHERS_FOR_CONSENSUS:
            continue
        consensus = (stars_sum[review.seller.number] - review.stars) / (len(others) - 1)
        if review.stars <= consensus - FAR_BELOW:
            far_below[review.buyer.number].add(review.seller.number)
    trust = {
        buyer.number: reviewer_trust(
            completed_purchases=buyer.orders,
            account_age_days=(NOW - buyer.created).total_seconds() / 86_400,
            reviews=reviews_by[buyer.number],
            upheld_reports=upheld_by[buyer.number],
            far_below_consensus=len(far_below[buyer.number]),
        )
        for buyer in market.buyers
        if reviews_by[buyer.number]
    }

    ratings: dict[int, list[Rating]] = defaultdict(list)
    for review in market.reviews:
        ratings[review.seller.number].append(
            Rating(
                stars=review.stars,
                at=review.at,
                reviewer_trust=trust[review.buyer.number],
                counts=not review.linked,
                held=_held(review, held_pairs),
            )
        )
    return {n: reputation(rs, now=NOW, policy=policy).score for n, rs in ratings.items()}


def naive_scores(market: Market, *, kinds: frozenset[str] | None = None) -> dict[int, float]:
    """Average every review's stars per seller (or only reviews of the given kinds)."""
    stars: dict[int, list[int]] = defaultdict(list)
    for review in market.reviews:
        if kinds is None or review.kind in kinds:
            stars[review.seller.number].append(review.stars)
    return {n: sum(s) / len(s) for n, s in stars.items()}


def _ranks(values: Sequence[float]) -> list[float]:
    """Return 1-based ranks, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Return Spearman's rank correlation: Pearson's correlation of the ranks (ties averaged)."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("need two sequences of the same length, at least 2")
    rx, ry = _ranks(xs), _ranks(ys)
    mean = (len(xs) + 1) / 2
    cov = sum((a - mean) * (b - mean) for a, b in zip(rx, ry, strict=True))
    var_x = sum((a - mean) ** 2 for a in rx)
    var_y = sum((b - mean) ** 2 for b in ry)
    if var_x == 0 or var_y == 0:
        return 0.0
    return cov / math.sqrt(var_x * var_y)


def _errors(scores: dict[int, float], truth: dict[int, float]) -> tuple[float, float]:
    sellers = sorted(truth)
    mae = sum(abs(scores[n] - truth[n]) for n in sellers) / len(sellers)
    rho = spearman([scores[n] for n in sellers], [truth[n] for n in sellers])
    return mae, rho


def measure(market: Market, *, policy: ReputationPolicy = DEFAULT) -> dict[str, object]:
    """Compare the naive average and Sokoni's reputation with true quality."""
    naive = naive_scores(market)
    sokoni = sokoni_scores(market, policy=policy)
    latent = {s.number: s.quality_now for s in market.sellers if s.number in naive}
    truth = {n: expected_stars(q) for n, q in latent.items()}
    naive_mae, naive_rho = _errors(naive, truth)
    sokoni_mae, sokoni_rho = _errors(sokoni, truth)
    naive_latent_mae, _ = _errors(naive, latent)
    sokoni_latent_mae, _ = _errors(sokoni, latent)

    extorted = {r.seller.number for r in market.reviews if r.kind in {"extortion", "paid"}}
    praised = {s.number for s in market.sellers if s.buys_praise}
    groups = {
        "extorted": extorted - praised,
        "bought_praise": praised,
        "untouched": set(truth) - extorted - praised,
    }
    by_group = {}
    for name, members in groups.items():
        sub = {n: truth[n] for n in members if n in truth}
        if not sub:
            continue
        by_group[name] = {
            "sellers": len(sub),
            "naive_mae": round(sum(abs(naive[n] - q) for n, q in sub.items()) / len(sub), 4),
            "sokoni_mae": round(sum(abs(sokoni[n] - q) for n, q in sub.items()) / len(sub), 4),
        }
    # Not observable by any platform: the average of honest reviews only, as a floor.
    honest = naive_scores(market, kinds=frozenset({"honest"}))
    honest_truth = {n: q for n, q in truth.items() if n in honest}
    honest_mae, honest_rho = _errors(honest, honest_truth)

    kinds: dict[str, int] = defaultdict(int)
    for review in market.reviews:
        kinds[review.kind] += 1
    reports: dict[str, int] = defaultdict(int)
    for review in market.reviews:
        if review.report:
            reports[f"{review.kind}_{review.report}"] += 1
    fakes = [r for r in market.reviews if r.kind == "fake"]
    wrongly_linked = sum(1 for r in market.reviews if r.kind == "honest" and r.linked)
    ratio = sokoni_mae / naive_mae if naive_mae else math.inf
    return {
        "sellers_scored": len(truth),
        "buyers": sum(1 for b in market.buyers if b.kind != "puppet"),
        "reviews": dict(sorted(kinds.items())),
        "reports": dict(sorted(reports.items())),
        "fakes_caught_by_links": sum(1 for r in fakes if r.linked),
        "honest_reviews_wrongly_linked": wrongly_linked,
        "naive_mae": round(naive_mae, 4),
        "naive_spearman": round(naive_rho, 4),
        "sokoni_mae": round(sokoni_mae, 4),
        "sokoni_spearman": round(sokoni_rho, 4),
        "ratio": round(ratio, 4),
        "naive_mae_latent": round(naive_latent_mae, 4),
        "sokoni_mae_latent": round(sokoni_latent_mae, 4),
        "honest_only_mae": round(honest_mae, 4),
        "honest_only_spearman": round(honest_rho, 4),
        "by_group": by_group,
        "target_met": ratio <= TARGET_RATIO,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sellers", type=int, default=200)
    parser.add_argument("--buyers", type=int, default=3000)
    parser.add_argument("--extortion-share", type=float, default=0.1, help="share of buyers")
    parser.add_argument("--fake-share", type=float, default=0.1, help="share of sellers")
    parser.add_argument(
        "--quality-beta",
        type=float,
        nargs=2,
        default=QUALITY_BETA,
        metavar=("A", "B"),
        help="true quality is 1 + 4 * Beta(A, B)",
    )
    parser.add_argument("--prior-weight", type=float, default=DEFAULT.prior_weight)
    parser.add_argument("--half-life", type=float, default=DEFAULT.half_life_days, help="days")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    if args.sellers < 2 or args.buyers < 1:
        parser.error("need at least 2 sellers and 1 buyer")
    if not (0 <= args.extortion_share <= 1 and 0 <= args.fake_share <= 1):
        parser.error("shares are within 0..1")

    market = simulate(
        seed=args.seed,
        sellers=args.sellers,
        buyers=args.buyers,
        extortion_share=args.extortion_share,
        fake_share=args.fake_share,
        quality_beta=tuple(args.quality_beta),
    )
    try:
        policy = replace(DEFAULT, prior_weight=args.prior_weight, half_life_days=args.half_life)
    except ValueError as error:
        parser.error(str(error))
    result = measure(market, policy=policy)
    result.update(
        seed=args.seed,
        extortion_share=args.extortion_share,
        fake_share=args.fake_share,
        sellers=args.sellers,
        quality_beta=list(args.quality_beta),
        policy={
            "prior_mean": policy.prior_mean,
            "prior_weight": policy.prior_weight,
            "half_life_days": policy.half_life_days,
            "min_trust": policy.min_trust,
        },
    )

    print(
        f"seed {args.seed}: {args.sellers} sellers ({result['sellers_scored']} with reviews), "
        f"{result['buyers']} buyers, {args.extortion_share:.0%} extorting, "
        f"{args.fake_share:.0%} of sellers buying praise; quality 1 + 4 * Beta"
        f"({args.quality_beta[0]:g}, {args.quality_beta[1]:g}); prior {policy.prior_mean:g} x "
        f"{policy.prior_weight:g}, half-life {policy.half_life_days:g} days"
    )
    print(f"reviews by kind: {result['reviews']}")
    print(f"reports (review kind_outcome): {result['reports']}")
    print(
        f"fake reviews caught by links: {result['fakes_caught_by_links']} of "
        f"{result['reviews'].get('fake', 0)}; honest reviews wrongly linked: "  # type: ignore[attr-defined]
        f"{result['honest_reviews_wrongly_linked']}"
    )
    print(f"{'':<22}{'MAE':>8}{'Spearman':>10}")
    print(f"{'naive average':<22}{result['naive_mae']:>8.3f}{result['naive_spearman']:>10.3f}")
    print(
        f"{'Sokoni reputation':<22}{result['sokoni_mae']:>8.3f}{result['sokoni_spearman']:>10.3f}"
    )
    print(
        f"{'honest reviews only':<22}{result['honest_only_mae']:>8.3f}"
        f"{result['honest_only_spearman']:>10.3f}  (not observable; a floor)"
    )
    print(
        f"against the latent quality: MAE naive {result['naive_mae_latent']:.3f}, "
        f"Sokoni {result['sokoni_mae_latent']:.3f}"
    )
    for name, figures in result["by_group"].items():  # type: ignore[attr-defined]
        print(
            f"  {name}: {figures['sellers']} sellers, MAE naive {figures['naive_mae']:.3f}, "
            f"Sokoni {figures['sokoni_mae']:.3f}"
        )
    verdict = "ok" if result["target_met"] else "MISSED"
    print(f"Sokoni MAE / naive MAE = {result['ratio']:.3f} (target <= {TARGET_RATIO}): {verdict}")
    if args.json:
        print(json.dumps(result, sort_keys=True))
    return 0 if result["target_met"] else 2


if __name__ == "__main__":
    sys.exit(main())
