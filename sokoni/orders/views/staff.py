"""Staff decide disputes; service-centre operators take cash for waiting payments.

Both areas answer 404 to anyone else, as if they did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.accounts.models import User
from sokoni.catalog.forms import apply_domain_error, parse_price
from sokoni.core.errors import DomainError
from sokoni.core.money import format_money
from sokoni.orders import selectors
from sokoni.orders.forms import CashForm, DecisionForm, StatementForm
from sokoni.orders.models import Dispute, Order
from sokoni.orders.services.lifecycle import dispute_decide
from sokoni.orders.states import DisputeSide, OrderStatus
from sokoni.orders.views.common import history, post_only, statement_submit, user_of, visible
from sokoni.payments.errors import UnknownPayment
from sokoni.payments.services.intents import payment_confirm_cash, reference_normalise
from sokoni.payments.states import PaymentStatus
from sokoni.villages.models import ServiceCentre


@login_required
@require_http_methods(["GET", "HEAD"])
def dispute_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    orders = visible(lambda: list(selectors.disputes_open(user)))
    return render(request, "orders/dispute_list.html", {"orders": orders})


def _disputed(user: User, pk: int) -> tuple[Order, Dispute]:
    order = visible(lambda: selectors.order_get_for_staff(user, pk))
    dispute = Dispute.objects.filter(order=order).select_related("opened_by", "decided_by").first()
    if dispute is None:
        raise Http404
    return order, dispute


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    order, dispute = _disputed(user, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None, currency=order.currency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute_decide(
                order=order,
                actor=user,
                decision=data["decision"],
                note=data["note"],
                buyer_share_minor=data["buyer_share"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Decided. The money has moved as you decided."))
            return redirect("orders:dispute_detail", pk=order.pk)
    return _detail(request, order, dispute, form)


def _detail(
    request: HttpRequest,
    order: Order,
    dispute: Dispute,
    form: DecisionForm,
    statement_form: StatementForm | None = None,
) -> HttpResponse:
    """The evidence side by side (buyer | seller, each in time order), staff's own questions,
    the order's facts, the step and its deadline, and the decision form."""
    statements = selectors.dispute_statements(dispute)
    return render(
        request,
        "orders/dispute_detail.html",
        {
            "order": order,
            "checkout": order.checkout,
            "dispute": dispute,
            "lines": list(order.lines.all()),
            "history": history(order),
            "form": form,
            "buyer_statements": [s for s in statements if s.side == DisputeSide.BUYER],
            "seller_statements": [s for s in statements if s.side == DisputeSide.SELLER],
            "staff_statements": [s for s in statements if s.side == DisputeSide.STAFF],
            "statement_form": statement_form or StatementForm(),
            "can_state": dispute.is_open and order.status == OrderStatus.DISPUTED,
        },
    )


@login_required
def dispute_statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff add a statement to a dispute (a question to both sides, a note)."""
    user = user_of(request)
    order, dispute = _disputed(user, pk)
    if refused := post_only(request):
        return refused
    if (statement_form := statement_submit(request, user, order)) is None:
        return redirect("orders:dispute_detail", pk=order.pk)
    return _detail(request, order, dispute, DecisionForm(currency=order.currency), statement_form)


def _operated_centres(user: User) -> list[ServiceCentre]:
    return list(ServiceCentre.objects.filter(operator=user).order_by("name", "pk"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agent_cash(request: HttpRequest) -> HttpResponse:
    """Cash payments waiting at the operator's centres, and confirming cash received."""
    user = user_of(request)
    centres = _operated_centres(user)
    if not centres:
        raise Http404
    due = list(selectors.cash_due_for_operator(user).select_related("payer"))
    form = CashForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = reference_normalise(form.cleaned_data["reference"])
        intent = next((i for i in due if i.reference == code), None)
        try:
            if intent is None:
                raise UnknownPayment(field="reference")
            amount = parse_price(form.cleaned_data["amount"], intent.currency)
            confirmed = payment_confirm_cash(reference=code, operator=user, amount_minor=amount)
        except ValidationError as error:
            form.add_error("amount", error)
        except DomainError as exc:
            field = exc.field or ("amount" if exc.code == "payments.mismatch" else None)
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            money = format_money(
                intent.amount_minor, intent.currency, translation.get_language() or "en"
            )
            if confirmed.status == PaymentStatus.SUCCEEDED:
                messages.success(
                    request,
                    _("Cash received: %(amount)s for %(reference)s. The order is paid.")
                    % {"amount": money, "reference": intent.reference},
                )
            else:  # the orders were cancelled meanwhile: the payment was refunded at once
                messages.warning(
                    request,
                    _(
                        "Nothing is due for %(reference)s any more: the order was cancelled. "
                        "Give the %(amount)s back to the buyer."
                    )
                    % {"amount": money, "reference": intent.reference},
                )
            return redirect("orders:agent_cash")
    return render(request, "orders/agent_cash.html", {"centres": centres, "due": due, "form": form})
