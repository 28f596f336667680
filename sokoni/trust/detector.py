"""Scan buyer-seller messages for review extortion and for moves off the platform.

Review extortion is a demand for money, a refund outside a dispute, free goods or a discount, in
exchange for a rating or under threat of a bad one (the Taobao "cash-back for five stars" trade).
A message is flagged only when it carries BOTH a rating reference and such a demand, so honest
praise ("5 stars, thank you!"), complaints and refunds asked for through a Sokoni dispute pass.

``off_platform`` is separate: the message names another messaging app as a place to talk, asks to
be called, or contains a phone number, an e-mail address or a link. Paying through an outside
channel (M-Pesa till, PayPal, Alipay) is not counted there; it shows up as ``outside_channel``
and makes a refund demand count.

Pure standard library, no network, no Django: keyword and phrase lexicons for the seven shipped
languages (en, sw, hi, zh-hans, ko, es, fr) over a normalised text (NFKC, case folding, invisible
and bidi controls removed, Latin accents dropped, spaced-out letters joined, repeated letters
squeezed, traditional Chinese folded to simplified for the characters the lexicons use). English
is always scanned with the message's language because code-mixing (Sheng, Hinglish) is the norm.
The figures on the labelled set are printed by ``bench/detector.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

__all__ = ["LANGUAGES", "Finding", "normalise", "scan"]

LANGUAGES: Final = ("en", "sw", "hi", "zh-hans", "ko", "es", "fr")

# Longest text scanned; longer messages are cut (the messaging app refuses them anyway), so a
# flood of 20,000 characters costs a bounded time.
MAX_SCAN_CHARS: Final = 5000


@dataclass(frozen=True)
class Finding:
    """What a scan found: verdicts, a score for ordering a moderation queue, and signal codes."""

    extortion: bool
    off_platform: bool
    score: float
    signals: tuple[str, ...]


# --- normalisation ---------------------------------------------------------------------------

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_STARS = "⭐🌟★☆✩✪✫✬✭✮✯✰⍟⋆"

# Traditional to simplified, only for the characters the Chinese lexicon uses.
_HANT = "評現給紅轉賬錢賠償補費寶匯處塊刪銷糾紛減價電話號機惡滿發贈費謝還額銀請讓單這們個聯係繫"
_HANS = "评现给红转账钱赔偿补费宝汇处块删销纠纷减价电话号机恶满发赠费谢还额银请让单这们个联系系"


def _latin_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if bare != char:
            table[code] = bare.casefold()
    table.update({ord("œ"): "oe", ord("æ"): "ae", ord("ø"): "o", ord("ł"): "l", ord("đ"): "d"})
    table.update({ord(c): " star " for c in _STARS})
    table.update({ord(c): "'" for c in "\u2019\u2018`\u00b4\u02bc"})
    table.update({ord(a): b for a, b in zip(_HANT, _HANS, strict=True)})
    # Hindi: the nukta is often left out and the chandrabindu written as an anusvara.
    table.update({0x093C: "", 0x0901: "\u0902"})
    return table


_FOLD_TABLE: Final = _latin_table()
# Three or more single Latin letters separated by one space, dot, dash or star: "c a s h".
_SPACED_LETTERS = re.compile(r"(?<![a-z])(?:[a-z][ .*_\-]){2,}[a-z](?![a-z])")
_SPACED_SEPARATOR = re.compile(r"[ .*_\-]")
_REPEATS = re.compile(r"([a-z])\1+")


def _plain(text: str) -> str:
    """NFKC, invisible and bidi controls removed, case folded: the form contacts are found in."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _fold(plain: str) -> str:
    """Fold a plain text for the lexicons: accents, stars, spaced letters, repeated letters."""
    text = plain.translate(_FOLD_TABLE)
    text = _SPACED_LETTERS.sub(lambda m: _SPACED_SEPARATOR.sub("", m.group()), text)
    return _REPEATS.sub(r"\1", text)


def normalise(text: str) -> str:
    """Return the folded form the lexicons are matched against (exposed for tests and tuning)."""
    return _fold(_plain(text))


# --- lexicons --------------------------------------------------------------------------------
#
# A term is a phrase, folded like the text. Space: optional punctuation or spaces between words.
# "...": up to four words in between (fifteen characters in scripts without spaces).
# A trailing "*": the last word may continue (inflections); a leading "*": the first word may
# start earlier (Swahili and Korean prefixes). "re:" starts a raw pattern written against the
# folded text (repeated letters already squeezed, accents dropped).

