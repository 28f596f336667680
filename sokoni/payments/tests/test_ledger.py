"""The ledger: balanced, idempotent, append-only, never negative where money is held."""

import contextlib
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sokoni.payments import services
from sokoni.payments.errors import (
    IdempotencyConflict,
    ImmutableRecord,
    InsufficientFunds,
    InvalidPosting,
    UnbalancedTransaction,
)
from sokoni.payments.models import AccountKind, JournalTransaction, LedgerAccount, Posting
from sokoni.payments.selectors import account_balance, ledger_problems
from sokoni.payments.services import Line

pytestmark = pytest.mark.django_db

CLEARING = ("clearing:mpesa", AccountKind.CLEARING)
ESCROW = ("escrow:order:1", AccountKind.ESCROW)
WALLET = ("wallet:user:7", AccountKind.WALLET)
REVENUE = ("platform:revenue", AccountKind.REVENUE)


def line(account, amount, currency="KES"):
    code, kind = account
    return Line(account=code, kind=kind, currency=currency, amount_minor=amount)


def pay(key="pay-1", amount=10_000):
    """A buyer's payment lands in escrow."""
    return services.journal_post(
        idempotency_key=key,
        lines=[line(CLEARING, -amount), line(ESCROW, amount)],
        description="Payment for order 1",
    )


def test_a_balanced_transaction_moves_money_and_keeps_balances():
    """Postings are written and the cached balances equal the sums of postings."""
    # when
    journal = pay()
    # then
    assert journal.postings.count() == 2
    assert account_balance(code="escrow:order:1", currency="KES") == 10_000
    assert account_balance(code="clearing:mpesa", currency="KES") == -10_000
    assert LedgerAccount.objects.get(code="escrow:order:1").balance_minor == 10_000
    assert ledger_problems() == []


def test_release_splits_escrow_between_seller_and_platform():
    pay()
    services.journal_post(
        idempotency_key="release-1",
        lines=[line(ESCROW, -10_000), line(WALLET, 9_500), line(REVENUE, 500)],
        description="Release order 1",
    )
    assert account_balance(code="escrow:order:1", currency="KES") == 0
    assert account_balance(code="wallet:user:7", currency="KES") == 9_500
    assert account_balance(code="platform:revenue", currency="KES") == 500
    assert ledger_problems() == []


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ([line(CLEARING, -100), line(ESCROW, 99)], UnbalancedTransaction),
        ([line(CLEARING, -100, "KES"), line(ESCROW, 100, "USD")], UnbalancedTransaction),
        ([line(CLEARING, -100)], InvalidPosting),
        ([line(CLEARING, 0), line(ESCROW, 0)], InvalidPosting),
        ([line(CLEARING, -100, "XYZ"), line(ESCROW, 100, "XYZ")], InvalidPosting),
    ],
)
def test_an_invalid_transaction_is_refused_and_changes_nothing(lines, error):
    with pytest.raises(error):
        services.journal_post(idempotency_key="bad", lines=lines, description="bad")
    assert JournalTransaction.objects.count() == 0
    assert Posting.objects.count() == 0
    assert LedgerAccount.objects.count() == 0


def test_a_repeated_key_returns_the_first_transaction_and_moves_no_money():
    first = pay()
    second = pay()
    assert second.pk == first.pk
    assert account_balance(code="escrow:order:1", currency="KES") == 10_000
    assert JournalTransaction.objects.count() == 1


def test_a_repeated_key_with_other_lines_is_refused():
    pay(amount=10_000)
    with pytest.raises(IdempotencyConflict):
        pay(amount=20_000)
    assert account_balance(code="escrow:order:1", currency="KES") == 10_000


def test_held_money_never_goes_negative():
    """Escrow cannot pay out more than it holds; the refused release changes nothing."""
    pay(amount=10_000)
    with pytest.raises(InsufficientFunds):
        services.journal_post(
            idempotency_key="release-too-much",
            lines=[line(ESCROW, -10_001), line(WALLET, 10_001)],
            description="Release too much",
        )
    assert account_balance(code="escrow:order:1", currency="KES") == 10_000
    assert not JournalTransaction.objects.filter(idempotency_key="release-too-much").exists()
    assert ledger_problems() == []


def test_ledger_history_cannot_be_edited_or_deleted():
    journal = pay()
    posting = journal.postings.first()
    posting.amount_minor = 1
    with pytest.raises(ImmutableRecord):
        posting.save()
    with pytest.raises(ImmutableRecord):
        posting.delete()
    with pytest.raises(ImmutableRecord):
        journal.delete()
    assert ledger_problems() == []


