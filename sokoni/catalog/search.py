"""Full-text search over the public catalogue, tolerant of typos, on SQLite and PostgreSQL.

The text
    ``Product.search_text`` holds the product's text folded (lower-cased, Latin accents removed,
    punctuation turned into spaces): its name on the first line, then, once each, the other words
    of its description, shop, village, region, country (named in every shipped language) and
    category path (every language)::

        " organic arabica coffee \\n grown on the slopes ... othaya nyeri kenya 肯尼亚 ... "

    It is empty for a product the public may not see (unpublished, or its shop or village not
    approved): such products are never in the index.

The index, keyed by product id, holds the words of the name and all the words, plus facet
tokens that no query can spell ("~v12" village, "~kke" country, "~c5" category and each of its
ancestors, "~x" and "~xorganic" verified certifications), so that text and those filters are
answered by the index alone, in id order:
    - SQLite: the FTS5 table ``catalog_product_fts(title, body)`` with the ``trigram``
      tokenizer; a query term is the phrase " term" (the start of a word).
    - PostgreSQL: the table ``catalog_product_search(product_id, title, words)`` of tsvectors
      built from our own words (``array_to_tsvector``, no parser), with GIN indexes; a query
      term is the prefix ``'term':*``.
    Words in scripts written without spaces (Chinese, Japanese, Korean, Thai, Khmer...) are
    also indexed by each of their suffixes, so a term matches anywhere inside them.

Relevance
    Products whose name holds every term come first, then the others; newest (highest id) first
    within each. SQLite reads both off the FTS5 index in rowid order and stops when the page is
    full. PostgreSQL looks for them among the newest products first (a short walk of the primary
    key) and only when the page is not full there takes every match from the GIN index and sorts
    them; other sorts always do the latter, so no query costs more than its matches. Counts stop
    at ``COUNT_CAP`` ("1000+"); pages past it are empty.

Typos
    When nothing matches, each term that starts no word of the vocabulary table
    ``catalog_searchterm`` (every word of every public search text with its document frequency,
    kept by reindexing) is corrected to the closest word: candidates by trigram similarity
    (an FTS5 trigram table on SQLite; pg_trgm's ``%`` ordered by ``similarity`` on PostgreSQL),
    the best by fewest edits, then frequency. The search runs again and reports the corrected
    query.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Final

from django.conf import settings
from django.db import connection, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from sokoni.catalog.models import Category, Certification, Product
from sokoni.catalog.selectors import category_descendant_ids, product_cards_by_id
from sokoni.catalog.states import CertificationKind, CertificationStatus, ShopStatus
from sokoni.core.money import Money, babel_locale
from sokoni.core.text import clean_query
from sokoni.villages.models import Village
from sokoni.villages.states import VillageStatus

SORTS: Final[tuple[str, ...]] = ("relevance", "price", "-price", "newest")
VERIFIED_ANY: Final = "any"
COUNT_CAP: Final = 1000
MAX_PER_PAGE: Final = 100
MAX_TERMS: Final = 8
MAX_QUERY_LENGTH: Final = 200
VOCABULARY_MIN_LENGTH: Final = 3
VOCABULARY_MAX_LENGTH: Final = 40

FTS_TABLE: Final = "catalog_product_fts"
INDEX_TABLE: Final = "catalog_product_search"
TERM_TABLE: Final = "catalog_searchterm"
TERM_FTS_TABLE: Final = "catalog_searchterm_fts"
_PRODUCTS: Final = Product._meta.db_table
_MAX_LEXEME: Final = 60

# Scripts written without spaces between words: a term may match inside a run of characters.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_ASCII_NON_WORD = re.compile(r"[^a-z0-9]+")
_LATIN_ACCENT = re.compile(r"(?<=[a-z\u00c0-\u024f])[\u0300-\u036f]+")


# -- folding and the search text ----------------------------------------------------------------


def fold(text: str) -> str:
    """Fold text for searching: lower case, no Latin accents, words separated by one space.

    Letters, digits and combining marks of every script are kept (Devanagari vowel signs are
    marks); everything else separates words.
    """
    if not text:
        return ""
    text = text.casefold()
    if text.isascii():
        return " ".join(_ASCII_NON_WORD.sub(" ", text).split())
    text = _LATIN_ACCENT.sub("", unicodedata.normalize("NFKD", text))
    text = unicodedata.normalize("NFC", text)
    chars = [ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in text]
    return " ".join("".join(chars).split())


def _languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


@functools.cache
def _country_words(code: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """The folded words of a country's name in every shipped language."""
    from babel import Locale

    words: list[str] = []
    for language in languages:
        try:
            locale = Locale.parse(babel_locale(language))
        except (ValueError, LookupError):
            continue
        name = locale.territories.get(code.upper())
        if name:
            words.extend(fold(str(name)).split())
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class _CategoryPath:
    words: tuple[str, ...]  # folded names of the category and its ancestors, all languages
    ids: tuple[int, ...]  # the category and its ancestors


