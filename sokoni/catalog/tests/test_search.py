"""Search over the public catalogue, on SQLite (FTS5 trigram) and PostgreSQL (tsvector, pg_trgm)."""

from types import SimpleNamespace

import pytest
from django.db import connection

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.catalog import search
from sokoni.catalog.models import Product
from sokoni.catalog.search import (
    fold,
    product_reindex,
    product_reindex_all,
    product_search,
)
from sokoni.catalog.services import shop_suspend
from sokoni.catalog.states import CertificationKind, CertificationStatus, ShopStatus
from sokoni.catalog.tests.factories import (
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    ShopFactory,
)
from sokoni.core.money import Money
from sokoni.villages import registry
from sokoni.villages.models import Village
from sokoni.villages.states import VillageStatus
from sokoni.villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


def names(result):
    return [p.name for p in result.items]


@pytest.fixture
def world():
    """Two approved villages with shops, a small category tree, and products some hidden."""
    coffee_tea = CategoryFactory(
        slug="coffee-tea",
        name="Coffee & tea",
        names={
            "sw": "Kahawa na chai",
            "zh-hans": "咖啡与茶",
            "ko": "커피와 차",
            "fr": "Café et thé",
        },
    )
    coffee = CategoryFactory(
        slug="coffee",
        name="Coffee",
        parent=coffee_tea,
        names={"sw": "Kahawa", "hi": "कॉफ़ी", "zh-hans": "咖啡", "ko": "커피", "fr": "Café"},
    )
    crafts = CategoryFactory(slug="crafts", name="Crafts", names={"sw": "Ufundi"})
    food = CategoryFactory(slug="fresh-food", name="Fresh food", names={"zh-hans": "新鲜食品"})
    othaya = VillageFactory(
        name="Othaya", slug="othaya", country="KE", region="Nyeri", district="Mathira"
    )
    dongfeng = VillageFactory(
        name="Dongfeng", slug="dongfeng", country="CN", region="Jiangsu", district="Suining"
    )
    farm = ShopFactory(village=othaya, name="Wanjiru Farm", slug="wanjiru-farm", currency="KES")
    workshop = ShopFactory(village=dongfeng, name="Pine Workshop", slug="pine", currency="CNY")
    products = SimpleNamespace(
        coffee=ProductFactory(
            shop=farm,
            category=coffee,
            name="Arabica coffee beans",
            description="Roasted by hand.",
            price_minor=90_000,
            stock=5,
        ),
        tomatoes=ProductFactory(
            shop=farm, category=food, name="Fresh tomatoes", description="", price_minor=15_000
        ),
        avocado=ProductFactory(
            shop=farm,
            category=food,
            name="Hass avocado",
            description="",
            price_minor=2_000,
            stock=0,
        ),
        mug=ProductFactory(
            shop=workshop,
            category=crafts,
            name="Clay mug",
            description="For your morning coffee.",
            price_minor=5_000,
        ),
        wardrobe=ProductFactory(
            shop=workshop,
            category=crafts,
            name="Flat-pack wardrobe",
            description="Pine, easy to build.",
            price_minor=120_000,
        ),
    )
    hidden = SimpleNamespace(
        draft=ProductFactory(shop=farm, category=coffee, name="Draft coffee", is_published=False),
        pending=ProductFactory(
            shop=ShopFactory(village=othaya, status=ShopStatus.PENDING),
            category=coffee,
            name="Pending coffee",
        ),
        applied=ProductFactory(
            shop=ShopFactory(
                village=VillageFactory(applied=True, district="Elsewhere"), name="Applied Shop"
            ),
            category=coffee,
            name="Applied coffee",
        ),
    )
    product_reindex(Product.objects.values_list("pk", flat=True))
    return SimpleNamespace(
        products=products,
        hidden=hidden,
        othaya=othaya,
        dongfeng=dongfeng,
        coffee_tea=coffee_tea,
        coffee=coffee,
        crafts=crafts,
        farm=farm,
    )


# -- folding ------------------------------------------------------------------------------------


def test_fold_lowercases_strips_latin_accents_and_punctuation():
    """Search text and queries fold the same way: case, accents and punctuation do not matter."""
    # given / when / then
    assert fold("Café  Crème, FLAT-pack!") == "cafe creme flat pack"
    assert fold("कॉफ़ी") == "कॉफ़ी"  # Devanagari vowel signs are kept
    assert fold("커피 咖啡") == "커피 咖啡"
    assert fold("\x00'; DROP TABLE--") == "drop table"