_LATIN_GAP = r"(?:[\W_]+[^\W_]+){0,4}"
_SCRIPT_GAP = r".{0,15}?"
_SEP = r"[\W_]*"


def _is_spaceless(char: str) -> bool:
    code = ord(char)
    return (
        0x0900 <= code <= 0x097F  # Devanagari: vowel signs are not \w, so no \b either
        or 0x1100 <= code <= 0x11FF
        or 0x3040 <= code <= 0x30FF
        or 0x3130 <= code <= 0x318F
        or 0x3400 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
    )


def _term_pattern(term: str) -> str:
    if term.startswith("re:"):
        return term[3:]
    spaceless = any(_is_spaceless(c) for c in term)
    folded = _fold(_plain(term))
    open_start, open_end = folded.startswith("*"), folded.endswith("*")
    words = folded.strip("*").split()
    parts: list[str] = []
    for word in words:
        if word == "...":
            parts.append(_SCRIPT_GAP if spaceless else _LATIN_GAP + r"[\W_]+")
            continue
        if parts and not parts[-1].endswith("+") and not parts[-1].endswith("?"):
            parts.append(_SEP)
        parts.append(re.escape(word))
    if spaceless:
        return "".join(parts)
    # Boundaries are Latin letters only (the folded text has no accents left), so a Latin word
    # written against Chinese or Korean without a space ("加qq", "카톡id") still matches.
    letter = "[a-z]"
    end = r"\w*" if open_end else rf"(?!{letter})"
    if not open_start:
        # The boundary is checked after the first character, not before it: a pattern that
        # starts with a literal lets the regex engine skip ahead, thirty times faster on long
        # texts than one that starts with a look-behind.
        first = re.escape(words[0][0])
        before = "[a-z0-9]" if words[0][0].isdigit() else letter
        parts[0] = f"{first}(?<!{before}{first}){re.escape(words[0][1:])}"
    return "".join(parts) + end


# Categories, in the order their signal codes are reported.
_CATEGORIES: Final = (
    "rating",  # a review, rating or stars are mentioned
    "bad",  # a bad rating: one star, negative review, rating "terror"
    "good",  # a good rating: five stars, positive review
    "change",  # deleting or changing a review
    "money",  # a demand for money: pay me, send 200, cashback, airtime, red packet
    "refund",  # a refund is asked for
    "outside",  # outside Sokoni: directly, to my till, no dispute
    "dispute",  # the proper channel: a dispute, support, staff
    "free",  # a demand for free goods: send me two more for free
    "discount",  # a discount is asked for
    "bargain",  # a condition or threat: or else, if you, until you, in exchange
    "app",  # another messaging app
    "contact",  # call me, text me, my number
)

_L = tuple[str, ...]

_COMMON: Final[dict[str, _L]] = {
    "bargain": ("re:=",),
    "money": ("cashback", "cash back", "cash bk", "cash bak", "mpesa me", "m-pesa me"),
    "app": (
        "whatsapp*",
        "whatsap*",
        "watsap*",
        "watsapp*",
        "wasap*",
        "wassap*",
        "whtsap*",
        "watsup",
        "whatsup",
        "re:wa\\.me",
        "re:t\\.me/",
        "telegram*",
        "viber",
        "imo app",
        "wechat",
        "weixin",
        "wxid*",
        "messenger",
        "kakao*",
        "kakaotalk",
        "line id",
        "snapchat",
        "signal app",
    ),
}