def _category_paths() -> dict[int, _CategoryPath]:
    """Each category with its path to the root (one query over the small tree)."""
    nodes = {
        pk: (parent_id, name, names)
        for pk, parent_id, name, names in Category.objects.values_list(
            "pk", "parent_id", "name", "names"
        )
    }
    out: dict[int, _CategoryPath] = {}
    for pk in nodes:
        words: list[str] = []
        ids: list[int] = []
        current: int | None = pk
        while current is not None and current in nodes and current not in ids:  # no cycles
            parent_id, name, names = nodes[current]
            ids.append(current)
            for text in [name, *(names.values() if isinstance(names, dict) else [])]:
                words.extend(fold(str(text)).split())
            current = parent_id
        out[pk] = _CategoryPath(tuple(dict.fromkeys(words)), tuple(ids))
    return out


def build_search_text(*, name: str, other_texts: Iterable[str] = ()) -> str:
    """Compose a search text: the folded name, a newline, then each other word once."""
    title = fold(name).split()
    seen = set(title)
    body: list[str] = []
    for text in other_texts:
        for word in fold(text).split():
            if word not in seen:
                seen.add(word)
                body.append(word)
    return f" {' '.join(title)} \n {' '.join(body)} "


def _vocabulary(search_text: str) -> set[str]:
    """The words of a search text worth offering as spelling corrections."""
    return {
        word
        for word in search_text.split()
        if VOCABULARY_MIN_LENGTH <= len(word) <= VOCABULARY_MAX_LENGTH
        and not word.isdigit()
        and not _UNSPACED.search(word)
    }


def _index_words(words: Iterable[str]) -> list[str]:
    """Words as the index holds them: each once, and every suffix of words in unspaced scripts.

    With the suffixes, a search at word starts finds a Chinese or Korean term inside a longer
    run of characters ("咖啡" in "阿拉比卡咖啡豆").
    """
    out: dict[str, None] = {}
    for word in words:
        out[word[:_MAX_LEXEME]] = None
        if _UNSPACED.search(word):
            for start in range(1, len(word)):
                out[word[start : start + _MAX_LEXEME]] = None
    return list(out)


# -- reindexing ---------------------------------------------------------------------------------

_ROW_FIELDS: Final = (
    "pk",
    "search_text",
    "name",
    "description",
    "category_id",
    "is_published",
    "shop__status",
    "shop__name",
    "village_id",
    "village__status",
    "village__name",
    "village__region",
    "village__district",
    "village__country",
    "price_minor",
    "currency",
    "created_at",
)


@dataclass(frozen=True)
class _Entry:
    """What reindexing writes for one product."""

    pk: int
    old_text: str
    text: str  # empty: the public may not see it
    facets: tuple[str, ...]
    sort_keys: tuple[Any, ...] = ()  # price_minor, currency, created_at


def _entry(
    row: Sequence[Any], paths: dict[int, _CategoryPath], verified: dict[int, set[str]]
) -> _Entry:
    (
        pk,
        old,
        name,
        description,
        category_id,
        is_published,
        shop_status,
        shop,
        village_id,
        village_status,
        village,
        region,
        district,
        country,
        price_minor,
        currency,
        created_at,
    ) = row
    public = (
        is_published
        and shop_status == ShopStatus.APPROVED
        and village_status == VillageStatus.APPROVED
    )
    if not public:
        return _Entry(pk, old or "", "", ())
    path = paths.get(category_id, _CategoryPath((), ()))
    country_words = _country_words(country or "", _languages())
    text = build_search_text(
        name=name,
        other_texts=(description, shop, village, region, district, *country_words, *path.words),
    )
    kinds = verified.get(pk, set())
    facets = (
        f"~v{village_id}",
        f"~k{(country or '').lower()}",
        *(f"~c{pk_}" for pk_ in path.ids),
        *(("~x",) if kinds else ()),
        *(f"~x{kind}" for kind in sorted(kinds)),
    )
    return _Entry(pk, old or "", text, facets, (price_minor, currency, created_at))


def _entries(rows: list[Sequence[Any]], paths: dict[int, _CategoryPath]) -> list[_Entry]:
    verified: dict[int, set[str]] = {}
    for product_id, kind in Certification.objects.filter(
        product_id__in=[row[0] for row in rows], status=CertificationStatus.VERIFIED
    ).values_list("product_id", "kind"):
        verified.setdefault(product_id, set()).add(kind)
    return [_entry(row, paths, verified) for row in rows]


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _reader() -> BaseDatabaseWrapper:
    """The connection a search reads from: the replica inside a read-only scope
    (``core.db_router``), else the primary. Writes to the index always use ``connection``."""
    return connections[router.db_for_read(Product)]


