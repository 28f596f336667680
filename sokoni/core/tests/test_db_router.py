"""Reads from the read replica only inside a read-only scope (sokoni.core.db_router).

The test settings define a database alias ``replica`` pointing at the test database itself (a
test mirror of ``default``: ``TEST={"MIRROR": "default"}``) on its own connection, with
REPLICA_READS off; these tests turn it on and tell which alias served a query by capturing the
queries of each connection. They commit (transactional tests): a second connection cannot see
rows inside another's transaction.
"""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sokoni.catalog.models import Product
from sokoni.catalog.search import product_reindex, product_reindex_all
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.core.db_router import REPLICA, WROTE_COOKIE, ReplicaRouter, replica_reads
from sokoni.villages.models import Village

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture(autouse=True)
def _empty_search_vocabulary():
    """The search index and vocabulary live in tables no model owns, which the flush after a
    transactional test leaves behind (later searches would correct typos against them): empty
    them together with the products."""
    yield
    Product.objects.all().delete()
    product_reindex_all()


@pytest.fixture
def replica(settings):
    """Reads in a read-only scope may go to the replica (the test mirror of the database)."""
    settings.REPLICA_READS = True
    connection = connections[REPLICA]
    assert connection.settings_dict["NAME"] == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    return connection


class Queries:
    """The queries each connection ran inside the block."""

    def __enter__(self):
        aliases = (DEFAULT_DB_ALIAS, REPLICA)
        self._contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in aliases}
        for context in self._contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self._contexts.values():
            context.__exit__(*exc)

    def on(self, alias):
        """The statements run on ``alias``, without transaction control (engines differ)."""
        return [
            query["sql"]
            for query in self._contexts[alias].captured_queries
            if query["sql"].split()[0] not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}
        ]


@pytest.fixture
def product():
    product = ProductFactory(name="Othaya forest honey", price_minor=50_000)
    product_reindex([product.pk])
    return product


def test_reads_outside_a_read_only_scope_go_to_the_primary(replica, product):
    """A configured replica is not used by default: a plain read goes to the primary."""
    # when
    with Queries() as queries:
        name = Product.objects.get(pk=product.pk).name
    # then
    assert name == "Othaya forest honey"
    assert len(queries.on(DEFAULT_DB_ALIAS)) == 1
    assert queries.on(REPLICA) == []


def test_reads_inside_the_scope_go_to_the_replica(replica, product):
    """Inside replica_reads() the read (and the related object it follows) uses the replica,
    and finds the committed row there."""
    # when
    with Queries() as queries, replica_reads():
        found = Product.objects.get(pk=product.pk)
        village = found.village
    # then
    assert found.name == "Othaya forest honey"
    assert found._state.db == REPLICA
    assert village.pk == product.village_id
    assert len(queries.on(REPLICA)) == 2
    assert queries.on(DEFAULT_DB_ALIAS) == []


def test_reads_inside_a_transaction_on_the_primary_stay_there(replica, product):
    """An atomic block on the primary keeps the scope's reads there (they must see what it
    writes, and its locks are there), even before anything is written."""
    # when
    with Queries() as queries, replica_reads(), transaction.atomic():
        stock = Product.objects.get(pk=product.pk).stock
    # then
    assert stock == 10
    assert len(queries.on(DEFAULT_DB_ALIAS)) == 1
    assert queries.on(REPLICA) == []


def test_reads_after_a_write_in_the_scope_go_to_the_primary(replica, product):
    """The write goes to the primary, and so does every read after it in the same scope."""
    # when
    with Queries() as queries, replica_reads():
        before = Product.objects.get(pk=product.pk).stock
        Product.objects.filter(pk=product.pk).update(stock=7)
        after = Product.objects.get(pk=product.pk).stock
    # then
    assert (before, after) == (10, 7)
    assert len(queries.on(REPLICA)) == 1
    assert [sql.split()[0] for sql in queries.on(DEFAULT_DB_ALIAS)] == ["UPDATE", "SELECT"]


def test_an_object_read_from_the_replica_is_saved_to_the_primary(replica, product):
    """Writes always go to the primary, even for an object loaded from the replica, and may
    refer to objects read from either."""
    # given
    with replica_reads():
        found = Product.objects.get(pk=product.pk)
        village = Village.objects.get(pk=product.village_id)
    # when
    with Queries() as queries:
        found.village = village
        found.stock = 4
        found.save(update_fields=["stock", "village"])
    # then
    assert Product.objects.get(pk=product.pk).stock == 4
    assert queries.on(REPLICA) == []
    assert queries.on(DEFAULT_DB_ALIAS)[0].startswith("UPDATE")


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_scope_does_nothing_without_a_replica(product, settings):
    """With no replica configured the router has no say and reads stay on the primary."""
    settings.DATABASES = {DEFAULT_DB_ALIAS: settings.DATABASES[DEFAULT_DB_ALIAS]}
    settings.REPLICA_READS = True
    # when
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as queries, replica_reads():
        name = Product.objects.get(pk=product.pk).name
    # then
    assert name == "Othaya forest honey"
    assert len(queries.captured_queries) == 1
    assert ReplicaRouter().db_for_read(Product) is None


def test_the_replica_is_never_migrated(replica):
    """allow_migrate refuses the replica and leaves the primary to the default rules."""
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "catalog") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "catalog") is None


@pytest.mark.parametrize("page", ["search", "product", "category", "home"])
def test_public_catalogue_pages_read_from_the_replica(replica, product, page):
    """A visitor's search, product, category and home pages read only from the replica."""
    # given
    url = {
        "search": reverse("web:search") + "?q=honey",
        "product": reverse("web:product_detail", args=[product.pk, product.slug]),
        "category": reverse("web:category_detail", args=[product.category.slug]),
        "home": reverse("web:home"),
    }[page]
    # when
    with Queries() as queries:
        response = Client().get(url)
    # then
    assert response.status_code == 200
    assert "Othaya forest honey" in response.content.decode()
    assert queries.on(REPLICA)
    assert queries.on(DEFAULT_DB_ALIAS) == []
    assert WROTE_COOKIE not in response.cookies


def test_a_visitor_who_just_wrote_reads_from_the_primary(replica, product):
    """After a POST the answer carries the short-lived cookie, and while the visitor has it
    their catalogue pages read from the primary only (they see what they just did)."""
    # given
    visitor = Client()
    url = reverse("web:product_detail", args=[product.pk, product.slug])
    # when
    posted = visitor.post(reverse("set_language"), {"language": "fr", "next": "/"})
    with Queries() as queries:
        page = visitor.get(url)
    # then
    assert posted.status_code == 302
    cookie = posted.cookies[WROTE_COOKIE]
    assert cookie.value == "1"
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    assert page.status_code == 200
    assert queries.on(DEFAULT_DB_ALIAS)
    assert queries.on(REPLICA) == []
    # and once the cookie has expired, the replica serves them again
    visitor.cookies.pop(WROTE_COOKIE)
    with Queries() as later:
        assert visitor.get(url).status_code == 200
    assert later.on(REPLICA)
    assert later.on(DEFAULT_DB_ALIAS) == []


def test_no_cookie_is_set_without_a_replica(product):
    """Installations without a replica answer exactly as before: no extra cookie."""
    # when
    posted = Client().post(reverse("set_language"), {"language": "fr", "next": "/"})
    # then
    assert posted.status_code == 302
    assert WROTE_COOKIE not in posted.cookies