_LEXICONS: Final[dict[str, dict[str, _L]]] = {
    "en": {
        "rating": (
            "review*",
            "reveiw*",
            "reviw*",
            "rating*",
            "ratin",
            "rate*",
            "rated",
            "feedback*",
            "fedbak",
            "star*",
            "strs",
            "1-star",
            "5-star",
        ),
        "bad": (
            "1 star*",
            "one star*",
            "1-star",
            "bad review*",
            "bad rating*",
            "bad feedback",
            "negative*",
            "terrible review*",
            "worst review*",
            "low rating*",
            "poor rating*",
            "bad comment*",
            "review bomb*",
        ),
        "good": (
            "5 star*",
            "five star*",
            "5-star",
            "5 strs",
            "good review*",
            "good rating*",
            "positive*",
            "good feedback",
            "high rating*",
            "top rating*",
            "rate u 5",
            "rate you 5",
            "it to 5",
        ),
        "change": (
            "delete ... review*",
            "remove ... review*",
            "change ... review*",
            "edit it",
            "edit ... review*",
            "update ... review*",
            "take down",
            "take it down",
            "change my rating",
            "change it to",
            "goes away",
            "star stays",
            "stays until",
        ),
        "money": (
            "pay me",
            "you pay",
            "pay up",
            "u pay",
            "send me money",
            "send money",
            "send me cash",
            "send cash",
            "some cash",
            "sum cash",
            "for cash",
            "money back",
            "to my till",
            "my till",
            "my paybill",
            "to my mpesa",
            "my mpesa",
            "to my number",
            "to my account",
            "to my phone",
            "airtime",
            "token",
            "bribe",
            "tip me",
            "give me money",
            "compensat*",
            "re:d(?<![a-z]d)rop me (?:ksh |kes |bob )?\\d",
            "send over",
            "re:p(?<![a-z]p)ay (?:ksh |kes )?\\d[\\d,]* (?:or|otherwise|else|and)",
            "re:s(?<![a-z]s)(?:e)?nd(?: me)? (?:ksh |kes |bob )?\\d",
            "re:c(?<![a-z]c)osts? (?:\\w+ )?\\d+ ?%",
            "re:\\d+ (?:bob|bucks|ksh|kes|shilings|shillings) (?:to|and|first)",
            "re:\\d(?<!\\w\\d)\\d* to (?:my|this)",
        ),
        "refund": (
            "refund*",
            "money back",
            "pay me back",
            "return my money",
            "reimburse*",
            "my money",
        ),
        "outside": (
            "outside sokoni",
            "outside the platform",
            "outside the app",
            "outside the site",
            "off platform",
            "off the platform",
            "direct",
            "directly",
            "not through the app",
            "not through sokoni",
            "not through dispute",
            "not through the dispute",
            "no dispute",
            "without dispute",
            "without a dispute",
            "via mpesa",
            "to my phone",
            "to my mpesa",
            "to my till",
            "privately",
            "between us",
        ),
        "dispute": (
            "dispute*",
            "through sokoni",
            "sokoni support",
            "via sokoni",
            "support",
            "staff",
        ),
        "free": (
            "give me ... free",
            "send me ... free",
            "send ... for free",
            "gimme ... free",
            "free ... and i",
            "free ... or i",
            "freebie*",
            "throw in",
            "extra ... for free",
            "add ... for free",
        ),
        "discount": (
            "discount*",
            "price cut",
            "reduce the price",
            "lower the price",
            "knock off",
            "free delivery",
            "free shipping",
        ),
        "bargain": (
            "or else",
            "or i",
            "otherwise",
            "if not",
            "if you don't",
            "if you dont",
            "if u dont",
            "if u don't",
            "if you do not",
            "unless",
            "until you",
            "or you will",
            "you will see",
            "last warning",
            "only if",
            "if you",
            "if u",
            "and i will",
            "and i'll",
            "and ill",
            "and i give",
            "then i",
            "in exchange",
            "depends on",
            "deal",
        ),
        "contact": (
            "call me",
            "sms me",
            "text me",
            "phone me",
            "ring me",
            "dm me",
            "inbox me",
            "my number",
            "my phone number",
            "my whatsapp",
        ),
    },
    "sw": {
        "rating": (
            "nyota",
            "*review*",
            "*rating*",
            "maoni",
            "*kurate*",
            "*nakurate",
            "feedback",
            "stars",
        ),
        "bad": (
            "nyota moja",
            "nyota 1",
            "nyota sifuri",
            "review mbaya",
            "rating mbaya",
            "maoni mabaya",
            "maoni mbaya",
            "review bovu",
            "*haribie*",
            "*haribu*",
            "itaumia",
            "one star",
        ),
        "good": (
            "nyota tano",
            "nyota 5",
            "review nzuri",
            "rating nzuri",
            "review poa",
            "review safi",
            "maoni mazuri",
            "five star*",
            "5 star*",
            "iwe tano",
        ),
        "change": (
            "*futa",
            "nifute",
            "*badilish*",
            "*ondoa",
            "iwe nyota",
            "iwe tano",
            "itabaki",
        ),
        "money": (
            "nilipe",
            "nilipwe",
            "nikilipwa",
            "nikitumiwa",
            "nitumiwe",
            "fidia",
            "unilipe",
            "unanilipa",
            "lipa",
            "nitumie pesa",
            "tuma pesa",
            "kitu kidogo",
            "kakitu",
            "ganji",
            "mkwanja",
            "chapaa",
            "hongo",
            "airtime",
            "mpesa yangu",
            "till yangu",
            "kwa till",
            "namba yangu",
            "kwa mpesa",
            "asilimia",
            "re:t(?<![a-z]t)uma (?:\\w+ )?(?:\\d|mia|elfu|pesa)",
            "re:(?:ukinitumia|usiponitumia|nitumie|kunitumia)[\\W_]+(?:\\w+[\\W_]+){0,2}?"
            "(?:\\d|pesa|do\\b|ganji|cash|kitu|kakitu|mkwanja|chapa|airtime|mia|elfu)",
        ),
        "refund": (
            "*rudishie*",
            "*rudishia*",
            "kurudishiwa",
            "nirudishiwe",
            "irudi",
            "pesa yangu",
            "*refund*",
            "rudisha*",
        ),
        "outside": (
            "nje ya sokoni",
            "nje ya platform",
            "nje ya app",
            "moja kwa moja",
            "si kupitia",
            "sio kupitia",
            "bila mzozo",
            "kwa simu",
            "kwa mpesa",
            "direct",
        ),
        "dispute": (
            "mzozo",
            "mgogoro",
            "malalamiko",
            "kupitia sokoni",
            "sokoni support",
            "support",
            "staff",
        ),
        "free": (
            "nipe ... bure",
            "niongezee*",
            "niongeze ... bure",
            "ongeza ... bure",
            "ongeza ... bila malipo",
            "tuma ... bure",
            "nitumie ... bure",
            "bure ... nikupe",
            "bure ... niandike",
            "bure ama",
            "bure au",
        ),
        "discount": ("punguzo", "nipunguzie", "discount", "delivery bure", "usafiri bure"),
        "bargain": (
            "la sivyo",
            "ama nita*",
            "au nita*",
            "ama nakupa",
            "au nakupa",
            "usipo*",
            "mpaka uni*",
            "utaona",
            "onyo la mwisho",
            "ukini*",
            "nikupe",
            "bila kunitumia",
            "ama",
            "au",
        ),
        "contact": ("nipigie*", "nipige simu", "nitext*", "nitumie sms", "namba yangu", "nicall*"),
    },
    "hi": {
        "rating": (
            "रेटिंग",
            "रिव्यू",
            "रिव्यु",
            "स्टार",
            "समीक्षा",
            "फीडबैक",
            "review*",
            "rating*",
            "star*",
            "feedback",
        ),
        "bad": (
            "1 स्टार",
            "एक स्टार",
            "खराब रिव्यू",
            "बुरा रिव्यू",
            "बुरी रेटिंग",
            "खराब रेटिंग",
            "रेटिंग खराब",
            "नेगेटिव",
            "negative",
            "bura review",
            "bura rating",
            "buri rating",
            "kharab review",
            "rating kharab",
            "kharab rating",
            "bad rating",
            "bad review",
            "1 star",
            "ek star",
            "ganda review",
        ),
        "good": (
            "5 स्टार",
            "पांच स्टार",
            "अच्छी रेटिंग",
            "अच्छा रिव्यू",
            "5 star",
            "achha review",
            "acha review",
            "achi rating",
            "achhi rating",
            "rating badha*",
            "good review",
            "paanch star",
        ),
        "change": ("हटा", "बदल", "hatwa*", "hata*", "badal*", "delete", "कर दूंगा"),
        "money": (
            "पैसे दो",
            "मुआवजा",
            "muavja",
            "harjana",
            "हर्जाना",
            "पैसे भेजो",
            "रुपये दो",
            "रुपये भेजो",
            "कैशबैक",
            "paise do",
            "paisa do",
            "paise bhej*",
            "paise nahi bhej*",
            "thoda paisa",
            "paytm",
            "पेटीएम",
            "google pay",
            "gpay",
            "phonepe",
            "phone pe",
            "फोन पे",
            "upi",
            "यूपीआई",
            "recharge",
            "रिचार्ज",
            "खाते में",
            "khate mein",
            "re:\\d+\\s*(?:रुपये|रुपए|rs\\.?|rupay\\w*|rupees?)\\s+(?:\\S+\\s+){0,2}?"
            "(?:दो|भेजो|करो|bhejo|do\\b|karo|kar\\b|lag)",
            "re:\\d+\\s+(?:भेजो|bhejo)",
        ),
        "refund": (
            "रिफंड",
            "refund*",
            "वापस करो",
            "वापस कर",
            "paise wapas",
            "पैसे वापस",
            "wapas kar*",
        ),
        "outside": (
            "सीधे",
            "sidhe",
            "sedhe",
            "direct",
            "sokoni से नहीं",
            "dispute नहीं",
            "dispute nahi",
            "bina dispute",
            "बाहर",
            "मेरे upi",
            "मेरे खाते",
            "mere khate",
            "फोन पे पर",
        ),
        "dispute": ("विवाद", "dispute*", "शिकायत", "shikayat", "support", "स्टाफ", "staff"),
        "free": (
            "मुफ्त में",
            "फ्री में",
            "free mein",
            "muft mein",
            "free ... bhejo",
            "free ... do",
            "aur bhejo",
            "और दो",
            "और भेजो",
            "extra ... free",
        ),
        "discount": ("discount", "छूट", "डिस्काउंट", "kam karo", "free delivery", "फ्री डिलीवरी"),
        "bargain": (
            "वरना",
            "warna",
            "varna",
            "nahi to",
            "nahi toh",
            "नहीं तो",
            "तो",
            "to",
            "toh",
            "agar",
            "अगर",
            "tabhi",
            "तभी",
            "तब",
            "बदले",
            "badle",
        ),
        "app": ("व्हाट्सएप", "वॉट्सऐप", "टेलीग्राम"),
        "contact": (
            "call karna",
            "call karo",
            "call kar",
            "फोन करो",
            "फोन करना",
            "कॉल करो",
            "कॉल करें",
            "mera number",
            "मेरा नंबर",
        ),
    },
    "zh-hans": {
        "rating": ("评价", "好评", "差评", "星", "评分", "打分", "中评"),
        "bad": ("差评", "一星", "1星", "恶评", "低分", "中评"),
        "good": ("好评", "五星", "5星", "满分"),
        "change": ("删除", "删", "改成", "改为", "撤销", "修改"),
        "money": (
            "返现",
            "红包",
            "转账",
            "转我",
            "给我转",
            "re:转.{0,3}\\d",
            "打钱",
            "给钱",
            "点钱",
            "赔",
            "补偿",
            "话费",
            "支付宝",
            "汇款",
            "好处",
            "re:给我.{0,6}?(?:钱|元|块)",
        ),
        "refund": ("退款", "退我", "退钱", "退回"),
        "outside": ("私下", "直接", "别走平台", "不走平台", "不要通过", "银行卡", "平台外", "线下"),
        "dispute": ("纠纷", "平台", "客服", "申请"),
        "free": ("免费", "送我", "再送", "白送", "多送", "再寄", "赠品"),
        "discount": ("便宜", "打折", "折扣", "优惠", "减价", "免运费", "包邮"),
        "bargain": ("不然", "否则", "要不", "不给", "不返", "不赔", "就", "换", "等着"),
        "app": ("微信", "威信", "vx", "wx", "qq", "扣扣"),
        "contact": ("打我电话", "打电话", "电话联系", "手机号", "加我"),
    },
    "ko": {
        "rating": (
            "리뷰",
            "후기",
            "별점",
            "평점",
            "평가",
            "악플",
            "악평",
            "최하점",
            "만점",
            "re:별\\s*(?:\\d|하나|한\\s*개|두|세|네|다섯)",
            "re:\\d\\s*점",
        ),
        "bad": (
            "별점 테러",
            "리뷰 테러",
            "테러",
            "악플",
            "악평",
            "1점",
            "별 하나",
            "별 1",
            "별 한 개",
            "최하점",
            "안 좋게",
            "나쁜 리뷰",
            "부정적",
        ),
        "good": ("5점", "별 다섯", "별 5", "좋은 리뷰", "좋은 후기", "잘 써", "만점", "별점 올려"),
        "change": ("삭제", "바꿔", "고쳐", "수정", "지워", "올려줄"),
        "money": (
            "현금",
            "캐시백",
            "입금",
            "계좌",
            "송금",
            "보상금",
            "보상",
            "상품권",
            "용돈",
            "기프티콘",
            "re:돈\\s*(?:\\S+\\s*)?(?:보내|주|줘|입금|안)",
            "re:\\d*만\\s*원\\s*(?:\\S+\\s*)?(?:보내|입금|돌려|주|환급)",
        ),
        "refund": ("환불", "돌려주", "돌려줘", "환급"),
        "outside": ("직접", "말고", "계좌로", "개인적으로", "따로"),
        "dispute": ("분쟁", "고객센터", "플랫폼", "신청"),
        "free": (
            "re:(?:공짜|무료|서비스로|사은품|덤|하나\\s*더|박스\\s*더).{0,12}?"
            "(?:보내\\s*주면|주면|안\\s*주면|줘|보내줘|보내세요)",
            "더 보내주면",
            "더 안 주면",
        ),
        "discount": ("할인", "깎아", "무료 배송", "무료배송", "배송비 빼"),
        "bargain": (
            "안 그럼",
            "안그럼",
            "아니면",
            "안 하면",
            "안하면",
            "안 주면",
            "안주면",
            "안 보내면",
            "주면",
            "테니",
        ),
        "app": ("카톡", "카카오", "텔레그램", "라인 아이디", "위챗", "왓츠앱"),
        "contact": (
            "전화주세요",
            "전화 주세요",
            "전화해",
            "연락주세요",
            "연락 주세요",
            "문자 주세요",
        ),
    },
    "es": {
        "rating": (
            "reseña*",
            "resena*",
            "calificacion*",
            "califico",
            "califica*",
            "estrella*",
            "estrellit*",
            "opinion*",
            "valoracion*",
            "comentario*",
            "puntuacion*",
            "review*",
        ),
        "bad": (
            "1 estrella",
            "una estrella",
            "una sola estrella",
            "mala reseña",
            "malas reseñas",
            "reseña negativa",
            "reseñas negativas",
            "mala calificacion",
            "comentario negativo",
            "opinion negativa",
            "te hundo",
        ),
        "good": (
            "5 estrella*",
            "5 estrellit*",
            "cinco estrella*",
            "buena reseña",
            "buenas reseñas",
            "buena calificacion",
            "buenas calificaciones",
            "reseña positiva",
        ),
        "change": ("borro", "borrar", "elimino", "eliminar", "cambio mi", "la cambio", "quito"),
        "money": (
            "pagame",
            "me pagas",
            "me pagues",
            "paga",
            "mandame plata",
            "mandame ... plata",
            "me mandas una lana",
            "una lanita",
            "una feria",
            "cashback",
            "transferencia",
            "deposita*",
            "recarga",
            "mercado pago",
            "bizum",
            "yape",
            "nequi",
            "compensacion*",
            "indemniza*",
            "comision",
            "cuesta",
            "re:m(?<![a-z]m)anda (?:\\w+ )?\\d",
        ),
        "refund": (
            "reembols*",
            "rembols*",
            "devuelve*",
            "devuelvas",
            "dinero de vuelta",
            "mi dinero",
            "devolucion",
        ),
        "outside": (
            "fuera de sokoni",
            "fuera de la plataforma",
            "por fuera",
            "directo",
            "directamente",
            "sin disputa",
            "por bizum",
            "a mi cuenta",
            "en privado",
        ),
        "dispute": ("disputa", "reclamo", "soporte", "por sokoni", "de sokoni", "en sokoni"),
        "free": ("mandame ... gratis", "dame ... gratis", "regalame", "me regalas", "gratis y"),
        "discount": ("descuento", "rebaja*", "envio gratis"),
        "bargain": (
            "o te",
            "o si no",
            "si no",
            "o pongo",
            "hasta que",
            "a cambio",
            "ya veras",
            "ultimo aviso",
            "si me",
            "y te doy",
            "y te pongo",
            "y cambio",
            "y borro",
            "y elimino",
            "sin reembolso",
            "por las",
        ),
        "app": ("guasap", "wasa"),
        "contact": ("llamame", "marcame", "escribeme al", "mi numero", "mi celular", "mi cel"),
    },
    "fr": {
        "rating": (
            "avis",
            "etoile*",
            "note",
            "noter",
            "noterai",
            "notez",
            "commentaire*",
            "evaluation*",
            "notation",
        ),
        "bad": (
            "1 etoile",
            "une etoile",
            "une seule etoile",
            "zero etoile",
            "mauvais avis",
            "avis negatif*",
            "mauvaise note",
            "commentaire negatif",
            "note negative",
            "je vous detruis",
        ),
        "good": (
            "5 etoiles",
            "cinq etoiles",
            "bon avis",
            "bons avis",
            "avis positif*",
            "bonne note",
        ),
        "change": ("supprime*", "retire*", "change mon avis", "je passe a", "modifie*", "efface*"),
        "money": (
            "payez*",
            "vous payez",
            "me payer",
            "m'avez pas paye",
            "envoyez ... argent",
            "de l'argent",
            "thune",
            "fric",
            "balles",
            "virez",
            "versez*",
            "indemnis*",
            "virement",
            "paypal",
            "lydia",
            "geste commercial",
            "dedommagement",
            "compensation",
            "ca coute",
        ),
        "refund": ("rembourse*", "mon argent"),
        "outside": (
            "hors de sokoni",
            "hors sokoni",
            "hors plateforme",
            "sur mon compte",
            "en dehors",
            "directement",
            "pas de litige",
            "sans litige",
            "par lydia",
            "par paypal",
            "en prive",
        ),
        "dispute": ("litige", "reclamation", "support", "via sokoni", "service client"),
        "free": (
            "envoyez ... gratuit*",
            "donnez-moi ... gratuit*",
            "m'offrez",
            "offrez-moi",
            "gratuits en plus",
            "un autre kilo",
        ),
        "discount": (
            "remise",
            "reduction",
            "rabais",
            "ristourne",
            "livraison offerte",
            "livraison gratuite",
        ),
        "bargain": (
            "sinon",
            "soit",
            "ou je",
            "sans quoi",
            "tant que",
            "contre",
            "si vous",
            "si vs",
            "et je",
            "dernier avertissement",
            "vous verrez",
        ),
        "contact": ("appelez-moi", "appelle-moi", "mon numero", "mon num", "textez-moi"),
    },
}