def _batched(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _vocabulary_add(cursor: Any, counts: Counter[str]) -> None:
    """Add (or, with negative counts, remove) document frequencies in the vocabulary table."""
    rows = [(term, count) for term, count in counts.items() if count]
    if not rows:
        return
    cursor.executemany(
        f"INSERT INTO {TERM_TABLE} (term, df) VALUES (%s, %s) "  # noqa: S608 - constant names
        f"ON CONFLICT (term) DO UPDATE SET df = {TERM_TABLE}.df + excluded.df",
        rows,
    )
    if any(count < 0 for _term, count in rows):
        cursor.execute(f"DELETE FROM {TERM_TABLE} WHERE df <= 0")  # noqa: S608


def _write(cursor: Any, entries: list[_Entry], *, replace_index: bool) -> Counter[str]:
    """Store search texts and index rows; return the vocabulary change."""
    counts: Counter[str] = Counter()
    changed = [(e.text, e.pk) for e in entries if e.text != e.old_text]
    for entry in entries:
        if entry.text != entry.old_text:
            counts.update(_vocabulary(entry.text))
            counts.subtract(_vocabulary(entry.old_text))
    if changed:
        cursor.executemany(
            f"UPDATE {_PRODUCTS} SET search_text = %s WHERE id = %s",  # noqa: S608
            changed,
        )
    sqlite = _is_sqlite()
    if replace_index:
        table, key = (FTS_TABLE, "rowid") if sqlite else (INDEX_TABLE, "product_id")
        cursor.executemany(
            f"DELETE FROM {table} WHERE {key} = %s",  # noqa: S608
            [(e.pk,) for e in entries],
        )
    rows: list[tuple[Any, ...]] = []
    for entry in entries:
        if not entry.text:
            continue
        title, body = (part.split() for part in entry.text.split("\n", 1))
        title_words = _index_words(title)
        if sqlite:
            seen = set(title_words)
            rest = [w for w in _index_words(body) if w not in seen]
            rows.append(
                (entry.pk, f" {' '.join(title_words)} ", f" {' '.join([*rest, *entry.facets])} ")
            )
        else:
            words = [*_index_words([*title, *body]), *entry.facets]
            rows.append((entry.pk, title_words, words, *entry.sort_keys))
    if rows and sqlite:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
            rows,
        )
    elif rows:
        cursor.executemany(
            f"INSERT INTO {INDEX_TABLE} "  # noqa: S608
            "(product_id, title, words, price_minor, currency, created_at) VALUES "
            "(%s, array_to_tsvector(%s::text[]), array_to_tsvector(%s::text[]), %s, %s, %s)",
            rows,
        )
    return counts


def _rows(ids: Sequence[int]) -> list[Sequence[Any]]:
    return list(Product.objects.filter(pk__in=ids).values_list(*_ROW_FIELDS))