def test_search_text_holds_name_then_every_other_word_once(world):
    """The name comes first (its own line), then shop, village, country names and categories."""
    # given
    coffee = Product.objects.get(pk=world.products.coffee.pk)
    # when
    title, body = coffee.search_text.split("\n")
    words = body.split()
    # then
    assert title == " arabica coffee beans "
    assert {"wanjiru", "farm", "othaya", "nyeri", "kenya", "kahawa", "肯尼亚", "케냐"} <= set(words)
    assert {"कॉफ़ी", "咖啡", "커피", "cafe", "tea"} <= set(words)
    assert len(words) == len(set(words))
    assert "coffee" not in words  # already in the name


def test_private_products_have_no_search_text(world):
    """Unpublished products and those of unapproved shops or villages are not indexed."""
    # given / when
    texts = Product.objects.filter(
        pk__in=[world.hidden.draft.pk, world.hidden.pending.pk, world.hidden.applied.pk]
    ).values_list("search_text", flat=True)
    # then
    assert list(texts) == ["", "", ""]


# -- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("coffee", ["Arabica coffee beans", "Clay mug"]),
        ("arabica", ["Arabica coffee beans"]),
        ("ARABICA Coffee", ["Arabica coffee beans"]),
        ("wanjiru", ["Hass avocado", "Fresh tomatoes", "Arabica coffee beans"]),
        ("othaya coffee", ["Arabica coffee beans"]),
        ("kenya coffee", ["Arabica coffee beans"]),
        ("china", ["Flat-pack wardrobe", "Clay mug"]),
        ("kahawa", ["Arabica coffee beans"]),
        ("café", ["Arabica coffee beans"]),
        ("cafe", ["Arabica coffee beans"]),
        ("咖啡", ["Arabica coffee beans"]),
        ("커피", ["Arabica coffee beans"]),
        ("कॉफ़ी", ["Arabica coffee beans"]),
        ("肯尼亚", ["Hass avocado", "Fresh tomatoes", "Arabica coffee beans"]),
        ("flat-pack", ["Flat-pack wardrobe"]),
        ("war", ["Flat-pack wardrobe"]),
        ("食品", ["Hass avocado", "Fresh tomatoes"]),
        ("鲜", ["Hass avocado", "Fresh tomatoes"]),
    ],
)
def test_search_finds_products_by_their_text_in_every_language(world, query, expected):
    """Name, description, shop, village, country and category names (all languages) are found."""
    # given the world
    # when
    result = product_search(query=query)
    # then
    assert names(result) == expected
    assert result.total == len(expected)
    assert result.corrected_query == ""


def test_terms_match_at_word_starts_only(world):
    """'ns' ends 'beans' but starts no word: nothing is found."""
    # given the world
    # when
    result = product_search(query="ns")
    # then
    assert result.items == []
    assert result.total == 0


def test_products_named_by_every_term_come_first_then_the_newest(world):
    """The mug (newer, coffee in its description) comes after the coffee (coffee in its name)."""
    # given
    newer = ProductFactory(shop=world.farm, category=world.crafts, name="Coffee cup")
    product_reindex([newer.pk])
    # when
    result = product_search(query="coffee")
    # then
    assert names(result) == ["Coffee cup", "Arabica coffee beans", "Clay mug"]


@pytest.mark.parametrize(
    ("typo", "expected", "corrected"),
    [
        ("tomatos", ["Fresh tomatoes"], "tomatoes"),
        ("cofee", ["Arabica coffee beans", "Clay mug"], "coffee"),
        ("avocadoes", ["Hass avocado"], "avocado"),
        ("wardrobes pine", ["Flat-pack wardrobe"], "wardrobe pine"),
    ],
)
def test_a_typo_is_corrected_and_reported(world, typo, expected, corrected):
    """When nothing matches, misspelt words are replaced by the closest indexed words."""
    # given the world
    # when
    result = product_search(query=typo)
    # then
    assert names(result) == expected
    assert result.corrected_query == corrected
    assert result.query == typo


def test_a_correction_prefers_the_shorter_word_that_finds_both(world):
    """With 'tomato' and 'tomatoes' indexed, 'tomatos' becomes 'tomato', which finds both."""
    # given
    paste = ProductFactory(shop=world.farm, category=world.crafts, name="Tomato paste")
    product_reindex([paste.pk])
    # when
    result = product_search(query="tomatos")
    # then
    assert result.corrected_query == "tomato"
    assert names(result) == ["Tomato paste", "Fresh tomatoes"]


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [("cofee", "coffee", 1), ("quinao", "quinoa", 1), ("gaot", "goat", 1), ("tomatos", "mats", 3)],
)
def test_edit_distance_counts_swaps_as_one_edit(a, b, edits):
    """Insertions, deletions, substitutions and swapped neighbours each cost one edit."""
    # when / then
    assert search.edit_distance(a, b) == edits


