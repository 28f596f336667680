"""The pieces of a USSD menu: where a session is, what a screen answers, where it leads.

A session's state is a small JSON document: the screen it is at (``at``) with its arguments,
the page of a long list, and the trail of screens behind it (for ``0`` back). Screens are
``Node`` objects; answering one returns a step (go on, go back, go home, stay with an error,
or end the session).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Final

from django.conf import settings
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.accounts.selectors import has_pin
from sokoni.channels.models import UssdSession
from sokoni.channels.ussd import selectors
from sokoni.channels.ussd.text import Screen
from sokoni.core.errors import NotFound
from sokoni.villages.models import ServiceCentre
from sokoni.villages.selectors import home_centre_of

PAGE: Final = 5
# list rows per screen (numbers 1-5; 9 stays Help)


@dataclass
class Ctx:
    """One hop: the session, who is dialling, and the state being changed."""

    session: UssdSession
    user: User | None
    state: dict[str, Any]

    @property
    def at(self) -> str:
        return str(self.state.get("at", "home"))

    @property
    def args(self) -> dict[str, Any]:
        args: dict[str, Any] = self.state.setdefault("args", {})
        return args

    @property
    def member(self) -> User:
        """The caller, on screens only members reach (the engine checks before showing)."""
        if self.user is None:
            raise NotFound()
        return self.user

    @property
    def page(self) -> int:
        return int(self.state.get("page", 0))

    @property
    def language(self) -> str:
        if self.user is not None and self.user.language:
            return self.user.language
        return str(self.state.get("lang") or settings.LANGUAGE_CODE)

    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, read: Callable[[], Any]) -> Any:
        """``read()`` at most once a hop: a screen's title, choices and answer, and the engine's
        checks, all ask the same things. An answer that changes what was read calls
        ``forget``."""
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key]

    @property
    def has_pin(self) -> bool:
        user = self.user
        return user is not None and bool(self.once("has_pin", lambda: has_pin(user)))

    @property
    def is_seller(self) -> bool:
        user = self.user
        return user is not None and bool(self.once("is_seller", lambda: selectors.is_seller(user)))

    def forget(self) -> None:
        """After the account changed (registered, PIN set, centre chosen)."""
        self.memo.clear()
        self.__dict__.pop("centre", None)

    @cached_property
    def centre(self) -> ServiceCentre | None:
        return home_centre_of(self.user) if self.user is not None else None


# -- steps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Go:
    at: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Back:
    to: str = ""  # the nearest screen of this name behind (default: the one just behind)
    note: str = ""


@dataclass(frozen=True)
class Home:
    note: str = ""


@dataclass(frozen=True)
class Stay:
    error: str


@dataclass(frozen=True)
class End:
    text: str


@dataclass(frozen=True)
class NextPage:
    pass


Step = Go | Back | Home | Stay | End | NextPage


# -- screens ------------------------------------------------------------------------------------


class Node:
    """A screen. ``kind`` decides the navigation it offers: menus and lists have Help (9),
    lists page with 98, inputs take digits (0 and 00 still go back and home everywhere)."""

    kind: ClassVar[str] = "menu"

    def screen(self, ctx: Ctx) -> Screen:
        raise NotImplementedError

    def answer(self, ctx: Ctx, value: str) -> Step:
        raise NotImplementedError


def wrong_choice() -> Stay:
    return Stay(_("Wrong choice. Send a number from the list."))


class Menu(Node):
    """Numbered choices: ``choices`` gives (number, label, step) for what this user may do."""

    def title(self, ctx: Ctx) -> list[str]:
        raise NotImplementedError

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        return []

    def screen(self, ctx: Ctx) -> Screen:
        options = [(key, label) for key, label, _step in self.choices(ctx)]
        return Screen(self.title(ctx), options)

    def answer(self, ctx: Ctx, value: str) -> Step:
        for key, _label, step in self.choices(ctx):
            if key == value:
                return step
        return wrong_choice()


class ListNode(Node):
    """A list of rows, five to a screen; picking row ``n`` calls ``pick`` with its key."""

    kind = "list"

    def title(self, ctx: Ctx) -> str:
        raise NotImplementedError

    def empty(self, ctx: Ctx) -> str:
        return _("Nothing here yet.")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        raise NotImplementedError

    def pick(self, ctx: Ctx, key: Any) -> Step:
        raise NotImplementedError

    def _shown(self, ctx: Ctx) -> tuple[list[tuple[Any, str]], bool]:
        rows = ctx.once(f"items:{ctx.at}:{id(self)}", lambda: self.items(ctx))
        start = ctx.page * PAGE
        return rows[start : start + PAGE], len(rows) > start + PAGE

    def has_more(self, ctx: Ctx) -> bool:
        return self._shown(ctx)[1]

    def screen(self, ctx: Ctx) -> Screen:
        shown, _more = self._shown(ctx)
        if not shown:
            return Screen([self.title(ctx), self.empty(ctx)])
        return Screen(
            [self.title(ctx)], [(str(n), label) for n, (_k, label) in enumerate(shown, 1)]
        )

    def answer(self, ctx: Ctx, value: str) -> Step:
        shown, _more = self._shown(ctx)
        number = int(value)
        if 1 <= number <= len(shown):
            return self.pick(ctx, shown[number - 1][0])
        return wrong_choice()


class Input(Node):
    """One question answered with digits."""

    kind = "input"

    def question(self, ctx: Ctx) -> list[str]:
        raise NotImplementedError

    def take(self, ctx: Ctx, digits: str) -> Step:
        raise NotImplementedError

    def screen(self, ctx: Ctx) -> Screen:
        return Screen(self.question(ctx))

    def answer(self, ctx: Ctx, value: str) -> Step:
        return self.take(ctx, value)