@transaction.atomic
def product_reindex(product_ids: Iterable[int]) -> None:
    """Recompute the search text and index entries of these products.

    Call after creating or changing products, their certifications, or the shop, village or
    category they belong to, or any of their statuses. A product the public may not see gets an
    empty search text and leaves the index; so does the id of a deleted product. Safe to repeat.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    paths = _category_paths()
    with connection.cursor() as cursor:
        for chunk in _batched(ids, 500):
            entries = _entries(_rows(chunk), paths)
            present = {e.pk for e in entries}
            if _is_sqlite():  # deleted products
                cursor.executemany(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                    [(pk,) for pk in chunk if pk not in present],
                )
            else:
                cursor.executemany(
                    f"DELETE FROM {INDEX_TABLE} WHERE product_id = %s",  # noqa: S608
                    [(pk,) for pk in chunk if pk not in present],
                )
            _vocabulary_add(cursor, _write(cursor, entries, replace_index=True))


def product_reindex_all(*, chunk_size: int = 5000) -> int:
    """Rebuild the search text of every product, the index and the vocabulary; return the count.

    Meant for seeding and repairs (say after bulk_create): it reads and writes in chunks of ids,
    each in its own transaction (or the caller's), so 100,000 products take seconds.
    """
    paths = _category_paths()
    vocabulary: Counter[str] = Counter()
    total = 0
    last = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE if _is_sqlite() else INDEX_TABLE}")  # noqa: S608
    while True:
        rows = list(
            Product.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list(*_ROW_FIELDS)[:chunk_size]
        )
        if not rows:
            break
        last = rows[-1][0]
        entries = _entries(rows, paths)
        for entry in entries:
            vocabulary.update(_vocabulary(entry.text))
        with transaction.atomic(), connection.cursor() as cursor:
            _write(cursor, entries, replace_index=False)
        total += len(rows)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TERM_TABLE}")  # noqa: S608
        _vocabulary_add(cursor, vocabulary)
        if _is_sqlite():
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
    if not _is_sqlite():
        # Fresh statistics for the planner after a bulk change (not on SQLite, where
        # sqlite_stat1 would steer every other query of the site). VACUUM cannot run inside a
        # transaction.
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for table in (INDEX_TABLE, TERM_TABLE, _PRODUCTS):
                cursor.execute(f"{verb} {table}")
    return total


# -- the query ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One folded query term."""

    text: str
    unspaced: bool  # a script written without spaces: matches inside runs of characters
    substring: bool = False  # SQLite's second try for a short unspaced term: a scan

    @property
    def needle(self) -> str:
        """What SQLite's trigram index looks for (three characters or more)."""
        if self.substring:
            return self.text
        if len(self.text) == 1:
            return f" {self.text} "  # a single character: that word exactly
        if self.unspaced and len(self.text) >= 3:
            return self.text
        return f" {self.text}"  # the start of a word (or of a suffix, in unspaced scripts)

    @property
    def lexeme_query(self) -> str:
        """The term in PostgreSQL's tsquery syntax: a word prefix (one letter: that word)."""
        quoted = _tsquery_lexeme(self.text)
        return quoted if len(self.text) == 1 and not self.unspaced else f"{quoted}:*"

    @property
    def widenable(self) -> bool:
        """A short unspaced term found at word starts first, then anywhere (SQLite)."""
        return self.unspaced and len(self.text) < 3 and not self.substring


def parse_terms(query: str) -> list[Term]:
    """Split a cleaned query into at most MAX_TERMS distinct folded terms."""
    words = list(dict.fromkeys(word[:_MAX_LEXEME] for word in fold(query).split()))[:MAX_TERMS]
    return [Term(word, unspaced=bool(_UNSPACED.search(word))) for word in words]


def _fts_phrase(text: str) -> str:
    """Quote a string as an FTS5 phrase: every character inside is literal."""
    return '"' + text.replace('"', '""') + '"'


def _tsquery_lexeme(text: str) -> str:
    """Quote a string as a tsquery lexeme: every character inside is literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class _Sql:
    """A WHERE clause under construction: fragments joined by AND, with their parameters."""

    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, fragment: str, *params: Any) -> _Sql:
        self.where.append(fragment)
        self.params.extend(params)
        return self

    def extend(self, other: _Sql) -> _Sql:
        self.where.extend(other.where)
        self.params.extend(other.params)
        return self

    def sql(self) -> str:
        return " AND ".join(self.where) if self.where else "1 = 1"


@dataclass(frozen=True)
class SearchResult:
    """One page of search results."""

    query: str
    items: list[Product]
    page: int
    per_page: int
    has_next: bool
    total: int  # exact up to COUNT_CAP
    total_is_capped: bool  # more than `total` products matched
    corrected_query: str = ""  # the query actually searched, when a typo was corrected
    sort: str = "relevance"

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def out_of_range(self) -> bool:
        """A page past the last one was asked for."""
        return self.page > 1 and not self.items


@dataclass(frozen=True)
class _Filters:
    """The buyer's filters: facets (answered by the index) and product columns."""

    category_id: int | None = None
    village_ids: tuple[int, ...] | None = None  # a village, or those of a region
    country: str | None = None
    verified: str | None = None  # a certification kind, or VERIFIED_ANY
    price_min: Money | None = None
    price_max: Money | None = None
    in_stock: bool = False

    @property
    def impossible(self) -> bool:
        return self.village_ids == ()

    def facets(self) -> list[list[str]]:
        """Facet tokens: every group must match, any token of a group."""
        groups: list[list[str]] = []
        if self.category_id is not None:
            groups.append([f"~c{self.category_id}"])
        if self.village_ids is not None:
            groups.append([f"~v{pk}" for pk in self.village_ids])
        elif self.country:
            groups.append([f"~k{self.country.lower()}"])
        if self.verified:
            groups.append(["~x" if self.verified == VERIFIED_ANY else f"~x{self.verified}"])
        return groups

    def columns(self, prices: str = "p") -> _Sql:
        """Conditions on columns the facets do not cover: prices (on ``prices``), stock (on p).

        Stock changes without reindexing (orders), so it is always read from the product.
        """
        out = _Sql()
        for bound, operator in ((self.price_min, ">="), (self.price_max, "<=")):
            if bound is not None:
                out.add(f"{prices}.currency = %s", bound.currency)
                out.add(f"{prices}.price_minor {operator} %s", bound.minor)
        if self.in_stock:
            out.add("p.stock > 0")
        return out

    def browse(self) -> _Sql:
        """Every filter as conditions on products ``p`` and villages ``v`` (no query)."""
        out = _Sql()
        if self.category_id is not None:
            category = Category(pk=self.category_id)
            ids = category_descendant_ids(category)
            out.add(f"p.category_id IN ({', '.join(['%s'] * len(ids))})", *ids)
        if self.village_ids is not None:
            marks = ", ".join(["%s"] * len(self.village_ids))
            out.add(f"p.village_id IN ({marks})", *self.village_ids)
        elif self.country:
            villages = Village._meta.db_table
            out.add(f"p.village_id IN (SELECT id FROM {villages} WHERE country = %s)", self.country)  # noqa: S608
        if self.verified:
            sql = (
                f"p.id IN (SELECT c.product_id FROM {Certification._meta.db_table} c "  # noqa: S608
                "WHERE c.status = %s"
            )
            if self.verified == VERIFIED_ANY:
                out.add(sql + ")", CertificationStatus.VERIFIED.value)
            else:
                out.add(
                    sql + " AND c.kind = %s)", CertificationStatus.VERIFIED.value, self.verified
                )
        return out.extend(self.columns())


_ORDER: Final[dict[str, str]] = {
    "relevance": "p.id DESC",
    "price": "p.price_minor, p.id",
    "-price": "p.price_minor DESC, p.id DESC",
    "newest": "p.created_at DESC, p.id DESC",
}
# PostgreSQL sorts the matches it takes from the GIN index by the index table's own columns;
# "+ 0" keeps it from walking the primary key instead, which is unbounded when the matches are
# all old ones (see the migration). The bounded walk: this many of the newest products first.
_WALK: Final = 3000
_INDEX_ORDER: Final[dict[str, str]] = {
    "relevance": "i.product_id + 0 DESC",
    "price": "i.price_minor, i.product_id",
    "-price": "i.price_minor DESC, i.product_id DESC",
    "newest": "i.created_at DESC, i.product_id DESC",
}


class _Plan:
    """The SQL of one search.

    With a query, the index says who matches (text and facets): it holds public products only,
    and the page's products are loaded with the public rules checked again, so one the index
    still holds after it went private is dropped, never shown. Without a query, listed products
    are read through the partial listing indexes.

    SQLite reads FTS5 matches in rowid order and stops when the page is full; for other sorts
    the few matches drive the query, or, when they are many, the product indexes in sort order
    do. PostgreSQL takes every match from the GIN index and sorts them, which costs in
    proportion to the matches however they are spread.
    """

    def __init__(self, terms: list[Term], filters: _Filters, sort: str) -> None:
        self.terms = terms
        self.filters = filters
        self.sort = sort
        self.sqlite = _is_sqlite()
        # SQLite's CROSS JOIN keeps the left table as the outer loop.
        self._join = "CROSS JOIN" if self.sqlite else "INNER JOIN"
        self.scan = any(t.substring for t in terms)  # SQLite's substring fallback
        self.indexed = bool(terms) and not self.scan
        # Relevance: every term in the name first, then the others, newest first.
        self.tiered = self.indexed and sort == "relevance"
        # Set by count(): more matches than the cap (SQLite then lets the sort order drive).
        self.dense = False

    # The index: which products match the terms (tier 0: all of them in the name) and facets.

    def _index_condition(self, tier: int | None) -> _Sql:
        groups = self.filters.facets()
        if self.sqlite:
            parts = ["(" + " AND ".join(_fts_phrase(t.needle) for t in self.terms) + ")"]
            if tier == 0:
                parts[0] = f"title : {parts[0]}"
            parts += [
                "(" + " OR ".join(_fts_phrase(f" {token} ") for token in group) + ")"
                for group in groups
            ]
            return _Sql().add(f"{FTS_TABLE} MATCH %s", " AND ".join(parts))
        text = " & ".join(t.lexeme_query for t in self.terms)
        facets = " & ".join(
            "(" + " | ".join(_tsquery_lexeme(token) for token in group) + ")" for group in groups
        )
        out = _Sql().add("i.words @@ %s::tsquery", f"{text} & {facets}" if facets else text)
        if tier == 0:
            out.add("i.title @@ %s::tsquery", text)
        return out

    # The three shapes of query. Each returns SELECT ... FROM ... WHERE ... [ORDER BY ...].

    def _browse(self, column: str, order: str | None) -> tuple[str, list[Any]]:
        """No query: public products with every filter on their columns."""
        source = f"{_PRODUCTS} p"
        # The bare flag, as Django writes it, matches the WHERE of the partial listing indexes.
        where = _Sql().add("p.is_listed")
        where.extend(self.filters.browse())
        if self.scan:  # SQLite's substring fallback
            for term in self.terms:
                where.add("instr(p.search_text, %s) > 0", term.needle)
        sql = f"SELECT {column} FROM {source} WHERE {where.sql()}"  # noqa: S608
        return (f"{sql} ORDER BY {order}" if order else sql), where.params

    def _fts(self, column: str, tier: int | None, order: str | None) -> tuple[str, list[Any]]:
        """SQLite with a query."""
        key = f"{FTS_TABLE}.rowid"
        columns = self.filters.columns()
        if self.tiered or order is None:
            # Off the index in rowid order; product columns joined only when filtered on.
            join = f" CROSS JOIN {_PRODUCTS} p ON p.id = {key}" if columns.where else ""
            where = self._index_condition(tier).extend(columns)
            selected = key if column == "p.id" else column
            sql = f"SELECT {selected} FROM {FTS_TABLE}{join} WHERE {where.sql()}"  # noqa: S608
            return (f"{sql} ORDER BY {key} DESC" if order else sql), where.params
        # Another sort: the matches, few, drive; or, many, are looked up (a unary + keeps
        # SQLite from driving by the IN list) while the sort's index drives.
        condition = self._index_condition(tier)
        member = "+p.id" if self.dense else "p.id"
        matching = f"SELECT {key} FROM {FTS_TABLE} WHERE {condition.sql()}"  # noqa: S608
        where = _Sql().add("p.is_listed")
        where.add(f"{member} IN ({matching})", *condition.params).extend(columns)
        sql = f"SELECT {column} FROM {_PRODUCTS} p WHERE {where.sql()}"  # noqa: S608
        return f"{sql} ORDER BY {order}", where.params

    def _document(
        self, column: str, tier: int | None, sorted_: bool, window: int | None = None
    ) -> tuple[str, list[Any]]:
        """PostgreSQL with a query: the index table, its matches sorted by its own columns.

        With a ``window``, only that many of the newest products are looked at, walking the
        primary key (which follows the table's order, so the walk is cheap); without, every
        match is taken from the GIN index and sorted.
        """
        in_stock = self.filters.in_stock
        filters = replace(self.filters, in_stock=False)
        where = self._index_condition(tier).extend(filters.columns(prices="i"))
        source = f"{INDEX_TABLE} i"
        params: list[Any] = []
        if window is not None:
            source = f"(SELECT * FROM {INDEX_TABLE} ORDER BY product_id DESC LIMIT %s) i"  # noqa: S608
            params.append(window)
        order = "i.product_id DESC" if window is not None else _INDEX_ORDER[self.sort]
        selected = "i.product_id" if column == "p.id" else column
        sql = f"SELECT {selected} FROM {source} WHERE {where.sql()}"  # noqa: S608
        if in_stock:
            # Stock is read from the products, after the matches are sorted (OFFSET 0 keeps
            # the sort inside), so a page needs only a few lookups.
            inner = f"SELECT i.* FROM {source} WHERE {where.sql()}"  # noqa: S608
            inner += f" ORDER BY {order} OFFSET 0" if sorted_ else ""
            sql = (
                f"SELECT {selected} FROM ({inner}) i "  # noqa: S608
                f"INNER JOIN {_PRODUCTS} p ON p.id = i.product_id WHERE p.stock > 0"
            )
        if sorted_:
            sql += f" ORDER BY {order}"
        return sql, [*params, *where.params]

    def _select(self, column: str, tier: int | None, sorted_: bool) -> tuple[str, list[Any]]:
        if not self.indexed:
            order = _ORDER["newest" if self.sort == "relevance" else self.sort]
            return self._browse(column, order if sorted_ else None)
        if self.sqlite:
            return self._fts(column, tier, _ORDER[self.sort] if sorted_ else None)
        return self._document(column, tier, sorted_)

    # Queries.

    def count(self, cap: int) -> int:
        """How many products match, counting no further than ``cap``."""
        if self._common_word(cap):
            self.dense = True
            return cap
        sql, params = self._select("1", None, sorted_=False)
        with _reader().cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) capped", [*params, cap])  # noqa: S608
            total = int(cursor.fetchone()[0])
        self.dense = total >= cap
        return total

    def _common_word(self, cap: int) -> bool:
        """Whether a lone, unfiltered term starts a word in at least ``cap`` products.

        The vocabulary's document frequencies say so without counting: on PostgreSQL, counting
        a thousand matches of a word prefix costs more than the rest of the search together.
        """
        if self.sqlite or len(self.terms) != 1 or not self.indexed:
            return False
        if not self.terms[0].lexeme_query.endswith(":*"):
            return False  # a single letter is that word only
        if self.filters.facets() or self.filters.columns().where:
            return False
        term = self.terms[0].text
        with _reader().cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {TERM_TABLE} WHERE term >= %s AND term < %s AND df >= %s LIMIT 1",  # noqa: S608
                [term, term + "\U0010ffff", cap],
            )
            return cursor.fetchone() is not None

    def _ids(self, tier: int | None, limit: int) -> list[int]:
        if self.tiered and not self.sqlite:
            # The newest products first: common words fill a page within them, cheaply.
            window = max(_WALK, 20 * limit)
            found = self._fetch(*self._document("p.id", tier, True, window=window), limit)
            if len(found) == limit:
                return found
        return self._fetch(*self._select("p.id", tier, sorted_=True), limit)

    @staticmethod
    def _fetch(sql: str, params: list[Any], limit: int) -> list[int]:
        with _reader().cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s", [*params, limit])
            return [row[0] for row in cursor.fetchall()]

    def page_ids(self, limit: int, offset: int) -> list[int]:
        """Ids of one page (``limit`` rows from ``offset``), in order."""
        if not self.tiered:
            return self._ids(None, offset + limit)[offset:]
        names = self._ids(0, offset + limit)
        if len(names) == offset + limit:
            return names[offset:]
        # Every match in the name is known now: the others follow.
        named = set(names)
        others = [pk for pk in self._ids(None, offset + limit) if pk not in named]
        return [*names, *others][offset : offset + limit]


