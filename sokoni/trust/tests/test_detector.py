"""The review-extortion detector and its labelled messages (issue 6, point 4). No database."""

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from sokoni.trust.detector import Finding, normalise, scan

DATA = Path(__file__).resolve().parent.parent / "data" / "extortion_messages.jsonl"
FIELDS = {"id", "language", "text", "extortion", "off_platform", "split"}
SHIPPED = {"en", "sw", "hi", "zh_Hans", "ko", "es", "fr"}


def _rows() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


def test_labelled_set_is_large_and_multilingual():
    """The set holds at least 300 messages in at least 4 shipped languages, both labels each."""
    # given
    rows = _rows()
    # when
    per_language = Counter((r["language"], r["extortion"]) for r in rows)
    languages = {r["language"] for r in rows}
    # then
    assert len(rows) >= 300
    assert len(languages) >= 4
    assert {"en", "sw", "zh_Hans", "es"} <= languages
    assert languages <= SHIPPED
    for language in languages:
        assert per_language[(language, True)] >= 10, language
        assert per_language[(language, False)] >= 10, language


def test_labelled_rows_are_well_formed():
    """Every row has exactly the documented fields, typed, with a unique id and a known split."""
    rows = _rows()
    for row in rows:
        assert set(row) == FIELDS, row
        assert isinstance(row["id"], str)
        assert row["id"]
        assert isinstance(row["text"], str)
        assert row["text"].strip()
        assert isinstance(row["extortion"], bool)
        assert isinstance(row["off_platform"], bool)
        assert row["split"] in {"dev", "test"}
    assert len({r["id"] for r in rows}) == len(rows)


def test_split_is_stratified():
    """Each language and label has messages in both splits, about 40 % held out overall."""
    rows = _rows()
    groups = Counter((r["language"], r["extortion"], r["split"]) for r in rows)
    for language, label in {(r["language"], r["extortion"]) for r in rows}:
        assert groups[(language, label, "dev")] > 0
        assert groups[(language, label, "test")] > 0
    share = sum(r["split"] == "test" for r in rows) / len(rows)
    assert 0.35 <= share <= 0.45


def test_held_out_precision_and_recall_meet_the_targets():
    """On the test split, extortion precision is at least 0.9 and recall at least 0.8."""
    # given
    rows = [r for r in _rows() if r["split"] == "test"]
    # when
    guesses = [(r["extortion"], scan(r["text"], r["language"]).extortion) for r in rows]
    # then
    tp = sum(truth and guess for truth, guess in guesses)
    fp = sum(guess and not truth for truth, guess in guesses)
    fn = sum(truth and not guess for truth, guess in guesses)
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.8


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Pay me 500 or I leave a 1 star review"),
        ("sw", "Nitumie pesa nikupe nyota tano, la sivyo nyota moja"),
        ("hi", "पैसे दो वरना 1 स्टार दूंगा"),
        ("hi", "paise do warna negative review pakka"),
        ("zh_Hans", "好评返现, 不返现就差评"),
        ("ko", "돈 안 보내면 별점 테러합니다"),
        ("es", "Págame o te pongo una estrella"),
        ("fr", "Payez-moi ou je mets une étoile"),
    ],
)
def test_a_clear_demand_is_extortion(language, text):
    """A demand for money under threat of a bad rating is flagged in every shipped language."""
    finding = scan(text, language)
    assert finding.extortion is True
    assert "money_demand" in finding.signals
    assert finding.score >= 0.5


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Thank you! I will leave 5 stars, the honey is excellent."),
        ("sw", "Asante sana! Nitakupa nyota 5, asali ni safi kabisa."),
        ("hi", "धन्यवाद! शहद बहुत अच्छा है, 5 स्टार दूंगा।"),
        ("zh_Hans", "谢谢! 蜂蜜很好, 给五星好评"),
        ("ko", "감사합니다! 꿀 정말 좋아요, 별 다섯 개 드릴게요"),
        ("es", "¡Gracias! Les dejaré 5 estrellas, la miel es excelente."),
        ("fr", "Merci ! Je laisserai 5 étoiles, le miel est excellent."),
    ],
)
def test_an_honest_review_is_not_extortion(language, text):
    """Praise that mentions stars, with no demand, passes."""
    finding = scan(text, language)
    assert finding == Finding(
        extortion=False, off_platform=False, score=0.075, signals=finding.signals
    )
    assert "rating_promise" in finding.signals


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I opened a dispute for a refund, 1 star for now"),
        ("sw", "Nimefungua mzozo ili nirudishiwe pesa, nyota moja"),
        ("hi", "अंडे टूटे हुए आए, मैंने रिफंड के लिए विवाद खोला है, 1 स्टार"),
        ("zh_Hans", "鸡蛋碎了, 我已经在平台申请了纠纷退款, 一星"),
        ("ko", "분쟁 신청해서 환불 요청했어요, 별 1개"),
        ("es", "Abrí una disputa para un reembolso, 1 estrella"),
        ("fr", "J'ai ouvert un litige pour un remboursement, 1 étoile"),
    ],
)
def test_a_refund_through_a_dispute_is_not_extortion(language, text):
    """Asking for a refund through Sokoni's dispute, even with a bad rating, is the proper way."""
    finding = scan(text, language)
    assert finding.extortion is False
    assert "refund_demand" not in finding.signals


def test_a_refund_outside_the_platform_for_a_review_is_extortion():
    """A refund by M-Pesa outside Sokoni in exchange for deleting a bad review is flagged."""
    finding = scan("Refund me half via M-Pesa outside Sokoni and I'll delete my bad review", "en")
    assert finding.extortion is True
    assert {"refund_demand", "outside_channel", "review_change"} <= set(finding.signals)


