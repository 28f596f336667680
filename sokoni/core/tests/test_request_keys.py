"""The request-key guard: a form queued offline and sent twice acts once, in the cart and in
messages; keys are per user (a visitor's in the session), malformed keys are ignored, refused
actions record nothing, old keys are pruned, and two racing replays act once on PostgreSQL."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.core.models import RequestKey
from sokoni.core.request_keys import SESSION_KEEP, request_keys_prune
from sokoni.orders.models import CartItem
from sokoni.orders.services.cart import SESSION_KEY
from sokoni.trust.messages import thread_start
from sokoni.trust.models import Message, Thread

pytestmark = pytest.mark.django_db

KEY = "0f8c2d4e-6a1b-4c3d-9e8f-7a6b5c4d3e2f"
OTHER_KEY = "5b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"


def add(client, product, quantity=1, key=KEY):
    data = {"product_id": product.pk, "quantity": quantity, "next": "/"}
    if key is not None:
        data["request_key"] = key
    return client.post(reverse("orders:cart_add"), data)


def quantity_in_cart(user, product):
    return CartItem.objects.get(cart__user=user, product=product).quantity


# -- the cart -----------------------------------------------------------------------------------


def test_the_same_key_twice_adds_once_with_the_first_quantity(client):
    """A replay answers like the first send (a redirect with the message) and adds nothing."""
    # given
    buyer, product = UserFactory(), ProductFactory(stock=50)
    client.force_login(buyer)
    # when
    first = add(client, product, quantity=2)
    second = add(client, product, quantity=5)
    # then
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == "/"
    assert quantity_in_cart(buyer, product) == 2
    assert RequestKey.objects.filter(user=buyer).count() == 1
    page = client.get("/").content.decode()
    assert page.count(f"Added to your cart: {product.name}.") == 2  # each answer says so


def test_a_new_key_adds_again(client):
    buyer, product = UserFactory(), ProductFactory(stock=50)
    client.force_login(buyer)
    add(client, product, quantity=2)
    add(client, product, quantity=3, key=OTHER_KEY)
    assert quantity_in_cart(buyer, product) == 5


def test_without_a_key_every_post_adds_as_before(client):
    buyer, product = UserFactory(), ProductFactory(stock=50)
    client.force_login(buyer)
    add(client, product, key=None)
    add(client, product, key=None)
    assert quantity_in_cart(buyer, product) == 2
    assert RequestKey.objects.count() == 0


@pytest.mark.parametrize(
    "bad", ["short", "x" * 65, "has space in it 1234", "<script>alert(1)</script>", "ключ" * 8]
)
def test_a_malformed_key_is_ignored_and_the_form_acts_as_without_one(client, bad):
    buyer, product = UserFactory(), ProductFactory(stock=50)
    client.force_login(buyer)
    assert add(client, product, key=bad).status_code == 302
    assert add(client, product, key=bad).status_code == 302
    assert quantity_in_cart(buyer, product) == 2
    assert RequestKey.objects.count() == 0


def test_two_users_with_the_same_key_are_independent(client):
    product = ProductFactory(stock=50)
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    add(client, product, quantity=1)
    client.force_login(second)
    add(client, product, quantity=4)
    assert quantity_in_cart(first, product) == 1
    assert quantity_in_cart(second, product) == 4
    assert RequestKey.objects.filter(key=KEY).count() == 2


def test_a_refused_add_records_no_key_so_its_replay_is_refused_again(client):
    # given: more than the stock
    buyer, product = UserFactory(), ProductFactory(stock=3)
    client.force_login(buyer)
    # when
    add(client, product, quantity=5)
    add(client, product, quantity=5)
    # then
    assert not CartItem.objects.filter(cart__user=buyer).exists()
    assert RequestKey.objects.count() == 0
    page = client.get("/").content.decode()
    assert page.count("Only 3 of") == 2


def test_a_visitors_key_is_kept_in_the_session_beside_the_session_cart(client):
    product = ProductFactory(stock=50)
    add(client, product, quantity=2)
    add(client, product, quantity=2)
    assert client.session[SESSION_KEY] == {str(product.pk): 2}
    assert RequestKey.objects.count() == 0


def test_a_visitors_session_keeps_only_the_last_keys(client):
    product = ProductFactory(stock=999)
    for n in range(SESSION_KEEP + 1):
        add(client, product, key=f"key-{n:04d}-0123456789ab")
    assert len(client.session["request_keys"]) == SESSION_KEEP
    add(client, product, key="key-0000-0123456789ab")  # forgotten: adds again
    assert client.session[SESSION_KEY] == {str(product.pk): SESSION_KEEP + 2}


# -- messages -----------------------------------------------------------------------------------


def test_a_replayed_reply_is_sent_once_and_answers_with_the_thread(client):
    # given
    buyer = UserFactory()
    first = thread_start(sender=buyer, product_id=ProductFactory().pk, body="Is it fresh?")
    url = reverse("trust:thread", args=[first.thread_id])
    client.force_login(buyer)
    # when
    one = client.post(url, {"body": "When can you send it?", "request_key": KEY})
    two = client.post(url, {"body": "When can you send it?", "request_key": KEY})
    # then
    assert one.status_code == two.status_code == 302
    assert one["Location"] == two["Location"] == url
    assert Message.objects.filter(thread_id=first.thread_id).count() == 2


def test_a_replayed_first_message_opens_one_thread_with_one_message(client):
    # given
    buyer, product = UserFactory(), ProductFactory()
    url = reverse("trust:thread_start_product", args=[product.pk])
    client.force_login(buyer)
    # when
    one = client.post(url, {"body": "Do you ship to Nairobi?", "request_key": KEY})
    two = client.post(url, {"body": "Do you ship to Nairobi?", "request_key": KEY})
    # then
    thread = Thread.objects.get()
    assert one["Location"] == two["Location"] == reverse("trust:thread", args=[thread.pk])
    assert Message.objects.count() == 1


def test_a_refused_message_records_no_key(client):
    buyer = UserFactory()
    first = thread_start(sender=buyer, product_id=ProductFactory().pk, body="Hello")
    client.force_login(buyer)
    url = reverse("trust:thread", args=[first.thread_id])
    response = client.post(url, {"body": "   ", "request_key": KEY})
    assert response.status_code == 400
    assert RequestKey.objects.count() == 0
    assert client.post(url, {"body": "Now with words", "request_key": KEY}).status_code == 302
    assert Message.objects.count() == 2


# -- pruning ------------------------------------------------------------------------------------


def test_keys_older_than_a_week_are_pruned():
    user = UserFactory()
    now = timezone.now()
    old = RequestKey.objects.create(user=user, key=KEY, created_at=now - timedelta(days=8))
    fresh = RequestKey.objects.create(user=user, key=OTHER_KEY, created_at=now - timedelta(days=6))
    assert request_keys_prune(now=now) == 1
    assert list(RequestKey.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not RequestKey.objects.filter(pk=old.pk).exists()


def test_the_prune_command_says_how_many_it_deleted():
    RequestKey.objects.create(
        user=UserFactory(), key=KEY, created_at=timezone.now() - timedelta(days=30)
    )
    out = StringIO()
    call_command("request_keys_prune", stdout=out)
    assert out.getvalue().strip() == "deleted 1 request key(s)"


# -- races (PostgreSQL) ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_replays_of_one_key_add_once():
    """Both requests insert the key; the second waits on the unique index, then finds it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    from django.test import Client

    buyer, product = UserFactory(), ProductFactory(stock=50)
    barrier = threading.Barrier(2)
    statuses = []

    def replay():
        client = Client()
        client.force_login(buyer)
        barrier.wait()
        try:
            statuses.append(add(client, product, quantity=3).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=replay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert quantity_in_cart(buyer, product) == 3
    assert RequestKey.objects.filter(user=buyer).count() == 1
