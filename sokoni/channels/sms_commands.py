"""Short text-message commands: read the keyword in any shipped language, answer in the sender's.

A message is a keyword and its arguments: ``STATUS 1042``, ``RECEIVED 1042 4821``,
``PRICE maize``, ``PIN 4821`` or ``PIN 4821 7395``, ``REPLY 12 <answer>`` (a conversation
with a buyer or seller), ``HELP``; couriers and hub staff record
a parcel's journey with ``SCAN SKAC3DEF4G PICKED`` (``SCAN <code> FAILED NOBODY`` says why a
delivery failed). Keywords are a table in code, one
per shipped language (not gettext: a Swahili speaker whose account is in English still writes
``HALI``), and every keyword works for everyone. They are matched without regard to case,
Latin accents, punctuation or extra spaces; a keyword in Chinese or Korean may be written
straight against its argument (``状态1042``), any keyword against a number (``STATUS1042``);
a slip of one letter in a long Latin keyword (``RECIEVED``) is forgiven when it can mean only
one command. Anything else gets the help text.

Handlers call the same services and selectors as the web, with the same permission checks: an
order that is not the sender's is "not found", never described. Replies are gettext-translated
(the caller activates the sender's language) and kept short: they must fit two SMS segments,
which in Hindi or Chinese (UCS-2) is 134 characters.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypeVar

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from sokoni.accounts.errors import PinAlreadySet, PinInvalid, PinLocked, PinNotSet, PinWrong
from sokoni.accounts.models import User
from sokoni.accounts.services import pin_check, pin_set
from sokoni.catalog.models import Product
from sokoni.catalog.search import edit_distance, fold, product_search
from sokoni.catalog.states import Unit
from sokoni.core.errors import DomainError, NotFound
from sokoni.core.money import format_money
from sokoni.logistics.errors import ShipmentMoveNotAllowed
from sokoni.logistics.models import Pickup, Shipment
from sokoni.logistics.selectors import hub_of, next_hub
from sokoni.logistics.shipments import (
    CODE_LENGTH,
    CODE_PREFIX,
    normalize_code,
    shipment_for_scanner,
    shipment_record,
)
from sokoni.logistics.states import SCANNABLE, FailureReason, PickupStatus, ShipmentStatus
from sokoni.messaging.segments import segments
from sokoni.orders.models import Order
from sokoni.orders.selectors import order_get_for_buyer, order_get_for_seller
from sokoni.orders.services.lifecycle import order_confirm_receipt
from sokoni.orders.states import SENT
from sokoni.trust.messages import message_send
from sokoni.villages.models import Village
from sokoni.villages.selectors import home_centre_of


class Command(StrEnum):
    HELP = "help"
    STATUS = "status"
    RECEIVED = "received"
    PRICE = "price"
    PIN = "pin"
    SCAN = "scan"
    REPLY = "reply"


# The words people send, per shipped language; the first is the one the help text shows.
# English always works; the Hindi table also takes common Latin spellings (Hinglish).
KEYWORDS: Final[Mapping[str, Mapping[Command, tuple[str, ...]]]] = {
    "en": {
        Command.HELP: ("HELP",),
        Command.STATUS: ("STATUS",),
        Command.RECEIVED: ("RECEIVED", "RECEIVE"),
        Command.PRICE: ("PRICE", "PRICES"),
        Command.PIN: ("PIN",),
        Command.SCAN: ("SCAN",),
        Command.REPLY: ("REPLY", "ANSWER"),
    },
    "sw": {
        Command.HELP: ("MSAADA",),
        Command.STATUS: ("HALI",),
        Command.RECEIVED: ("NIMEPOKEA", "POKEA", "NIMEPATA"),
        Command.PRICE: ("BEI",),
        Command.PIN: ("PIN", "SIRI"),
        Command.SCAN: ("SKANI",),
        Command.REPLY: ("JIBU",),
    },
    "hi": {
        Command.HELP: ("मदद", "सहायता", "MADAD"),
        Command.STATUS: ("स्थिति", "STHITI"),
        Command.RECEIVED: ("मिला", "प्राप्त", "MILA"),
        Command.PRICE: ("दाम", "कीमत", "DAAM", "KEEMAT"),
        Command.PIN: ("पिन", "PIN"),
        Command.SCAN: ("स्कैन", "SKAIN"),
        Command.REPLY: ("जवाब", "JAWAB"),
    },
    "zh-hans": {
        Command.HELP: ("帮助",),
        Command.STATUS: ("状态", "查询"),
        Command.RECEIVED: ("收到", "收货"),
        Command.PRICE: ("价格", "价钱"),
        Command.PIN: ("密码", "PIN"),
        Command.SCAN: ("扫描", "扫码"),
        Command.REPLY: ("回复", "回覆"),
    },
    "ko": {
        Command.HELP: ("도움말", "도움"),
        Command.STATUS: ("상태", "조회"),
        Command.RECEIVED: ("수령", "받음"),
        Command.PRICE: ("가격", "시세"),
        Command.PIN: ("비밀번호", "PIN"),
        Command.SCAN: ("스캔",),
        Command.REPLY: ("답장", "답변"),
    },
    "es": {
        Command.HELP: ("AYUDA",),
        Command.STATUS: ("ESTADO",),
        Command.RECEIVED: ("RECIBIDO", "RECIBÍ"),
        Command.PRICE: ("PRECIO", "PRECIOS"),
        Command.PIN: ("PIN", "CLAVE"),
        Command.SCAN: ("ESCANEAR", "ESCANEO"),
        Command.REPLY: ("RESPONDER", "RESPUESTA"),
    },
    "fr": {
        Command.HELP: ("AIDE",),
        Command.STATUS: ("SUIVI", "ÉTAT", "STATUT"),
        Command.RECEIVED: ("REÇU", "RECUE"),
        Command.PRICE: ("PRIX",),
        Command.PIN: ("PIN",),
        Command.SCAN: ("SCANNER",),
        Command.REPLY: ("RÉPONDRE", "RÉPONSE"),
    },
}

# Scripts written without spaces between words: a keyword may run into its argument.
_UNSPACED: Final = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u1100-\u11ff\uac00-\ud7af]")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ORDER_REF: Final = re.compile(r"(?:sk[-\u2010-\u2015]?)?([0-9]{1,18})")
_DIGITS: Final = re.compile(r"[0-9]{1,12}")
TYPO_MIN_LENGTH: Final = 5
PRICE_RESULTS: Final = 3
PRICE_CANDIDATES: Final = 50
MAX_QUERY: Final = 100


def _lookup() -> dict[str, Command]:
    table: dict[str, Command] = {}
    for commands in KEYWORDS.values():
        for command, words in commands.items():
            for word in words:
                key = fold(word)
                if table.setdefault(key, command) != command:
                    raise ValueError(f"keyword {word!r} names two commands")
    return table


_BY_WORD: Final = _lookup()
# Longest first, so that a keyword is never cut short by a shorter one it starts with.
_BY_LENGTH: Final = sorted(_BY_WORD.items(), key=lambda item: -len(item[0]))


def keyword(command: Command, language: str | None = None) -> str:
    """The word the help text shows for a command in a language (English when it has none)."""
    table = KEYWORDS.get(language or get_language() or "", KEYWORDS["en"])
    return table[command][0]


def scan_word(
    tables: Mapping[str, Mapping[V, tuple[str, ...]]], value: V, language: str | None = None
) -> str:
    """The word replies show for an event or a failure reason (English when none)."""
    table = tables.get(language or get_language() or "", tables["en"])
    return table[value][0]


# What couriers write after ``SCAN <code>``: the event, then for a failed delivery its reason.
# Like the keywords, every word works for everyone; the first of a language is the one its
# replies show. Words of two or three parts may be sent with or without spaces (PICKED UP).
V = TypeVar("V", ShipmentStatus, FailureReason)
_E = ShipmentStatus
SCAN_EVENTS: Final[Mapping[str, Mapping[ShipmentStatus, tuple[str, ...]]]] = {
    "en": {
        _E.PICKED_UP: ("PICKED", "PICKED UP", "PICKUP", "COLLECTED"),
        _E.AT_HUB: ("HUB", "AT HUB"),
        _E.IN_TRANSIT: ("TRANSIT", "IN TRANSIT"),
        _E.OUT_FOR_DELIVERY: ("OUT", "OUT FOR DELIVERY"),
        _E.DELIVERED: ("DELIVERED",),
        _E.FAILED_ATTEMPT: ("FAILED", "FAIL"),
        _E.RETURNED: ("RETURNED", "RETURN"),
    },
    "sw": {
        _E.PICKED_UP: ("IMECHUKULIWA", "CHUKUA"),
        _E.AT_HUB: ("KITUONI", "KITUO"),
        _E.IN_TRANSIT: ("NJIANI",),
        _E.OUT_FOR_DELIVERY: ("INAPELEKWA", "PELEKA"),
        _E.DELIVERED: ("IMEFIKISHWA", "IMEFIKA"),
        _E.FAILED_ATTEMPT: ("IMESHINDWA", "SHINDWA"),
        _E.RETURNED: ("IMERUDISHWA", "RUDISHA"),
    },
    "hi": {
        _E.PICKED_UP: ("उठाया", "UTHAYA"),
        _E.AT_HUB: ("हब",),
        _E.IN_TRANSIT: ("रास्ते", "RASTE"),
        _E.OUT_FOR_DELIVERY: ("निकला", "NIKLA"),
        _E.DELIVERED: ("पहुँचाया", "पहुंचाया", "PAHUNCHAYA"),
        _E.FAILED_ATTEMPT: ("असफल", "ASAFAL"),
        _E.RETURNED: ("वापस", "VAPAS", "WAPAS"),
    },
    "zh-hans": {
        _E.PICKED_UP: ("揽收", "已揽收"),
        _E.AT_HUB: ("到站", "中转站"),
        _E.IN_TRANSIT: ("运输中", "在途"),
        _E.OUT_FOR_DELIVERY: ("派送", "派送中"),
        _E.DELIVERED: ("签收", "已签收", "送达"),
        _E.FAILED_ATTEMPT: ("失败", "未送达"),
        _E.RETURNED: ("退回", "已退回"),
    },
    "ko": {
        _E.PICKED_UP: ("집하",),
        _E.AT_HUB: ("허브", "터미널"),
        _E.IN_TRANSIT: ("이동중", "운송중"),
        _E.OUT_FOR_DELIVERY: ("배송출발", "배송중"),
        _E.DELIVERED: ("배송완료", "완료"),
        _E.FAILED_ATTEMPT: ("실패", "미배송"),
        _E.RETURNED: ("반송",),
    },
    "es": {
        _E.PICKED_UP: ("RECOGIDO",),
        _E.AT_HUB: ("CENTRO", "ALMACÉN"),
        _E.IN_TRANSIT: ("TRÁNSITO", "EN TRÁNSITO"),
        _E.OUT_FOR_DELIVERY: ("REPARTO", "EN REPARTO"),
        _E.DELIVERED: ("ENTREGADO",),
        _E.FAILED_ATTEMPT: ("FALLIDO",),
        _E.RETURNED: ("DEVUELTO",),
    },
    "fr": {
        _E.PICKED_UP: ("RAMASSÉ", "COLLECTÉ"),
        _E.AT_HUB: ("DÉPÔT", "AGENCE"),
        _E.IN_TRANSIT: ("ACHEMINEMENT", "EN TRANSIT"),
        _E.OUT_FOR_DELIVERY: ("TOURNÉE", "EN LIVRAISON"),
        _E.DELIVERED: ("LIVRÉ",),
        _E.FAILED_ATTEMPT: ("ÉCHEC",),
        _E.RETURNED: ("RETOURNÉ", "RETOUR"),
    },
}
_F = FailureReason
SCAN_REASONS: Final[Mapping[str, Mapping[FailureReason, tuple[str, ...]]]] = {
    "en": {
        _F.NOBODY_HOME: ("NOBODY", "NOBODY HOME", "ABSENT"),
        _F.WRONG_ADDRESS: ("ADDRESS", "WRONG ADDRESS"),
        _F.REFUSED: ("REFUSED",),
        _F.NO_ACCESS: ("ACCESS", "NO ACCESS", "ROAD"),
        _F.DAMAGED: ("DAMAGED",),
        _F.OTHER: ("OTHER",),
    },
    "sw": {
        _F.NOBODY_HOME: ("HAKUNA", "HAKUNA MTU", "HAYUPO"),
        _F.WRONG_ADDRESS: ("ANWANI",),
        _F.REFUSED: ("AMEKATAA", "KATAA"),
        _F.NO_ACCESS: ("BARABARA", "HAIFIKIKI"),
        _F.DAMAGED: ("IMEHARIBIKA", "HARIBIKA"),
        _F.OTHER: ("NYINGINE",),
    },
    "hi": {
        _F.NOBODY_HOME: ("कोई नहीं", "KOI NAHI"),
        _F.WRONG_ADDRESS: ("पता", "PATA"),
        _F.REFUSED: ("इनकार", "मना", "INKAR", "MANA"),
        _F.NO_ACCESS: ("रास्ता बंद", "RASTA BAND"),
        _F.DAMAGED: ("टूटा", "खराब", "TOOTA", "KHARAB"),
        _F.OTHER: ("अन्य", "ANYA"),
    },
    "zh-hans": {
        _F.NOBODY_HOME: ("无人", "没人"),
        _F.WRONG_ADDRESS: ("地址",),
        _F.REFUSED: ("拒收",),
        _F.NO_ACCESS: ("路不通", "无法到达"),
        _F.DAMAGED: ("损坏",),
        _F.OTHER: ("其他",),
    },
    "ko": {
        _F.NOBODY_HOME: ("부재",),
        _F.WRONG_ADDRESS: ("주소",),
        _F.REFUSED: ("거부", "수취거부"),
        _F.NO_ACCESS: ("접근불가", "진입불가"),
        _F.DAMAGED: ("파손",),
        _F.OTHER: ("기타",),
    },
    "es": {
        _F.NOBODY_HOME: ("AUSENTE", "NADIE"),
        _F.WRONG_ADDRESS: ("DIRECCIÓN",),
        _F.REFUSED: ("RECHAZADO",),
        _F.NO_ACCESS: ("ACCESO", "SIN ACCESO"),
        _F.DAMAGED: ("DAÑADO",),
        _F.OTHER: ("OTRO",),
    },
    "fr": {
        _F.NOBODY_HOME: ("ABSENT", "PERSONNE"),
        _F.WRONG_ADDRESS: ("ADRESSE",),
        _F.REFUSED: ("REFUSÉ",),
        _F.NO_ACCESS: ("ACCÈS", "INACCESSIBLE"),
        _F.DAMAGED: ("ENDOMMAGÉ", "ABÎMÉ"),
        _F.OTHER: ("AUTRE",),
    },
}
# A parcel code: SK and 8 letters or digits (the prefix may be left out).
PARCEL_CODE_LENGTH: Final = len(CODE_PREFIX) + CODE_LENGTH
_CODE_PART: Final = re.compile(r"[A-Za-z0-9./-]*")


def _squash(word: str) -> str:
    """A word as matched: folded, and without the spaces of a word sent in parts."""
    return fold(word).replace(" ", "")


def _word_lookup(tables: Mapping[str, Mapping[V, tuple[str, ...]]]) -> dict[str, V]:
    found: dict[str, V] = {}
    for table in tables.values():
        for value, words in table.items():
            for word in words:
                if found.setdefault(_squash(word), value) != value:
                    raise ValueError(f"scan word {word!r} names two things")
    return found


_EVENT_BY_WORD: Final = _word_lookup(SCAN_EVENTS)
_REASON_BY_WORD: Final = _word_lookup(SCAN_REASONS)
# The most parts a word of the tables is sent in ("OUT FOR DELIVERY").
WORD_PARTS: Final = 3


# -- reading a message --------------------------------------------------------------------------


def normalise(text: str) -> str:
    """One line of text: compatibility forms folded (fullwidth letters and digits), digits of
    every script made ASCII (a PIN typed in Devanagari digits is still a PIN), control
    characters dropped, single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text)
    chars = []
    for char in text:
        digit = unicodedata.decimal(char, None) if not char.isascii() else None
        chars.append(str(digit) if digit is not None else char)
    return " ".join("".join(chars).split())