# Words that tell the Latin-script languages apart when no language is given.
_LATIN_HINT_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "sw": (
        "na",
        "ya",
        "wa",
        "kwa",
        "ni",
        "hii",
        "sana",
        "asante",
        "tafadhali",
        "nyota",
        "pesa",
        "mzigo",
        "bei",
        "kama",
        "lakini",
        "habari",
        "yangu",
        "wako",
        "nitakupa",
        "nipe",
        "tuma",
        "msee",
        "boss",
        "sasa",
        "bure",
        "ama",
        "au",
    ),
    "es": (
        "el",
        "la",
        "de",
        "que",
        "y",
        "por",
        "para",
        "una",
        "estrelas",
        "gracias",
        "mi",
        "te",
        "si",
        "pero",
        "muy",
        "reseña",
        "me",
        "lo",
        "es",
        "dame",
        "quiero",
    ),
    "fr": (
        "le",
        "la",
        "les",
        "de",
        "des",
        "et",
        "je",
        "vous",
        "un",
        "une",
        "pour",
        "merci",
        "est",
        "pas",
        "avis",
        "etoiles",
        "mon",
        "ou",
        "sinon",
    ),
    "hi": (
        "hai",
        "ka",
        "ki",
        "ke",
        "mein",
        "nahi",
        "bhai",
        "kya",
        "karo",
        "dunga",
        "toh",
        "aur",
        "paise",
        "mujhe",
        "mera",
        "bhejo",
        "do",
    ),
}
_LATIN_HINTS: Final = {
    lang: frozenset(_fold(word) for word in words) for lang, words in _LATIN_HINT_WORDS.items()
}
_WORD = re.compile(r"[^\W\d_]+")