def test_a_swap_in_a_short_word_is_corrected(world):
    """'mgu' shares no trigram with 'mug', yet it is one swap away."""
    # given the world
    # when
    result = product_search(query="mgu")
    # then
    assert (names(result), result.corrected_query) == (["Clay mug"], "mug")


def test_a_word_too_many_edits_away_is_not_suggested(world):
    """Without tomatoes, 'tomatos' is not corrected to some short unrelated word."""
    # given
    Product.objects.filter(pk=world.products.tomatoes.pk).delete()
    product_reindex_all()
    # when
    result = product_search(query="tomatos")
    # then
    assert (result.items, result.corrected_query) == ([], "")


def test_words_of_hidden_products_are_never_suggested(world):
    """The vocabulary holds public words only: 'drafty' is not corrected to the draft's 'draft'."""
    # given the world (the only 'draft' is an unpublished product's name)
    # when
    result = product_search(query="drafy")
    # then
    assert result.items == []
    assert result.corrected_query == ""


def test_nonsense_finds_nothing_and_is_not_corrected(world):
    """A query far from every word finds nothing and suggests nothing."""
    # given the world
    # when
    result = product_search(query="zzqxj")
    # then
    assert (result.items, result.total, result.corrected_query) == ([], 0, "")


# -- privacy ------------------------------------------------------------------------------------


def test_hidden_products_never_appear(world):
    """Unpublished products, and those of pending shops or unapproved villages, are not found."""
    # given the world
    # when
    found = {
        name
        for query in ["coffee", "draft", "pending", "applied", ""]
        for name in names(product_search(query=query, per_page=100))
    }
    # then
    assert not found & {"Draft coffee", "Pending coffee", "Applied coffee"}


def test_a_product_gone_private_is_not_shown_even_before_reindexing(world):
    """The index may lag; the page is loaded with the public rules checked again."""
    # given a shop suspended, its products not yet reindexed (that runs after commit)
    shop_suspend(shop=world.farm, actor=StaffFactory(), reason="Unpaid fees")
    # when
    result = product_search(query="arabica")
    # then
    assert result.items == []


def test_reindexing_after_unpublishing_removes_the_product(world):
    """A product unpublished and reindexed leaves the index and the counts."""
    # given
    Product.objects.filter(pk=world.products.coffee.pk).update(is_published=False)
    # when
    product_reindex([world.products.coffee.pk])
    result = product_search(query="coffee")
    # then
    assert names(result) == ["Clay mug"]
    assert result.total == 1


def test_reindexing_picks_up_a_new_name_and_forgets_the_old(world):
    """After a rename and reindex, the new name is found and the old one is not."""
    # given
    Product.objects.filter(pk=world.products.mug.pk).update(name="Clay teapot")
    # when
    product_reindex([world.products.mug.pk])
    # then
    assert names(product_search(query="teapot")) == ["Clay teapot"]
    assert product_search(query="mug").items == []
    assert product_search(query="tepot").corrected_query == "teapot"


def test_a_deleted_product_leaves_the_index(world):
    """Reindexing the id of a deleted product drops its index row."""
    # given
    pk = world.products.wardrobe.pk
    Product.objects.filter(pk=pk).delete()
    # when
    product_reindex([pk])
    result = product_search(query="wardrobe")
    # then
    assert result.total == 0


def test_a_village_change_reindexes_its_products(world):
    """The catalogue hears village changes and refreshes its products' search text."""
    # given
    Village.objects.filter(pk=world.othaya.pk).update(name="Karima")
    # when
    registry.village_changed(world.othaya.pk)
    # then
    assert names(product_search(query="karima")) == [
        "Hass avocado",
        "Fresh tomatoes",
        "Arabica coffee beans",
    ]
    assert product_search(query="othaya").items == []


def test_reindex_all_rebuilds_texts_index_and_vocabulary(world):
    """Rebuilding everything gives the same answers (seeding calls it after bulk_create)."""
    # given texts and index wiped
    Product.objects.update(search_text="")
    # when
    count = product_reindex_all(chunk_size=3)
    # then
    assert count == Product.objects.count()
    assert names(product_search(query="coffee")) == ["Arabica coffee beans", "Clay mug"]
    assert product_search(query="tomatos").corrected_query == "tomatoes"
    assert "Draft coffee" not in names(product_search(query="draft"))