@dataclass(frozen=True)
class Parsed:
    command: Command | None  # None: not a command (the help text answers)
    args: tuple[str, ...] = ()
    word: str = ""  # the keyword as the sender wrote it

    def redacted(self, text: str) -> str:
        """The message as it may be stored: PINs masked."""
        if self.command == Command.PIN:
            return " ".join([self.word, *("****" for _arg in self.args)])
        if self.command == Command.RECEIVED and self.args:
            return " ".join([self.word, *self.args[:-1], "****"])
        return text


def _typo(head: str) -> Command | None:
    """The one command a long Latin word is a slip away from, if there is exactly one."""
    if len(head) < TYPO_MIN_LENGTH or not head.isascii() or not head.isalpha():
        return None
    near = {
        command
        for word, command in _BY_WORD.items()
        if word.isascii() and len(word) >= TYPO_MIN_LENGTH and edit_distance(head, word) == 1
    }
    return near.pop() if len(near) == 1 else None


def parse(text: str) -> Parsed:
    """Find the command and its arguments in a message (no database, no side effects)."""
    words = normalise(text).split(" ")
    first, rest = words[0], words[1:]
    head_words = fold(first).split()  # "STATUS:1042" -> ["status", "1042"]
    if not head_words:
        return Parsed(None)
    head, extra = head_words[0], head_words[1:]
    # The keyword as written, unless punctuation joined an argument to it ("PIN:4821").
    written = head.upper() if extra else first
    command = _BY_WORD.get(head)
    if command is not None:
        return Parsed(command, (*extra, *rest), written)
    for word, candidate in _BY_LENGTH:
        tail = head[len(word) :]
        if head.startswith(word) and tail and (_UNSPACED.search(word) or tail[0].isdigit()):
            return Parsed(candidate, (tail, *extra, *rest), word.upper())
    command = _typo(head)
    if command is not None:
        return Parsed(command, (*extra, *rest), written)
    return Parsed(None)