def _normalise_language(language: str | None) -> str | None:
    if not language:
        return None
    code = language.replace("_", "-").casefold()
    if code.startswith("zh"):
        return "zh-hans"
    primary = code.split("-")[0]
    return primary if primary in _LEXICONS else None


def _script_languages(text: str) -> set[str]:
    found: set[str] = set()
    for char in text:
        code = ord(char)
        if code < 0x0900:
            continue
        if 0x0900 <= code <= 0x097F:
            found.add("hi")
        elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            found.add("ko")
        elif 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
            found.add("zh-hans")
        if len(found) == 3:
            break
    return found


def _latin_languages(folded: str) -> set[str]:
    words = set(_WORD.findall(folded))
    hits = {lang: len(words & hints) for lang, hints in _LATIN_HINTS.items()}
    best = max(hits.values())
    if best == 0:
        return set(_LATIN_HINTS)
    return {lang for lang, n in hits.items() if n * 2 >= best}


@lru_cache(maxsize=64)
def _compiled(languages: frozenset[str]) -> dict[str, re.Pattern[str]]:
    """Compile one alternation per category over the lexicons of ``languages``."""
    compiled: dict[str, re.Pattern[str]] = {}
    for category in _CATEGORIES:
        terms = list(_COMMON.get(category, ()))
        for lang in sorted(languages):
            terms.extend(_LEXICONS[lang].get(category, ()))
        patterns = dict.fromkeys(_term_pattern(t) for t in terms)
        compiled[category] = re.compile("|".join(f"(?:{p})" for p in patterns))
    return compiled