@contextmanager
def _index_scans(needed: bool) -> Iterator[None]:
    """On PostgreSQL, keep the planner off sequential scans while it reads the index table.

    It costs a tsvector match like a comparison and would rather read the whole table than the
    GIN index; at 100,000 products that is 40 ms instead of 2.
    """
    if not needed or _is_sqlite():
        yield
        return
    # The setting lasts until the transaction ends; a failure rolls it back with the savepoint.
    # Inside a caller's transaction, success turns it back on for whatever else that does; on
    # its own, the commit ends it (one round trip fewer).
    reader = _reader()
    nested = reader.in_atomic_block
    with transaction.atomic(using=reader.alias), reader.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        yield
        if nested:
            cursor.execute("SELECT set_config('enable_seqscan', 'on', true)")


def _resolve_filters(
    *,
    category: Category | None,
    village: Village | None,
    country: str | None,
    region: str | None,
    price_min: Money | None,
    price_max: Money | None,
    verified: str | None,
    in_stock: bool,
) -> _Filters:
    country = (country or "").strip().upper() or None
    region = (region or "").strip() or None
    village_ids: tuple[int, ...] | None = None
    if region:
        villages = Village.objects.filter(status=VillageStatus.APPROVED, region=region)
        if country:
            villages = villages.filter(country=country)
        village_ids = tuple(villages.order_by("pk").values_list("pk", flat=True))
    if village is not None:
        inside = (village_ids is None or village.pk in village_ids) and (
            country is None or village.country == country
        )
        village_ids = (village.pk,) if inside else ()
    if verified and verified != VERIFIED_ANY and verified not in CertificationKind.values:
        verified = None
    return _Filters(
        category_id=category.pk if category is not None else None,
        village_ids=village_ids,
        country=country,
        verified=verified or None,
        price_min=price_min,
        price_max=price_max,
        in_stock=in_stock,
    )