def order_id_of(args: Sequence[str]) -> tuple[int | None, tuple[str, ...]]:
    """Read an order number at the start of the arguments ("SK-001042", "sk1042", "SK 1042",
    "1042"); return its id (None when it is not one) and the arguments after it."""
    tokens = list(args)
    if len(tokens) > 1 and fold(tokens[0]) == "sk" and tokens[1].isdigit():
        tokens = [tokens[0] + tokens[1], *tokens[2:]]
    if not tokens:
        return None, ()
    found = _ORDER_REF.fullmatch(tokens[0].casefold())
    if found is None:
        return None, tuple(tokens[1:])
    return int(found.group(1)), tuple(tokens[1:])


def _number(order_id: int) -> str:
    return f"SK-{order_id:06d}"


def parcel_code_of(args: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """Read a parcel code at the start of the arguments ("SKAC3DEF4G", "sk-ac3d-ef4g",
    "SK AC3D EF4G", "AC3DEF4G" without its prefix, or run into a Chinese word: "SKAC3DEF4G签收");
    return it in its printed form ("" when there is none) and the arguments after it."""
    tokens = list(args)
    code = ""
    while tokens and len(code) < PARCEL_CODE_LENGTH:
        token = tokens[0]
        if code and _squash(token) in _EVENT_BY_WORD:
            break
        found = _CODE_PART.match(token)
        head = found.group() if found else ""
        part = normalize_code(head)
        if not part:
            break
        code += part
        tail = token[len(head) :]
        tokens = [tail, *tokens[1:]] if tail else tokens[1:]
        if tail:
            break
    if len(code) == CODE_LENGTH and not code.startswith(CODE_PREFIX):
        code = CODE_PREFIX + code
    return code, tuple(tokens)


def read_word(lookup: Mapping[str, V], args: Sequence[str]) -> tuple[V | None, tuple[str, ...]]:
    """The word of ``lookup`` at the start of the arguments, the longest first when it may be
    sent in parts ("OUT FOR DELIVERY"); punctuation on its own is skipped."""
    tokens = [token for token in args if _squash(token)]
    for parts in range(min(WORD_PARTS, len(tokens)), 0, -1):
        value = lookup.get("".join(_squash(token) for token in tokens[:parts]))
        if value is not None:
            return value, tuple(tokens[parts:])
    return None, tuple(tokens)


# -- replies --------------------------------------------------------------------------------------


def help_text() -> str:
    return _(
        "Sokoni commands: %(status)s <order no.>, %(received)s <order no.> <PIN>, "
        "%(price)s <product>, %(pin)s <new PIN>, %(help)s"
    ) % {
        "status": keyword(Command.STATUS),
        "received": keyword(Command.RECEIVED),
        "price": keyword(Command.PRICE),
        "pin": keyword(Command.PIN),
        "help": keyword(Command.HELP),
    }


def _fits(text: str) -> bool:
    return segments(text).count <= settings.SMS_MAX_SEGMENTS


def register_text() -> str:
    """What a number without an account is told: how to register, then the commands when
    both fit in the message (in UCS-2 they may not: then the invitation alone)."""
    invite = _("This number has no Sokoni account: dial %(code)s to register.") % {
        "code": settings.USSD_CODE
    }
    both = f"{invite} {help_text()}"
    return both if _fits(both) else invite


def usage(command: Command) -> str:
    """The line that shows how to write a command (the answer to a malformed one)."""
    word = keyword(command)
    if command == Command.STATUS:
        return _("To see an order, send: %(word)s <order no.>") % {"word": word}
    if command == Command.RECEIVED:
        return _("To confirm you received an order, send: %(word)s <order no.> <PIN>") % {
            "word": word
        }
    if command == Command.PRICE:
        return _("To see prices, send: %(word)s <product>") % {"word": word}
    if command == Command.PIN:
        return _("To set a PIN, send: %(word)s <new PIN>. To change it: %(word)s <old> <new>") % {
            "word": word
        }
    if command == Command.REPLY:
        return _("To answer a message, send: %(word)s <conversation no.> <your answer>") % {
            "word": word
        }
    if command == Command.SCAN:
        return _("To record a parcel, send: %(word)s <code> <event>. Events: %(events)s") % {
            "word": word,
            "events": " ".join(scan_word(SCAN_EVENTS, kind) for kind in SCANNABLE),
        }
    return help_text()


def not_found(order_id: int) -> str:
    return _("No order %(number)s found for this phone number.") % {"number": _number(order_id)}


def error_reply(error: DomainError) -> str:
    """The refusals of the services, as text messages (one table for this interface)."""
    if isinstance(error, PinWrong):
        left = int(error.context.get("tries_left", 0))
        return ngettext(
            "Wrong PIN, %(count)d try left.", "Wrong PIN, %(count)d tries left.", left
        ) % {"count": left}
    if isinstance(error, PinLocked):
        until = error.context.get("until")
        minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60)) if until else 60
        return ngettext(
            "Too many wrong PINs: your PIN is locked. Try again in %(count)d minute.",
            "Too many wrong PINs: your PIN is locked. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    if isinstance(error, PinNotSet):
        return _("You have no PIN yet. To set one, send: %(word)s <new PIN>") % {
            "word": keyword(Command.PIN)
        }
    if isinstance(error, PinAlreadySet):
        return _("You already have a PIN. To change it, send: %(word)s <old> <new>") % {
            "word": keyword(Command.PIN)
        }
    if isinstance(error, PinInvalid):
        return _("A PIN has 4 to 6 digits, not all the same and not in a row (not 1234).")
    return str(error.message)


# -- the commands -------------------------------------------------------------------------------


def _own_order(user: User, order_id: int) -> Order:
    """The order if the sender bought it or owns its shop (the web's selectors decide)."""
    try:
        return order_get_for_buyer(user, order_id)
    except NotFound:
        return order_get_for_seller(user, order_id)


def _status(user: User, args: tuple[str, ...]) -> str:
    order_id, _rest = order_id_of(args)
    if order_id is None:
        return usage(Command.STATUS)
    try:
        order = _own_order(user, order_id)
    except NotFound:
        return not_found(order_id)
    reply = _("Order %(number)s: %(status)s.") % {
        "number": order.number,
        "status": order.get_status_display(),
    }
    pickup = (
        Pickup.objects.filter(order=order, status=PickupStatus.WAITING)
        .select_related("centre")
        .first()
    )
    if pickup is not None:
        reply += " " + _("Waiting at %(centre)s.") % {"centre": pickup.centre.name}
    return reply


def _received(user: User, args: tuple[str, ...]) -> str:
    order_id, rest = order_id_of(args)
    if order_id is None or len(rest) != 1 or not _DIGITS.fullmatch(rest[0]):
        return usage(Command.RECEIVED)
    try:
        order = order_get_for_buyer(user, order_id)
    except NotFound:
        return not_found(order_id)
    if order.status not in SENT:
        # Nothing to confirm: say why without spending one of the PIN's tries.
        return _("Order %(number)s cannot be confirmed now: %(status)s.") % {
            "number": order.number,
            "status": order.get_status_display(),
        }
    try:
        # pin_check runs in its own durable transaction: a wrong try stays counted.
        pin_check(user=user, pin=rest[0])
        order_confirm_receipt(order=order, actor=user)
    except DomainError as error:
        return error_reply(error)
    return _(
        "Thank you. Order %(number)s is confirmed and the money is released to the seller."
    ) % {"number": order.number}


def _village_distances(home: Village, village_ids: set[int]) -> dict[int, float]:
    """Great-circle distance in km from the home village to each village."""
    lat0, lon0 = math.radians(float(home.latitude)), math.radians(float(home.longitude))
    out: dict[int, float] = {}
    for pk, lat, lon in Village.objects.filter(pk__in=village_ids).values_list(
        "pk", "latitude", "longitude"
    ):
        lat1, lon1 = math.radians(float(lat)), math.radians(float(lon))
        a = (
            math.sin((lat1 - lat0) / 2) ** 2
            + math.cos(lat0) * math.cos(lat1) * math.sin((lon1 - lon0) / 2) ** 2
        )
        out[pk] = 2 * 6371 * math.asin(math.sqrt(min(1.0, a)))
    return out


def _price_line(product: Product, language: str) -> str:
    price = format_money(product.price_minor, product.currency, language)
    if product.unit != Unit.PIECE:
        price = f"{price}/{product.get_unit_display()}"
    return _("%(name)s %(price)s (%(village)s)") % {
        "name": product.name[:40],
        "price": price,
        "village": product.village.name[:30],
    }


def _price(user: User, args: tuple[str, ...]) -> str:
    query = " ".join(args)[:MAX_QUERY]
    if not fold(query):
        return usage(Command.PRICE)
    products = product_search(query=query, per_page=PRICE_CANDIDATES).items
    if not products:
        return _("No products found for: %(query)s") % {"query": query[:30]}
    centre = home_centre_of(user)
    if centre is not None:
        distance = _village_distances(centre.village, {p.village_id for p in products})
        rank = {product.pk: position for position, product in enumerate(products)}
        products.sort(key=lambda p: (distance.get(p.village_id, math.inf), rank[p.pk]))
    language = get_language() or settings.LANGUAGE_CODE
    lines: list[str] = []
    for product in products[:PRICE_RESULTS]:
        line = _price_line(product, language)
        if lines and not _fits("; ".join([*lines, line])):
            break  # whole lines only: better two prices than three cut short
        lines.append(line)
    return "; ".join(lines)


def _pin(user: User, args: tuple[str, ...]) -> str:
    if not 1 <= len(args) <= 2 or not all(_DIGITS.fullmatch(arg) for arg in args):
        return usage(Command.PIN)
    try:
        if len(args) == 1:
            pin_set(user=user, new_pin=args[0])
        else:
            pin_set(user=user, old_pin=args[0], new_pin=args[1])
    except DomainError as error:
        return error_reply(error)
    if len(args) == 1:
        return _("Your PIN is set. Keep it secret: Sokoni never asks for it.")
    return _("Your PIN is changed. Keep it secret: Sokoni never asks for it.")


def _reasons() -> str:
    return _("Say why it failed: %(word)s <code> %(failed)s <reason>. Reasons: %(reasons)s") % {
        "word": keyword(Command.SCAN),
        "failed": scan_word(SCAN_EVENTS, ShipmentStatus.FAILED_ATTEMPT),
        "reasons": " ".join(scan_word(SCAN_REASONS, reason) for reason in FailureReason),
    }


def _scan_refused(error: DomainError, code: str, kind: ShipmentStatus) -> str:
    """A refused event, in GSM-7 (the service's own message has typographic quotes)."""
    status = error.context.get("from_status")
    if isinstance(error, ShipmentMoveNotAllowed) and status in ShipmentStatus.values:
        return _('Parcel %(code)s is "%(status)s": "%(event)s" cannot be recorded now.') % {
            "code": code,
            "status": ShipmentStatus(status).label,
            "event": kind.label,
        }
    return str(error.message)


def _scan(user: User, args: tuple[str, ...]) -> str:
    """Record an event on a parcel the sender carries or handles at their hub.

    A parcel the sender may not scan is answered like an unknown code. A resent message
    changes nothing: the service answers a repeat with None, and a repeat it refuses (a second
    failed attempt) is recognised by the parcel already being in that status.
    """
    code, rest = parcel_code_of(args)
    kind, rest = read_word(_EVENT_BY_WORD, rest)
    if not code or kind is None:
        return usage(Command.SCAN)
    failure: FailureReason | None = None
    if kind == ShipmentStatus.FAILED_ATTEMPT:
        failure, rest = read_word(_REASON_BY_WORD, rest)
        if failure is None:
            return _reasons()
    try:
        shipment = shipment_for_scanner(code, user)
    except NotFound:
        return _("No parcel %(code)s found for this phone number.") % {"code": code}
    hub = (hub_of(user, shipment) or next_hub(shipment)) if kind == ShipmentStatus.AT_HUB else None
    values = {"code": shipment.code, "event": kind.label}
    try:
        event = shipment_record(
            shipment=shipment,
            kind=kind,
            actor=user,
            via="sms",
            failure=failure or "",
            note=" ".join(rest),
            hub=hub,
        )
    except DomainError as error:
        if Shipment.objects.filter(pk=shipment.pk, status=kind).exists():
            event = None
        else:
            return _scan_refused(error, shipment.code, kind)
    if event is None:
        return _("Parcel %(code)s: %(event)s was already recorded.") % values
    return _("Parcel %(code)s: %(event)s, recorded.") % values


def _reply(user: User, args: tuple[str, ...]) -> str:
    """Answer a conversation by its number (the notice of a new message gives it), for people
    who cannot open the web pages. The same service as the page's reply form."""
    if len(args) < 2 or not _DIGITS.fullmatch(args[0].lstrip("#")):
        return usage(Command.REPLY)
    thread_id = int(args[0].lstrip("#"))
    try:
        message = message_send(sender=user, thread_id=thread_id, body=" ".join(args[1:]))
    except NotFound:
        return _("No conversation %(number)s found for this phone number.") % {"number": thread_id}
    except DomainError as error:
        return error_reply(error)
    return _("Sent in conversation %(number)s.") % {"number": message.thread_id}


HANDLERS: Final[Mapping[Command, Callable[[User, tuple[str, ...]], str]]] = {
    Command.STATUS: _status,
    Command.RECEIVED: _received,
    Command.PRICE: _price,
    Command.PIN: _pin,
    Command.SCAN: _scan,
    Command.REPLY: _reply,
}


def sms_answer(parsed: Parsed, *, user: User | None) -> str:
    """Run a parsed command for the sender and return the reply, in the active language.

    A number without an account learns how to register; an unknown command gets the help
    text. Refusals are replies, never exceptions: nothing was changed.
    """
    if user is None:
        return register_text()
    handler = HANDLERS.get(parsed.command) if parsed.command is not None else None
    if handler is None:
        return help_text()
    return handler(user, parsed.args)