# -- filters and sorts --------------------------------------------------------------------------


def test_category_filter_includes_the_categories_below(world):
    """Filtering on 'Coffee & tea' finds products in 'Coffee'; with or without a query."""
    # given the world
    # when / then
    assert names(product_search(query="", category=world.coffee_tea)) == ["Arabica coffee beans"]
    assert names(product_search(query="coffee", category=world.coffee_tea)) == [
        "Arabica coffee beans"
    ]
    assert product_search(query="wardrobe", category=world.coffee_tea).items == []


@pytest.mark.parametrize("query", ["", "coffee"])
def test_place_filters(world, query):
    """Village, country and region narrow the results, with or without a query."""
    # given the world
    # when / then
    assert {p.village_id for p in product_search(query=query, village=world.dongfeng).items} == {
        world.dongfeng.pk
    }
    assert {p.village_id for p in product_search(query=query, country="cn").items} == {
        world.dongfeng.pk
    }
    assert {p.village_id for p in product_search(query=query, region="Nyeri").items} == {
        world.othaya.pk
    }
    assert product_search(query=query, village=world.othaya, country="CN").items == []
    assert product_search(query=query, region="Nowhere").items == []


@pytest.mark.parametrize("query", ["", "farm"])
def test_price_range_keeps_products_priced_in_that_currency(world, query):
    """Bounds are in a currency: products in other currencies are left out."""
    # given the world (the farm prices in KES)
    # when
    result = product_search(
        query=query, price_min=Money(10_000, "KES"), price_max=Money(100_000, "KES")
    )
    # then
    assert sorted(names(result)) == ["Arabica coffee beans", "Fresh tomatoes"]
    assert product_search(query=query, price_max=Money(1_000_000, "EUR")).items == []


@pytest.mark.parametrize("query", ["", "coffee"])
def test_verified_filter_counts_only_claims_staff_verified(world, query):
    """A claimed certification does not count; a verified one does, by kind or any."""
    # given
    CertificationFactory(product=world.products.mug, kind=CertificationKind.FAIR_TRADE)
    CertificationFactory(
        product=world.products.coffee,
        kind=CertificationKind.ORGANIC,
        status=CertificationStatus.VERIFIED,
    )
    product_reindex([world.products.mug.pk, world.products.coffee.pk])
    # when / then
    assert names(product_search(query=query, verified="any")) == ["Arabica coffee beans"]
    assert names(product_search(query=query, verified="organic")) == ["Arabica coffee beans"]
    assert product_search(query=query, verified="fair_trade").items == []
    assert len(product_search(query=query, verified="bogus").items) >= 2  # ignored


@pytest.mark.parametrize("query", ["", "wanjiru"])
def test_in_stock_filter(world, query):
    """In stock only leaves out products with no stock."""
    # given the world (the avocado has none)
    # when
    result = product_search(query=query, in_stock=True, village=world.othaya)
    # then
    assert "Hass avocado" not in names(result)
    assert "Fresh tomatoes" in names(result)


@pytest.mark.parametrize("query", ["", "kenya", "pine"])
def test_sorts(world, query):
    """Price up and down, and newest, order the matches; unknown sorts mean relevance."""
    # given the world
    # when
    by_price = product_search(query=query, sort="price")
    by_price_down = product_search(query=query, sort="-price")
    newest = product_search(query=query, sort="newest")
    # then
    prices = [p.price_minor for p in by_price.items]
    assert prices == sorted(prices)
    assert [p.price_minor for p in by_price_down.items] == sorted(prices, reverse=True)
    created = [p.created_at for p in newest.items]
    assert created == sorted(created, reverse=True)
    assert product_search(query=query, sort="bogus").sort == "relevance"


def test_pages(world):
    """Pages follow one another without gaps; a page past the end is empty and says so."""
    # given the world (3 products match 'wanjiru')
    # when
    first = product_search(query="wanjiru", per_page=2)
    second = product_search(query="wanjiru", per_page=2, page=2)
    beyond = product_search(query="wanjiru", per_page=2, page=3)
    # then
    assert (first.total, first.has_next, first.has_previous) == (3, True, False)
    assert (second.has_next, second.has_previous) == (False, True)
    assert names(first) + names(second) == names(product_search(query="wanjiru"))
    assert beyond.items == []
    assert beyond.out_of_range