def product_search(
    *,
    query: str | None,
    category: Category | None = None,
    village: Village | None = None,
    country: str | None = None,
    region: str | None = None,
    price_min: Money | None = None,
    price_max: Money | None = None,
    verified: str | None = None,
    in_stock: bool = False,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 24,
) -> SearchResult:
    """Search the public catalogue (published products of approved shops in approved villages).

    ``category`` includes the categories below it. ``verified`` is a certification kind that
    staff have verified, or ``"any"``. A price bound keeps products priced in its currency. An
    empty query lists every product the filters let through, newest first. Pages past the first
    ``COUNT_CAP`` results are empty.
    """
    text = clean_query(query, MAX_QUERY_LENGTH)
    sort = sort if sort in SORTS else "relevance"
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    filters = _resolve_filters(
        category=category,
        village=village,
        country=country,
        region=region,
        price_min=price_min,
        price_max=price_max,
        verified=verified,
        in_stock=in_stock,
    )
    terms = parse_terms(text)
    result = _run(text, terms, filters, sort=sort, page=page, per_page=per_page)
    if result.total or not terms:
        return result
    if _is_sqlite() and any(t.widenable for t in terms):
        widened = [Term(t.text, t.unspaced, substring=t.widenable) for t in terms]
        again = _run(text, widened, filters, sort=sort, page=page, per_page=per_page)
        if again.total:
            return again
    corrected = correct_terms(terms)
    if corrected is not None:
        again = _run(text, corrected, filters, sort=sort, page=page, per_page=per_page)
        if again.total:
            return replace(again, corrected_query=" ".join(t.text for t in corrected))
    return result


