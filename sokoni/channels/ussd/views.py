"""``POST /channels/ussd/``: Africa's Talking's USSD callback.

Form fields ``sessionId``, ``serviceCode``, ``phoneNumber``, ``networkCode`` and ``text``;
the answer is ``text/plain`` starting with ``CON `` (more to come) or ``END ``. A request
that is not a USSD hop (a field missing, a number that is not a phone number) gets a short
``END`` answer with status 400 and changes nothing.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sokoni.accounts.phones import normalize_phone
from sokoni.channels.auth import gateway_only
from sokoni.channels.ussd.engine import ussd_answer
from sokoni.channels.ussd.text import Screen

FIELDS = ("sessionId", "serviceCode", "phoneNumber", "text")


def _reply(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
@gateway_only
def ussd_callback(request: HttpRequest) -> HttpResponse:
    data = request.POST
    missing = [name for name in FIELDS if name not in data]
    session_id = data.get("sessionId", "").strip()
    try:
        phone = normalize_phone(data.get("phoneNumber", ""))
    except ValidationError:
        phone = ""
    if missing or not session_id or len(session_id) > 100 or not phone:
        with translation.override(translation.get_language_from_request(request)):
            return _reply(
                Screen([_("Sorry, we could not read that. Please dial again.")], end=True).render(),
                400,
            )
    started, cpu = time.perf_counter(), time.thread_time()
    reply = _reply(ussd_answer(session_id=session_id, phone=phone, text=data.get("text", "")))
    # The server's own time for the hop (bench/ussd.py reads it; DESIGN.md: p99 <= 50 ms), and
    # the CPU time it took, which tells its own cost from waiting for a busy core.
    took, used = time.perf_counter() - started, time.thread_time() - cpu
    reply["Server-Timing"] = f"app;dur={took * 1000:.2f}, cpu;dur={used * 1000:.2f}"
    return reply