def test_pages_span_the_name_tier_and_the_rest(world):
    """Paging through 'coffee' one by one gives the same order as one page of all."""
    # given the world
    # when
    one_by_one = [names(product_search(query="coffee", per_page=1, page=n)) for n in (1, 2, 3)]
    # then
    assert one_by_one == [["Arabica coffee beans"], ["Clay mug"], []]


def test_counts_stop_at_the_cap(world, monkeypatch):
    """Past the cap, the total is the cap and flagged, and no page goes beyond it."""
    # given a cap of 2
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    # when
    result = product_search(query="wanjiru", per_page=1)
    last = product_search(query="wanjiru", per_page=1, page=3)
    # then
    assert (result.total, result.total_is_capped) == (2, True)
    assert last.items == []


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "coffee " * 2_000,
        "\x00\x01\x1b[2J coffee",
        "'; DROP TABLE catalog_product--",
        '" OR 1=1',
        '"coffee',
        "coffee*",
        "NEAR(coffee beans)",
        "title:coffee",
        "^coffee",
        "(coffee",
        "coffee AND OR NOT",
        "{title} : x",
        "100%_\\",
        "'':* & !",
        "\ud800",
        "a b c d e f g h i j k l",
        "咖",
        "🙂☕",
    ],
)
def test_bad_queries_never_fail(world, query):
    """Control characters, SQL, FTS5 or tsquery syntax and overlong text are only words."""
    # given the world
    # when
    result = product_search(query=query)
    # then
    assert result.page == 1
    assert len(result.query) <= search.MAX_QUERY_LENGTH
    assert all(p.is_published for p in result.items)


def test_fts_syntax_is_searched_as_text(world):
    """A quoted, starred or NEAR query still means its words."""
    # given the world
    # when / then
    assert names(product_search(query='"arabica*')) == ["Arabica coffee beans"]
    assert names(product_search(query="(arabica): ^")) == ["Arabica coffee beans"]
    assert product_search(query="NEAR(arabica beans)").items == []  # 'near' is a word too


def test_an_empty_query_lists_every_public_product_newest_first(world):
    """No words: every public product, newest first."""
    # given the world
    # when
    result = product_search(query="")
    # then
    assert names(result) == [
        "Flat-pack wardrobe",
        "Clay mug",
        "Hass avocado",
        "Fresh tomatoes",
        "Arabica coffee beans",
    ]


def test_a_search_takes_few_queries(world, django_assert_max_num_queries):
    """One search is a handful of queries, whatever the size of the catalogue."""
    # given the world
    # when / then
    with django_assert_max_num_queries(12):  # PostgreSQL adds a savepoint and two settings
        result = product_search(query="coffee", category=world.coffee_tea, in_stock=True)
        [list(p.images.all()) for p in result.items]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_sqlite_index_rows_follow_the_products(world):
    """The FTS5 table holds a row per public product, keyed by product id."""
    # given the world
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {search.FTS_TABLE} ORDER BY rowid")  # noqa: S608
        # when
        rows = [row[0] for row in cursor.fetchall()]
    # then
    public = Product.objects.filter(search_text__gt="").order_by("pk").values_list("pk", flat=True)
    assert rows == list(public)


def test_a_village_that_loses_approval_hides_its_products_after_reindex(world):
    """Suspending a village (which reindexes it) takes its products out of search."""
    # given
    Village.objects.filter(pk=world.dongfeng.pk).update(status=VillageStatus.SUSPENDED)
    # when
    registry.village_changed(world.dongfeng.pk)
    # then
    assert product_search(query="wardrobe").total == 0
    assert product_search(query="china").total == 0


def test_the_reindex_command_rebuilds_everything(world):
    """manage.py reindex_search fills an emptied index."""
    # given
    from io import StringIO

    from django.core.management import call_command

    Product.objects.update(search_text="")
    out = StringIO()
    # when
    call_command("reindex_search", stdout=out)
    # then
    assert out.getvalue().startswith(f"{Product.objects.count()} products reindexed")
    assert names(product_search(query="arabica")) == ["Arabica coffee beans"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
@pytest.mark.parametrize("in_transaction", [True, False])
def test_search_leaves_sequential_scans_on(transactional_db, in_transaction):
    """The planner setting search turns off never outlives the search, nested or not."""
    from django.db import transaction

    def run():
        product_search(query="coffee")
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            return cursor.fetchone()[0]

    if in_transaction:
        with transaction.atomic():
            assert run() == "on"
    else:
        assert run() == "on"
