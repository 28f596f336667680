"""The search page: a query, filters and sorts over the public catalogue.

Malformed filters are shown as errors next to their fields and left out of the search; the
page itself never fails on bad input.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Final, cast

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sokoni.accounts.models import User
from sokoni.catalog.models import Category
from sokoni.catalog.search import MAX_QUERY_LENGTH, VERIFIED_ANY, SearchResult, product_search
from sokoni.catalog.states import CertificationKind
from sokoni.core.db_router import reads_from_replica
from sokoni.core.errors import DomainError
from sokoni.core.money import Money
from sokoni.core.text import clean_query, parse_positive_int
from sokoni.villages.countries import country_name
from sokoni.villages.models import Village
from sokoni.villages.selectors import village_list_public
from sokoni.web.page_cache import visitor_page

PER_PAGE: Final = 24
MAX_PAGE: Final = 10_000
MAX_PRICE_MINOR: Final = 10**12
# Checked before Money parses it: digits with grouping or decimal marks and spaces, no exponent,
# no sign, bounded.
_AMOUNT = re.compile(r"^\d[\d.,\s\u00a0\u202f]{0,24}$")
# The parameters a search page link carries, in this order.
_PARAMS: Final = (
    "q",
    "category",
    "village",
    "country",
    "region",
    "currency",
    "price_min",
    "price_max",
    "verified",
    "in_stock",
    "sort",
)


def _sort_choices() -> list[tuple[str, Any]]:
    return [
        ("relevance", _("Best match")),
        ("price", _("Price: low to high")),
        ("-price", _("Price: high to low")),
        ("newest", _("Newest first")),
    ]


@dataclass(frozen=True)
class _CategoryRow:
    pk: int
    parent_id: int | None
    slug: str
    label: str


@dataclass(frozen=True)
class _VillageRow:
    pk: int
    slug: str
    name: str
    country: str
    region: str


# The filter lists change rarely (staff add a category, approve a village); every search page
# needs them, so each process keeps them this long.
FILTER_ROWS_TTL: Final = 60


def _categories() -> list[_CategoryRow]:
    """Every category with its name in the reader's language (one light query, cached)."""
    language = translation.get_language() or settings.LANGUAGE_CODE

    def load() -> list[_CategoryRow]:
        rows = Category.objects.order_by("position", "name").values_list(
            "pk", "parent_id", "slug", "name", "names"
        )
        return [
            _CategoryRow(pk, parent_id, slug, str((names or {}).get(language) or name))
            for pk, parent_id, slug, name, names in rows
        ]

    return cast(
        list[_CategoryRow],
        cache.get_or_set(f"search:categories:{language}", load, FILTER_ROWS_TTL),
    )


def _villages() -> list[_VillageRow]:
    """The approved villages for the filters (one light query, cached)."""

    def load() -> list[_VillageRow]:
        rows = (
            village_list_public()
            .order_by("name")
            .values_list("pk", "slug", "name", "country", "region")
        )
        return [_VillageRow(*row) for row in rows]

    return cast(list[_VillageRow], cache.get_or_set("search:villages", load, FILTER_ROWS_TTL))