# --- contacts --------------------------------------------------------------------------------

_PHONE = re.compile(r"(?<!\d)\+?(?:\d[\s().\-/]{0,3}){8,14}\d(?!\d)")
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+"
    r"(?:\s*(?:\.|\(dot\)|\[dot\])\s*[a-z]{2,})+"
    r"|(?<![\w.+-])[\w.+-]+ at [\w-]+ dot [a-z]{2,}(?![a-z])"
)
_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w@.])[a-z0-9-]+\.(?:com|net|org|me|ly|co|io|cn|ke|in|info|biz|app|link|gl)"
    r"(?:/\S*)?(?![\w.])"
)

_WEIGHTS: Final[dict[str, float]] = {
    "rating_threat": 0.3,
    "rating_promise": 0.15,
    "rating_mention": 0.1,
    "review_change": 0.15,
    "money_demand": 0.35,
    "refund_demand": 0.3,
    "free_goods": 0.3,
    "discount_demand": 0.25,
    "outside_channel": 0.1,
    "condition": 0.05,
}


def scan(text: str, language: str | None = None) -> Finding:
    """Scan one message for review extortion and for a move off the platform.

    ``language`` is the sender's language code (``"sw"``, ``"zh-hans"``, ``"zh_Hans"``...); the
    English lexicon and those of any other script in the text are always added. Without it the
    language is guessed from the script and, for Latin text, from common words. Texts longer
    than ``MAX_SCAN_CHARS`` are cut there.
    """
    plain = _plain(text[: MAX_SCAN_CHARS * 2])[:MAX_SCAN_CHARS]
    if not plain.strip():
        return Finding(extortion=False, off_platform=False, score=0.0, signals=())
    folded = _fold(plain)

    languages = {"en"} | _script_languages(folded)
    given = _normalise_language(language)
    if given is not None:
        languages.add(given)
    elif _WORD.search(folded) and any(c.isascii() and c.isalpha() for c in folded):
        languages |= _latin_languages(folded)
    patterns = _compiled(frozenset(languages))
    hit = {category: patterns[category].search(folded) is not None for category in _CATEGORIES}

    signals: list[str] = []
    rating = hit["rating"] or hit["bad"] or hit["good"] or hit["change"]
    if hit["bad"]:
        signals.append("rating_threat")
    if hit["good"]:
        signals.append("rating_promise")
    if rating and not (hit["bad"] or hit["good"]):
        signals.append("rating_mention")
    if hit["change"]:
        signals.append("review_change")
    # A refund or a discount is an ordinary request unless it is tied to the rating or a threat,
    # or asked outside the platform (or in another app); a refund through a dispute is the proper
    # way.
    refund = hit["refund"] and (
        hit["outside"] or hit["app"] or (not hit["dispute"] and (hit["change"] or hit["bargain"]))
    )
    discount = hit["discount"] and (hit["bad"] or hit["bargain"] or hit["change"])
    for flag, code in (
        (hit["money"], "money_demand"),
        (refund, "refund_demand"),
        (hit["free"], "free_goods"),
        (discount, "discount_demand"),
        (hit["outside"], "outside_channel"),
        (hit["dispute"], "dispute_channel"),
        (hit["bargain"], "condition"),
    ):
        if flag:
            signals.append(code)
    demand = hit["money"] or refund or hit["free"] or discount
    extortion = bool(rating and demand)

    off: list[str] = []
    if hit["app"]:
        off.append("off_platform_app")
    if hit["contact"]:
        off.append("contact_request")
    if _PHONE.search(plain):
        off.append("phone_number")
    if _EMAIL.search(plain):
        off.append("email")
    if _URL.search(plain):
        off.append("url")
    off_platform = bool(off)

    score = sum(_WEIGHTS.get(code, 0.0) for code in signals)
    score = min(1.0, 0.5 + score / 2) if extortion else min(0.45, score / 2)
    return Finding(
        extortion=extortion,
        off_platform=off_platform,
        score=round(score, 3),
        signals=tuple(signals + off),
    )
