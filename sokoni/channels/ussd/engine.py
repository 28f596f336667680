"""A USSD hop by Africa's Talking's protocol: find the session, take the new input, answer.

The gateway sends ``text``, every input of the session so far joined by ``*``. The session
keeps the text it last answered and that answer: a hop sent again (the gateway retries when
an answer is late) gets the same answer and changes nothing more. Only the input after the
last answered text is new; dialling a shortcut (``*384*7*1#``) sends several at once on the
first hop, and they are taken one by one.

The session is saved with a conditional update on its hop count, so two copies of a hop
racing each other save once; what they did is itself idempotent (a checkout has the
session's idempotency key, a PIN check counts once per copy at most).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.accounts.selectors import user_by_phone
from sokoni.channels.models import UssdSession
from sokoni.channels.ussd.flow import (
    Back,
    Ctx,
    End,
    Go,
    Home,
    ListNode,
    NextPage,
    Stay,
    Step,
    wrong_choice,
)
from sokoni.channels.ussd.menus import MEMBERS_ONLY, NODES, SELLERS_ONLY, Redirect
from sokoni.channels.ussd.text import Screen
from sokoni.core.errors import DomainError

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # a whole session's inputs; far more than anyone types
MAX_INPUT = 12  # the longest number a screen asks for (a tracking number)


def _fresh_state(language: str = "") -> dict[str, Any]:
    return {"at": "home", "args": {}, "page": 0, "trail": [], "lang": language}


def ussd_answer(*, session_id: str, phone: str, text: str) -> str:
    """The reply to one hop (``CON …`` or ``END …``); ``phone`` is already in E.164."""
    session = UssdSession.objects.select_related("user").filter(session_id=session_id).first()
    known = session.user if session is not None else None
    if known is not None and known.phone == phone and known.is_active:
        user: User | None = known  # read with the session: one query less a hop
    else:
        user = user_by_phone(phone)
    if session is None:
        try:
            with transaction.atomic():
                session = UssdSession.objects.create(
                    session_id=session_id, phone=phone, user=user, state=_fresh_state()
                )
        except IntegrityError:  # the same first hop, twice at once
            session = UssdSession.objects.get(session_id=session_id)
    language = user.language if user is not None else ""
    if session.phone != phone:
        with translation.override(language or None):
            return Screen([_("This session is not yours. Please dial again.")], end=True).render()
    if session.hops and text == session.last_text:
        return session.last_reply
    inputs = _new_inputs(session, text)
    ctx = Ctx(session=session, user=user, state=dict(session.state))
    if inputs is None or ctx.state.get("ended"):
        with translation.override(ctx.language):
            reply = Screen([_("This session is over. Please dial again.")], end=True).render()
    else:
        reply = _run(ctx, inputs)
    saved = UssdSession.objects.filter(pk=session.pk, hops=session.hops).update(
        state=ctx.state,
        last_text=text,
        last_reply=reply,
        hops=session.hops + 1,
        user=ctx.user,
        updated_at=timezone.now(),
    )
    if not saved:  # another copy of this hop was answered first: give its answer
        session.refresh_from_db()
        if session.last_text == text:
            return session.last_reply
    return reply


def _new_inputs(session: UssdSession, text: str) -> list[str] | None:
    """The inputs this hop adds, or None when the text does not follow the session's."""
    if len(text) > MAX_TEXT:
        return None
    if not session.hops:
        return text.split("*") if text else []
    if session.last_text == "":
        return [text]
    prefix = session.last_text + "*"
    if not text.startswith(prefix):
        return None
    return [text[len(prefix) :]]


def _run(ctx: Ctx, inputs: list[str]) -> str:
    for value in inputs:
        with translation.override(ctx.language):
            step = _apply(ctx, value)
        ended = _follow(ctx, step)
        if ended is not None:
            ctx.state["ended"] = True
            return ended
    with translation.override(ctx.language):
        return _render(ctx)


def _apply(ctx: Ctx, value: str) -> Step:
    node = NODES[ctx.at]
    if value == "00":
        return Home()
    if value == "0":
        return Back()
    if node.kind in ("menu", "list") and value == "9" and ctx.at != "help":
        return Go("help")
    if node.kind == "list" and value == "98":
        return NextPage()
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_INPUT:
        return wrong_choice() if node.kind != "input" else Stay(_("Send digits only."))
    try:
        return node.answer(ctx, value)
    except DomainError as error:
        return Stay(str(error.message))


def _allowed(ctx: Ctx, at: str) -> bool:
    if at in MEMBERS_ONLY and not ctx.has_pin:
        return False
    return at not in SELLERS_ONLY or ctx.is_seller


def _follow(ctx: Ctx, step: Step) -> str | None:
    """Move the session as the step says; the END text when the session ends."""
    state = ctx.state
    state["error"] = state["note"] = ""
    if isinstance(step, Go):
        target = NODES.get(step.at)
        if target is None or not _allowed(ctx, step.at):
            state["error"] = _("Not available.")
            return None
        if isinstance(target, Redirect):
            return _follow(ctx, target.decide(ctx))
        state["trail"] = [*state.get("trail", []), [ctx.at, ctx.args, ctx.page]][-20:]
        state.update(at=step.at, args=dict(step.args), page=0)
    elif isinstance(step, Back):
        _go_back(ctx, step.to)
        state["note"] = step.note
    elif isinstance(step, Home):
        state.update(at="home", args={}, page=0, trail=[], note=step.note)
    elif isinstance(step, Stay):
        state["error"] = step.error
    elif isinstance(step, NextPage):
        node = NODES[ctx.at]
        if isinstance(node, ListNode) and node.has_more(ctx):
            state["page"] = ctx.page + 1
        else:
            state["error"] = _("No more. 0 to go back.")
    elif isinstance(step, End):
        with translation.override(ctx.language):
            return Screen([step.text], end=True).render()
    return None


def _go_back(ctx: Ctx, to: str) -> None:
    trail = list(ctx.state.get("trail", []))
    while trail:
        at, args, page = trail.pop()
        if not to or at == to:
            ctx.state.update(at=at, args=args, page=page, trail=trail)
            return
    ctx.state.update(at="home", args={}, page=0, trail=[])


def _render(ctx: Ctx) -> str:
    if not _allowed(ctx, ctx.at):  # e.g. a seller who closed their last shop meanwhile
        ctx.state.update(at="home", args={}, page=0, trail=[])
    node = NODES[ctx.at]
    screen = node.screen(ctx)
    nav = []
    if isinstance(node, ListNode) and node.has_more(ctx):
        nav.append("98 " + _("More"))
    if ctx.at != "home":
        nav += ["0 " + _("Back"), "00 " + _("Home")]
    if node.kind in ("menu", "list") and ctx.at != "help":
        nav.append("9 " + _("Help"))
    screen.footer = " ".join(nav)
    message = ctx.state.get("error") or ctx.state.get("note") or ""
    return screen.render(message)


def session_user(session_id: str) -> User | None:  # pragma: no cover - for the admin
    session = UssdSession.objects.select_related("user").filter(session_id=session_id).first()
    return session.user if session else None
