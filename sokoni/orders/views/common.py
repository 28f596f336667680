"""Helpers shared by the order pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.catalog.forms import apply_domain_error
from sokoni.core.errors import DomainError, NotFound
from sokoni.core.text import parse_positive_int
from sokoni.orders import selectors
from sokoni.orders.forms import StatementForm
from sokoni.orders.models import Dispute, Order
from sokoni.orders.reasons import reason_label
from sokoni.orders.services.disputes import dispute_add_statement
from sokoni.orders.states import OrderStatus

T = TypeVar("T")
PER_PAGE = 25


def user_of(request: HttpRequest) -> User:
    """The signed-in user (the views using it are behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def visible(load: Callable[[], T]) -> T:
    """Call a permission-scoped selector; what the user may not see is a 404."""
    try:
        return load()
    except NotFound as exc:
        raise Http404 from exc


def post_only(request: HttpRequest) -> HttpResponse | None:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def order_action(
    request: HttpRequest,
    load: Callable[[], tuple[User, Order]],
    action: Callable[[User, Order], Any],
    done: str,
    back: str,
) -> HttpResponse:
    """POST-only: run a service on an order the user may see; report the outcome as a message.

    ``load`` is the permission check (it raises NotFound -> 404 for anyone else's order);
    a refusal from the service changes nothing and is shown as an error message.
    """
    user, order = load()
    if refused := post_only(request):
        return refused
    try:
        action(user, order)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect(back, pk=order.pk)


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` address posted with a form, when it stays on this site."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def page_of(request: HttpRequest, rows: QuerySet[Any], per_page: int = PER_PAGE) -> Page:
    return Paginator(rows, per_page).get_page(parse_positive_int(request.GET.get("page"), 1))


def filter_query(request: HttpRequest) -> str:
    """The current filters as a query string for the pager links (without the page)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    from_label: str
    to_label: str
    who: str
    reason: str


def history(order: Order) -> list[HistoryRow]:
    """The order's events in words: when, from what to what, who, why."""
    labels = dict(OrderStatus.choices)
    rows = []
    for event in order.events.all():
        if event.actor is None:
            who = _("Sokoni, automatically")
        else:
            who = event.actor.name or event.actor.phone
        rows.append(
            HistoryRow(
                at=event.at,
                from_label=str(labels.get(event.from_status, "")),
                to_label=str(labels.get(event.to_status, event.to_status)),
                who=who,
                reason=reason_label(event.reason),
            )
        )
    return rows


def dispute_context(order: Order, statement_form: StatementForm | None = None) -> dict[str, Any]:
    """The order's dispute for its pages: the dispute, its statements in time order (with
    photos) and the form to add one while it is undecided. The caller checked who may see it."""
    dispute = Dispute.objects.filter(order_id=order.pk).select_related("decided_by").first()
    if dispute is None:
        return {"dispute": None}
    return {
        "dispute": dispute,
        "statements": selectors.dispute_statements(dispute),
        "statement_form": statement_form or StatementForm(),
        "can_state": dispute.is_open and order.status == OrderStatus.DISPUTED,
    }


def statement_submit(request: HttpRequest, user: User, order: Order) -> StatementForm | None:
    """Add the posted statement (and photos) to the order's dispute. Return None when the
    request is done (recorded, or refused with a message), else the form with its errors."""
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        return form
    try:
        dispute_add_statement(
            order=order,
            actor=user,
            text=form.cleaned_data["text"],
            images=form.cleaned_data["photos"],
        )
    except NotFound as exc:  # no dispute on this order
        raise Http404 from exc
    except DomainError as exc:
        if exc.field not in form.fields:
            messages.error(request, str(exc.message))
            return None
        apply_domain_error(form, exc)
        return form
    messages.success(request, _("Your statement is added to the dispute."))
    return None