def test_ledger_check_reports_a_tampered_balance():
    pay()
    LedgerAccount.objects.filter(code="escrow:order:1").update(balance_minor=1)
    assert ledger_problems() == [
        "account escrow:order:1 (KES): stored balance 1 but postings sum to 10000"
    ]
    with pytest.raises(CommandError):
        call_command("ledger_check")


def test_ledger_check_passes_on_a_sound_ledger(capsys):
    pay()
    call_command("ledger_check")
    assert "ledger ok" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_refuses_an_unbalanced_commit_whatever_writes_it():
    """Raw postings that do not sum to zero fail at commit (the deferred trigger)."""
    account = services.account_ensure(code="x", kind=AccountKind.CLEARING, currency="KES")

    def write_unbalanced():
        with transaction.atomic():
            journal = JournalTransaction.objects.create(idempotency_key="raw", description="raw")
            Posting.objects.create(
                transaction=journal, account=account, amount_minor=5, currency="KES"
            )
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(DatabaseError):
        write_unbalanced()
    assert not JournalTransaction.objects.filter(idempotency_key="raw").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_refuses_updates_to_postings():
    pay()
    with pytest.raises(DatabaseError), transaction.atomic():
        Posting.objects.update(amount_minor=1)
    assert account_balance(code="escrow:order:1", currency="KES") == 10_000


ACCOUNTS = [CLEARING, ESCROW, WALLET, REVENUE, ("float:centre:1", AccountKind.FLOAT)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(range(len(ACCOUNTS))),
            st.sampled_from(range(len(ACCOUNTS))),
            st.integers(min_value=1, max_value=50_000),
            st.sampled_from(["KES", "USD"]),
            st.integers(min_value=0, max_value=5),  # keys repeat: replays
        ),
        max_size=12,
    )
)
def test_random_journals_keep_every_invariant(moves):
    """Whatever sequence of transfers, replays and refusals: the ledger stays sound."""
    with transaction.atomic():
        for number, (source, target, amount, currency, key) in enumerate(moves):
            if source == target:
                continue
            lines = [
                line(ACCOUNTS[source], -amount, currency),
                line(ACCOUNTS[target], amount, currency),
            ]
            with contextlib.suppress(InsufficientFunds, IdempotencyConflict):
                services.journal_post(
                    idempotency_key=f"k{key}-{number % 3}", lines=lines, description="random"
                )
            assert ledger_problems() == []
        transaction.set_rollback(True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_never_overdraw_a_wallet():
    """Ten payouts of 4,000 race for a wallet holding 10,000: exactly two succeed."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    services.journal_post(
        idempotency_key="fund",
        lines=[line(CLEARING, -10_000), line(WALLET, 10_000)],
        description="fund",
    )
    barrier = threading.Barrier(10)
    outcomes = []

    def payout(number):
        try:
            barrier.wait()
            services.journal_post(
                idempotency_key=f"payout-{number}",
                lines=[line(WALLET, -4_000), line(("payout:transit", AccountKind.PAYOUT), 4_000)],
                description="payout",
            )
            outcomes.append("paid")
        except InsufficientFunds:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=payout, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["paid"] * 2 + ["refused"] * 8
    assert account_balance(code="wallet:user:7", currency="KES") == 2_000
    assert ledger_problems() == []


def test_staff_see_the_ledger_in_the_admin_but_cannot_change_it(client, staff):
    journal = pay()
    client.force_login(staff)
    assert client.get("/admin/payments/journaltransaction/").status_code == 200
    page = client.get(f"/admin/payments/journaltransaction/{journal.pk}/change/")
    assert page.status_code == 200
    assert "escrow:order:1" in page.content.decode()
    assert client.get("/admin/payments/journaltransaction/add/").status_code == 403
    response = client.post(
        f"/admin/payments/journaltransaction/{journal.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert JournalTransaction.objects.filter(pk=journal.pk).exists()


def test_ledger_check_reports_a_payment_left_unrefunded():
    """Money parked for a payment that paid for nothing must have gone back out."""
    # given
    services.journal_post(
        idempotency_key="payment:SKTEST:unapplied",
        lines=[
            Line("clearing:sandbox-mobile", AccountKind.CLEARING, "KES", -500),
            Line("escrow:payment:SKTEST", AccountKind.ESCROW, "KES", 500),
        ],
        description="left behind",
    )
    # then
    assert ledger_problems() == ["account escrow:payment:SKTEST (KES) still holds 500"]