def _category_choices(categories: list[_CategoryRow]) -> list[tuple[str, str]]:
    """Categories in tree order, labelled "Parent / Child" in the reader's language."""
    children: dict[int | None, list[_CategoryRow]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    out: list[tuple[str, str]] = []

    def visit(parent_id: int | None, prefix: str, depth: int) -> None:
        for category in children.get(parent_id, []) if depth < 10 else []:
            label = f"{prefix}{category.label}"
            out.append((category.slug, label))
            visit(category.pk, f"{label} \u203a ", depth + 1)

    visit(None, "", 0)
    return out


# The search page renders a dozen fields on every request; Django draws each widget, option and
# label through a template, which costs milliseconds here. These draw the same HTML in Python.


def _tag(name: str, attrs: dict[str, Any], inner: Any = None) -> SafeString:
    attributes = flatatt({key: value for key, value in attrs.items() if value is not False})
    if inner is None:
        return format_html("<{}{}>", name, attributes)
    return format_html("<{}{}>{}</{}>", name, attributes, inner, name)


class _Input(forms.TextInput):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        extra = {"type": self.input_type, "name": name}
        if value not in (None, ""):
            extra["value"] = str(self.format_value(value))
        return _tag("input", self.build_attrs(self.attrs, {**(attrs or {}), **extra}))


class _Checkbox(forms.CheckboxInput):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        extra: dict[str, Any] = {"type": "checkbox", "name": name}
        if self.check_test(value):
            extra["checked"] = True
        return _tag("input", self.build_attrs(self.attrs, {**(attrs or {}), **extra}))


class _Select(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = "" if value is None else str(value)
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        attributes = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return _tag("select", attributes, mark_safe(_options(choices, chosen)))  # noqa: S308


@functools.lru_cache(maxsize=1024)
def _options(choices: tuple[tuple[str, str], ...], chosen: str) -> str:
    """The escaped <option>s of a select; the same lists and choice repeat on every search."""
    selected = mark_safe(" selected")
    return "".join(
        format_html(
            '<option value="{}"{}>{}</option>', key, selected if key == chosen else "", label
        )
        for key, label in choices
    )


class _BoundField(forms.BoundField):
    def label_tag(
        self,
        contents: str | None = None,
        attrs: dict[str, Any] | None = None,
        label_suffix: str | None = None,
        tag: str | None = None,
    ) -> SafeString:
        text = contents or self.label
        suffix = self.form.label_suffix if label_suffix is None else label_suffix
        if suffix and text and str(text)[-1] not in ":?.!":
            text = format_html("{}{}", text, suffix)
        return _tag("label", {**(attrs or {}), "for": self.id_for_label}, text)


class SearchForm(forms.Form):
    """The filters of the search page; every field is optional."""

    bound_field_class = _BoundField

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        strip=True,
        widget=_Input(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    category = forms.ChoiceField(widget=_Select, label=_("Category"), required=False)
    village = forms.ChoiceField(widget=_Select, label=_("Village"), required=False)
    country = forms.ChoiceField(widget=_Select, label=_("Country"), required=False)
    region = forms.ChoiceField(widget=_Select, label=_("Region"), required=False)
    currency = forms.ChoiceField(widget=_Select, label=_("Currency"), required=False)
    price_min = forms.CharField(
        label=_("Lowest price"),
        required=False,
        widget=_Input(attrs={"inputmode": "decimal", "size": 8}),
    )
    price_max = forms.CharField(
        label=_("Highest price"),
        required=False,
        widget=_Input(attrs={"inputmode": "decimal", "size": 8}),
    )
    verified = forms.ChoiceField(widget=_Select, label=_("Certification"), required=False)
    in_stock = forms.BooleanField(widget=_Checkbox, label=_("In stock only"), required=False)
    sort = forms.ChoiceField(widget=_Select, label=_("Sort by"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        categories: list[_CategoryRow],
        villages: list[_VillageRow],
        currency: str,
    ) -> None:
        data = data.copy()
        if not data.get("currency"):
            data["currency"] = currency
        super().__init__(data)
        self.categories = {c.slug: c for c in categories}
        self.villages = {v.slug: v for v in villages}
        everything: list[tuple[str, Any]] = [("", _("All"))]
        countries = sorted({v.country for v in villages}, key=country_name)
        self._choices("category", everything + _category_choices(categories))
        self._choices("village", everything + [(v.slug, v.name) for v in villages])
        self._choices("country", everything + [(c, country_name(c)) for c in countries])
        self._choices("region", everything + [(r, r) for r in sorted({v.region for v in villages})])
        self._choices("currency", [(c, c) for c in settings.CURRENCIES])
        self._choices(
            "verified",
            [
                ("", _("Any product")),
                (VERIFIED_ANY, _("Any verified certification")),
                *CertificationKind.choices,
            ],
        )
        self._choices("sort", _sort_choices())

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data.get("q"), MAX_QUERY_LENGTH)

    def _price(self, name: str) -> Money | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        currency = self.cleaned_data.get("currency") or settings.DEFAULT_CURRENCY
        if not _AMOUNT.match(text):
            raise forms.ValidationError(_("Enter an amount such as 12.50."), code="invalid")
        try:  # in the reader's locale: "12,50" is 12.50 in French, refused as ambiguous in English
            money = Money.from_decimal_string(text, currency)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code="invalid") from exc
        if money.minor > MAX_PRICE_MINOR:
            raise forms.ValidationError(_("Enter a smaller amount."), code="too_big")
        return money

    def clean_price_min(self) -> Money | None:
        return self._price("price_min")

    def clean_price_max(self) -> Money | None:
        return self._price("price_max")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low.minor > high.minor:
            self.add_error("price_max", _("The highest price is below the lowest."))
        return cleaned

    def search_options(self) -> dict[str, Any]:
        """The valid filters as product_search arguments (invalid ones are left out)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        category = self.categories.get(data.get("category") or "")
        village = self.villages.get(data.get("village") or "")
        return {
            "query": data.get("q", ""),
            "category": Category(pk=category.pk) if category else None,
            "village": Village(pk=village.pk, country=village.country) if village else None,
            "country": data.get("country") or None,
            "region": data.get("region") or None,
            "price_min": data.get("price_min"),
            "price_max": data.get("price_max"),
            "verified": data.get("verified") or None,
            "in_stock": bool(data.get("in_stock")),
            "sort": data.get("sort") or "relevance",
        }

    def link_params(self) -> list[tuple[str, str]]:
        """The valid filters as query parameters for links to other pages."""
        data = dict(self.cleaned_data if hasattr(self, "cleaned_data") else {})
        for name in ("price_min", "price_max"):
            data[name] = str(data[name].to_decimal()) if data.get(name) is not None else ""
        if not (data["price_min"] or data["price_max"]):
            data["currency"] = ""  # only worth carrying with a price
        data["in_stock"] = "on" if data.get("in_stock") else ""
        if data.get("sort") == "relevance":
            data["sort"] = ""
        return [(name, str(data[name])) for name in _PARAMS if data.get(name)]


@dataclass(frozen=True)
class Pager:
    """Links to the previous and next pages of results."""

    previous: str
    next: str
    first: str


def _pager(params: list[tuple[str, str]], result: SearchResult) -> Pager:
    def link(number: int) -> str:
        pairs = params + ([("page", str(number))] if number > 1 else [])
        return f"?{urlencode(pairs)}"

    return Pager(
        previous=link(result.page - 1) if result.has_previous and not result.out_of_range else "",
        next=link(result.page + 1) if result.has_next else "",
        first=link(1),
    )


def _currency(request: HttpRequest) -> str:
    user = request.user
    if isinstance(user, User) and user.currency in settings.CURRENCIES:
        return user.currency
    return settings.DEFAULT_CURRENCY


@require_GET
@visitor_page
@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(
        request.GET, categories=_categories(), villages=_villages(), currency=_currency(request)
    )
    form.is_valid()  # errors are shown next to their fields; the valid filters still apply
    page = parse_positive_int(request.GET.get("page"), 1, maximum=MAX_PAGE)
    result = product_search(**form.search_options(), page=page, per_page=PER_PAGE)
    return render(
        request,
        "web/search.html",
        {
            "form": form,
            "result": result,
            "query": result.query,
            "pager": _pager(form.link_params(), result),
        },
    )