def test_free_goods_for_a_good_review_is_extortion_but_a_free_gift_is_not():
    """Demanding free goods for a review is flagged; thanking for a free sample is not."""
    demand = scan("send me 2 extra packets for free and i give 5 star rating", "en")
    thanks = scan("The seller gave me a free sample, very kind! 5 stars", "en")
    assert demand.extortion is True
    assert "free_goods" in demand.signals
    assert thanks.extortion is False


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Please call me on 0722 123 456 to arrange pickup"),
        ("sw", "Nipigie ukifika sokoni kijijini: 0733 456 789"),
        ("hi", "gaon pahunch kar call karna 9123456780"),
        ("zh_Hans", "到了村口打我电话 139 0000 1111"),
        ("ko", "마을 도착하면 전화주세요 010-2222-3333"),
        ("es", "Llámame cuando llegues a la plaza: 55 8765 4321"),
        ("fr", "Appelez-moi en arrivant au marché : 07 11 22 33 44"),
    ],
)
def test_a_phone_number_is_off_platform_but_not_extortion(language, text):
    """A phone number moves the talk off Sokoni; without a rating demand it is not extortion."""
    finding = scan(text, language)
    assert finding.off_platform is True
    assert finding.extortion is False
    assert "phone_number" in finding.signals


def test_another_app_without_a_number_is_off_platform():
    """Naming WhatsApp, WeChat or KakaoTalk as a place to talk is off-platform."""
    assert scan("Can we talk on WhatsApp? Typing here is slow.", "en").off_platform is True
    assert scan("我们去微信聊吧", "zh_Hans").off_platform is True
    assert scan("카톡으로 얘기할까요?", "ko").off_platform is True
    assert scan("加qq聊", "zh_Hans").signals == ("off_platform_app",)


def test_email_and_link_are_off_platform():
    """An e-mail address (also spelled out with at/dot) and a link are off-platform."""
    assert "email" in scan("My email is jane.w@gmail.com", "en").signals
    assert "email" in scan("write to jane at gmail dot com", "en").signals
    assert "url" in scan("pictures at https://photos.example.com/goat", "en").signals


def test_zero_width_and_bidi_obfuscation_is_seen_through():
    """Zero-width joiners between letters and right-to-left overrides do not hide a demand."""
    # given
    hidden = "5 \u2b50 for c\u200da\u200ds\u200dh"
    reversed_tail = "pay me\u202e or 1 star\u202c"
    # when
    first, second = scan(hidden, "en"), scan(reversed_tail, "en")
    # then
    assert normalise(hidden) == "5  star  for cash"
    assert first.extortion is True
    assert {"rating_promise", "money_demand"} <= set(first.signals)
    assert second.extortion is True


def test_spaced_letters_fullwidth_and_stretched_words_are_seen_through():
    """'c a s h', full-width letters and 'PAAAY MEEE' are read as the plain words."""
    assert scan("5 stars for c a s h", "en").extortion is True
    assert scan("\uff30\uff41\uff59 \uff4d\uff45 or one star", "en").extortion is True
    assert scan("PAAAAY MEEE or 1 STAAAR", "en").extortion is True


def test_spaced_digits_are_a_phone_number():
    """Digits written one by one with spaces still make a phone number; a price does not."""
    assert "phone_number" in scan("text 0 7 2 2 3 4 5 6 7 8", "en").signals
    assert "phone_number" in scan("0722-345-678", "en").signals
    assert scan("Can you do 450 instead of 500 for 10 kg?", "en").off_platform is False


def test_language_is_guessed_when_not_given():
    """Without a language the script and common words choose the lexicons."""
    assert scan("好評返現").extortion is True
    assert scan("paise do warna 1 star").extortion is True
    assert scan("Nilipe shilingi 500 la sivyo nakupa nyota moja").extortion is True
    assert scan("Payez-moi 50 € ou je laisse un avis 1 étoile").extortion is True


def test_language_codes_are_accepted_in_any_spelling():
    """'zh_Hans', 'zh-hans', 'ZH' and unknown codes all work; unknown means guess."""
    for code in ("zh_Hans", "zh-hans", "ZH", "zh-Hant", "xx", ""):
        assert scan("给我返现, 我就给你五星好评", code).extortion is True


def test_empty_and_blank_text_find_nothing():
    """Empty or blank text is no finding, not an error."""
    empty = Finding(extortion=False, off_platform=False, score=0.0, signals=())
    assert scan("") == empty
    assert scan("   \n\u200b ", "en") == empty


def test_twenty_thousand_characters_are_scanned_fast():
    """A 20,000-character message, even of one repeated letter, takes well under 0.2 s."""
    texts = [
        "a" * 20_000,
        ("lorem ipsum dolor sit amet " * 800)[:20_000],
        "好评" * 10_000,
        "a@" * 10_000,
        "1 " * 10_000,
    ]
    for text in texts:
        scan(text)  # compiles the lexicons for this mix of languages once
        started = time.perf_counter()
        scan(text)
        assert time.perf_counter() - started < 0.2


def test_a_typical_message_takes_under_a_millisecond():
    """The mean over the labelled set is below 1 ms per message."""
    rows = _rows()
    for row in rows:
        scan(row["text"], row["language"])
    started = time.perf_counter()
    for row in rows:
        scan(row["text"], row["language"])
    assert (time.perf_counter() - started) / len(rows) < 0.001


def test_script_tags_are_just_text():
    """Markup is only text: a tag alone is no finding, a demand inside one is still seen."""
    assert scan("<script>alert(1)</script>", "en").extortion is False
    assert scan("<script>alert('pay me or 1 star')</script>", "en").extortion is True
    tag = scan('<img src=x onerror="alert(1)">', "en")
    assert (tag.extortion, tag.off_platform) == (False, False)