def _load_public(ids: list[int]) -> dict[int, Product]:
    """Load the products of a page, dropping any the index still held after it went private."""
    return product_cards_by_id(ids)


def _run(
    text: str, terms: list[Term], filters: _Filters, *, sort: str, page: int, per_page: int
) -> SearchResult:
    offset = (page - 1) * per_page
    total = 0
    ids: list[int] = []
    if not filters.impossible:
        plan = _Plan(terms, filters, sort)
        with _index_scans(plan.indexed):
            total = plan.count(COUNT_CAP + 1)
            if offset < min(total, COUNT_CAP):
                ids = plan.page_ids(per_page, offset)
    reachable = min(total, COUNT_CAP)
    by_id = _load_public(ids)
    return SearchResult(
        query=text,
        items=[by_id[pk] for pk in ids if pk in by_id],
        page=page,
        per_page=per_page,
        has_next=offset + per_page < reachable,
        total=reachable,
        total_is_capped=total > COUNT_CAP,
        sort=sort,
    )


# -- spelling -----------------------------------------------------------------------------------


def _starts_a_word(term: str) -> bool:
    """Whether some vocabulary word starts with this term (range scan on the unique index)."""
    with _reader().cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {TERM_TABLE} WHERE term >= %s AND term < %s LIMIT 1",  # noqa: S608
            [term, term + "\U0010ffff"],
        )
        return cursor.fetchone() is not None


