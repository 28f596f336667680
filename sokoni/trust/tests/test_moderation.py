"""The staff moderation queue and one report's evidence side by side, with the decision."""

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.trust.models import ExtortionReport, Review
from sokoni.trust.services import report_extortion, review_create
from sokoni.trust.tests.test_extortion_reports import completed

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(tasks):
    order = completed(tasks)
    review = review_create(
        buyer=order.buyer,
        line_id=order.lines.get().pk,
        rating=1,
        text="<script>alert(1)</script> Awful seller.",
    )
    report = report_extortion(
        seller=order.shop.owner, order_id=order.pk, details="Asked KES 500 for 5 stars."
    )
    return order, review, report


def report_url(report):
    return reverse("moderation:report", args=[report.pk])


def test_only_staff_see_the_queue_and_the_evidence(client, reported):
    order, _, report = reported
    for user in (UserFactory(), order.shop.owner, order.buyer):
        client.force_login(user)
        assert client.get(reverse("moderation:queue")).status_code == 404
        assert client.get(report_url(report)).status_code == 404
        assert (
            client.post(report_url(report), {"decision": "uphold", "note": "x"}).status_code == 404
        )
    report.refresh_from_db()
    assert report.status == "open"


def test_the_queue_lists_open_reports_with_the_reviews_they_hold(client, reported):
    order, _, report = reported
    client.force_login(StaffFactory())
    page = client.get(reverse("moderation:queue")).content.decode()
    assert report_url(report) in page
    assert order.shop.name in page
    assert "1 review held" in page


def test_the_evidence_shows_both_sides_escaped(client, reported):
    order, _, report = reported
    client.force_login(StaffFactory())
    page = client.get(report_url(report)).content.decode()
    seller = page.index("The seller's report")
    buyer = page.index("The buyer's side")
    assert seller < page.index("Asked KES 500 for 5 stars.") < buyer
    assert buyer < page.index("Awful seller.")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert order.number in page


def test_staff_uphold_a_report_and_the_review_is_removed(client, reported):
    _, review, report = reported
    staff = StaffFactory()
    client.force_login(staff)
    response = client.post(report_url(report), {"decision": "uphold", "note": "Clear demand."})
    assert response.status_code == 302
    report.refresh_from_db()
    review.refresh_from_db()
    assert (report.status, report.decided_by, report.decision_note) == (
        "upheld",
        staff,
        "Clear demand.",
    )
    assert review.status == "removed"
    assert "Clear demand." in client.get(report_url(report)).content.decode()


def test_staff_dismiss_a_report_and_the_review_is_published_again(client, reported):
    _, review, report = reported
    client.force_login(StaffFactory())
    client.post(report_url(report), {"decision": "dismiss", "note": "No demand in the messages."})
    review.refresh_from_db()
    assert review.status == "published"


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "maybe", "note": "Hmm."},
        {"note": "No choice."},
        {"decision": "uphold", "note": ""},
        {"decision": "uphold", "note": "x" * 20_000},
    ],
)
def test_a_bad_decision_is_refused_and_nothing_changes(client, reported, data):
    _, review, report = reported
    client.force_login(StaffFactory())
    response = client.post(report_url(report), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    report.refresh_from_db()
    review.refresh_from_db()
    assert (report.status, review.status) == ("open", "held")


def test_a_decided_report_is_not_decided_again(client, reported):
    _, _, report = reported
    client.force_login(StaffFactory())
    client.post(report_url(report), {"decision": "dismiss", "note": "Fine."})
    response = client.post(report_url(report), {"decision": "uphold", "note": "Changed."})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "dismissed"
    assert ExtortionReport.objects.count() == 1
    assert Review.objects.get().status == "published"


def test_an_unknown_report_is_404(client):
    client.force_login(StaffFactory())
    assert client.get(reverse("moderation:report", args=[999999])).status_code == 404


def test_reported_messages_wait_in_the_queue_with_a_logged_link(client, tasks):
    from sokoni.trust.messages import message_report, thread_start
    from sokoni.trust.models import ThreadAccess

    order = completed(tasks)
    demand = thread_start(sender=order.buyer, order_id=order.pk, body="Send KES 300 or 1 star.")
    message_report(reporter=order.shop.owner, message_id=demand.pk, reason="spam")
    client.force_login(StaffFactory())
    page = client.get(reverse("moderation:queue")).content.decode()
    thread_url = reverse("trust:staff_thread", args=[demand.thread_id])
    assert thread_url in page
    assert "1 reported message" in page
    assert not ThreadAccess.objects.exists()  # the queue shows no message text
    assert "Send KES 300" in client.get(thread_url).content.decode()
    assert ThreadAccess.objects.count() == 1


def test_an_open_report_lets_staff_read_the_pairs_threads_logged(client, reported):
    from sokoni.trust.messages import thread_start
    from sokoni.trust.models import ThreadAccess

    order, _, report = reported
    thread = thread_start(sender=order.buyer, order_id=order.pk, body="Cash back or 1 star.").thread
    staff = StaffFactory()
    client.force_login(staff)
    page = client.get(report_url(report)).content.decode()
    thread_url = reverse("trust:staff_thread", args=[thread.pk])
    assert thread_url in page
    assert "Cash back or 1 star." not in page  # read only on the logged page
    assert "Cash back or 1 star." in client.get(thread_url).content.decode()
    access = ThreadAccess.objects.get()
    assert (access.staff, access.thread_id, access.why) == (staff, thread.pk, "reported")
    # once decided, the thread is private again
    client.post(report_url(report), {"decision": "dismiss", "note": "No proof."})
    assert client.get(thread_url).status_code == 404
    assert ThreadAccess.objects.count() == 1


def test_disputes_in_the_queue_and_their_messages_from_the_dispute_page(client, tasks):
    from datetime import timedelta

    from sokoni.orders.services.disputes import dispute_escalate
    from sokoni.orders.tests.factories import disputed_order
    from sokoni.trust.messages import thread_start
    from sokoni.trust.models import ThreadAccess

    order = disputed_order(tasks)
    thread = thread_start(sender=order.buyer, order_id=order.pk, body="Where is my parcel?").thread
    dispute_escalate(dispute_id=order.dispute.pk, now=order.dispute.due_at + timedelta(minutes=1))
    client.force_login(StaffFactory())
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert "1 open dispute" in queue
    assert "(1 escalated)" in queue
    page = client.get(reverse("orders:dispute_detail", args=[order.pk])).content.decode()
    thread_url = reverse("trust:staff_thread", args=[thread.pk])
    assert thread_url in page
    assert "Where is my parcel?" in client.get(thread_url).content.decode()
    assert ThreadAccess.objects.get().why == "dispute"
