"""Message pages: the inbox, a thread, starting a thread about a product or an order, reporting
a message, and the staff's logged read of a reported or disputed thread.

Each POST calls one service; a refusal comes back on the page (429 for a flood, 400 otherwise)
with the text kept, and stores nothing. Anything not the user's own is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sokoni.catalog import selectors as catalog
from sokoni.core.errors import DomainError, NotFound
from sokoni.core.request_keys import REPLAYED, once
from sokoni.orders.views.common import user_of, visible
from sokoni.trust import selectors
from sokoni.trust.errors import MessageFlood
from sokoni.trust.messages import (
    OFF_PLATFORM_WARNING,
    message_report,
    message_send,
    thread_for_staff,
    thread_mark_read,
    thread_start,
)
from sokoni.trust.models import MAX_ATTACHMENTS, Message, Thread
from sokoni.trust.states import MessageReportReason
from sokoni.trust.views import attempt

# -- messages ------------------------------------------------------------------------------------


def _photos(request: HttpRequest) -> list[bytes]:
    """The uploaded photos' bytes; each read only up to one byte past the size limit (the
    service refuses it), and one file past the count limit (the service refuses that too)."""
    files = [f for f in request.FILES.getlist("images") if f.size][: MAX_ATTACHMENTS + 1]
    return [f.read(settings.IMAGE_MAX_BYTES + 1) for f in files]


def _refused_status(error: DomainError) -> int:
    return 429 if isinstance(error, MessageFlood) else 400


def _sent(request: HttpRequest, message: Message) -> HttpResponse:
    if message.off_platform:
        messages.warning(request, str(OFF_PLATFORM_WARNING))
    return redirect("trust:thread", thread_id=message.thread_id)


def _thread_page(
    request: HttpRequest, thread: Thread, *, error: DomainError | None = None
) -> HttpResponse:
    user = user_of(request)
    return render(
        request,
        "trust/messages/thread.html",
        {
            "thread": thread,
            "as_seller": thread.shop.owner_id == user.pk,
            "posts": selectors.thread_posts(thread, user.pk),
            "error": error.message if error else None,
            "body": request.POST.get("body", "") if error else "",
            "reasons": MessageReportReason.choices,
            "off_platform_warning": OFF_PLATFORM_WARNING,
            "max_photos": MAX_ATTACHMENTS,
        },
        status=_refused_status(error) if error else 200,
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    page = selectors.inbox_for_user(user.pk, page=selectors.parse_page(request.GET.get("page")))
    return render(request, "trust/messages/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    """GET shows the thread and marks it read for the reader; POST sends a reply (once per
    request key: a replayed reply from the offline queue is not sent again)."""
    user = user_of(request)
    thread = visible(lambda: selectors.thread_get_for_participant(user.pk, thread_id))
    if request.method != "POST":
        thread = thread_mark_read(user=user, thread_id=thread.pk)
        return _thread_page(request, thread)
    try:
        message = once(
            request,
            lambda: message_send(
                sender=user,
                thread_id=thread.pk,
                body=request.POST.get("body", ""),
                images=_photos(request),
            ),
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return _thread_page(request, thread, error=exc)
    if message is REPLAYED:
        return redirect("trust:thread", thread_id=thread.pk)
    return _sent(request, message)


def _start_page(
    request: HttpRequest, context: dict[str, object], error: DomainError | None = None
) -> HttpResponse:
    context |= {
        "error": error.message if error else None,
        "body": request.POST.get("body", "") if error else "",
        "max_photos": MAX_ATTACHMENTS,
    }
    status = _refused_status(error) if error else 200
    return render(request, "trust/messages/start.html", context, status=status)


def _start(
    request: HttpRequest,
    context: dict[str, object],
    existing: int | None,
    start: Callable[[str, list[bytes]], Message],
) -> HttpResponse:
    """The form to start a thread (GET), or the thread already on that subject; POST starts
    it (or adds to it) with ``start(body, photos)``."""
    if request.method != "POST":
        if existing is not None:
            return redirect("trust:thread", thread_id=existing)
        return _start_page(request, context)
    try:
        message = once(request, lambda: start(request.POST.get("body", ""), _photos(request)))
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return _start_page(request, context, exc)
    if message is REPLAYED:
        # The first send opened the thread, so this later request found it as ``existing``.
        return redirect("trust:thread", thread_id=existing) if existing else redirect("trust:inbox")
    return _sent(request, message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread_start_product(request: HttpRequest, product_id: int) -> HttpResponse:
    """Ask the seller about a product; an earlier thread about it is continued instead."""
    user = user_of(request)
    product = visible(lambda: catalog.product_get_public(product_id))
    if product.shop.owner_id == user.pk:
        raise Http404
    return _start(
        request,
        {"product": product, "shop": product.shop},
        selectors.thread_id_for_product(user.pk, product.pk),
        lambda body, photos: thread_start(
            sender=user, product_id=product.pk, body=body, images=photos
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread_start_order(request: HttpRequest, order_id: int) -> HttpResponse:
    """Message the other side of an order (buyer or seller); its thread if there is one."""
    user = user_of(request)
    order = visible(lambda: selectors.order_get_for_participant(user.pk, order_id))
    return _start(
        request,
        {"order": order, "shop": order.shop},
        selectors.thread_id_for_order(order.pk),
        lambda body, photos: thread_start(sender=user, order_id=order.pk, body=body, images=photos),
    )


@login_required
@require_POST
def message_report_view(request: HttpRequest, message_id: int) -> HttpResponse:
    user = user_of(request)
    thread_id = visible(lambda: selectors.message_thread_id_for_participant(user.pk, message_id))
    attempt(
        request,
        lambda: message_report(
            reporter=user,
            message_id=message_id,
            reason=request.POST.get("reason", ""),
            details=request.POST.get("details", ""),
        ),
        _("Thank you: the message is reported. Sokoni staff will look at it."),
    )
    return redirect("trust:thread", thread_id=thread_id)


@login_required
@require_GET
def staff_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """A reported or disputed thread, read-only, for staff; the read is logged."""
    user = user_of(request)
    thread = visible(lambda: thread_for_staff(staff=user, thread_id=thread_id))
    return render(
        request,
        "trust/messages/staff_thread.html",
        {
            "thread": thread,
            "posts": selectors.thread_posts(thread, None),
            "off_platform_warning": OFF_PLATFORM_WARNING,
        },
    )