def _trigrams(word: str) -> list[str]:
    padded = f" {word} "
    return list(dict.fromkeys(padded[i : i + 3] for i in range(len(padded) - 2)))


def _candidates(term: str, limit: int = 40) -> list[tuple[str, int]]:
    """Vocabulary words sharing the most trigrams with a term, with their frequencies."""
    with _reader().cursor() as cursor:
        if _is_sqlite():
            expression = " OR ".join(_fts_phrase(t) for t in _trigrams(term))
            cursor.execute(
                f"SELECT t.term, t.df FROM {TERM_FTS_TABLE} "  # noqa: S608
                f"CROSS JOIN {TERM_TABLE} t ON t.id = {TERM_FTS_TABLE}.rowid "
                f"WHERE {TERM_FTS_TABLE} MATCH %s ORDER BY rank LIMIT %s",
                [expression, limit],
            )
        else:
            cursor.execute(
                f"SELECT term, df FROM {TERM_TABLE} WHERE term %% %s "  # noqa: S608
                "ORDER BY similarity(term, %s) DESC, df DESC LIMIT %s",
                [term, term, limit],
            )
        found = [(row[0], int(row[1])) for row in cursor.fetchall()]
        if len(term) <= 6:
            # Short words share few trigrams with their typos ("gaot", "goat"): add the words
            # of about the same length that begin with the same letter.
            cursor.execute(
                f"SELECT term, df FROM {TERM_TABLE} WHERE term >= %s AND term < %s "  # noqa: S608
                "AND length(term) BETWEEN %s AND %s ORDER BY df DESC LIMIT %s",
                [term[0], term[0] + "\U0010ffff", len(term) - 1, len(term) + 1, 200],
            )
            found += [(row[0], int(row[1])) for row in cursor.fetchall()]
        return found


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) turning one word into another."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _edits_allowed(term: str) -> int:
    return 1 if len(term) <= 4 else 2 if len(term) <= 8 else 3


def correct_word(term: str) -> str | None:
    """The vocabulary word closest to a mistyped term, or None when none is close enough.

    Closest is fewest edits (a short word may have one, a long one three), then the most
    frequent. Matching is by word start, so when a shorter close word begins the chosen one
    ("tomato", "tomatoes") the shorter is taken: it finds both.
    """
    allowed = _edits_allowed(term)
    close = []
    for word, df in _candidates(term):
        distance = edit_distance(term, word)
        if word != term and distance <= allowed:
            close.append((distance, -df, word))
    if not close:
        return None
    best = min(close)[2]
    prefixes = [word for _d, _df, word in close if best.startswith(word) and word != best]
    return min(prefixes, key=len) if prefixes else best


def correct_terms(terms: list[Term]) -> list[Term] | None:
    """Replace terms that start no known word by their closest word; None if nothing changed."""
    changed = False
    out: list[Term] = []
    for term in terms:
        if term.unspaced or len(term.text) < VOCABULARY_MIN_LENGTH or _starts_a_word(term.text):
            out.append(term)
            continue
        replacement = correct_word(term.text)
        if replacement is None:
            out.append(term)
            continue
        out.append(Term(replacement, unspaced=False))
        changed = True
    return out if changed else None
