"""Answering a conversation by SMS (REPLY <no.> <answer>, JIBU in Swahili...): a feature-phone
seller is texted each new message with the command to answer it, in their language."""

import pytest
from django.utils import translation

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.channels.sms_commands import KEYWORDS, Command, parse
from sokoni.channels.tests.test_sms_inbound import reply
from sokoni.messaging.models import OutboundSms
from sokoni.trust.messages import thread_start
from sokoni.trust.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():
    """A buyer asked a feature-phone farmer (no web password) about his honey."""
    farmer = UserFactory(language="sw")
    farmer.set_unusable_password()
    farmer.save()
    product = ProductFactory(shop=ShopFactory(owner=farmer))
    return thread_start(sender=UserFactory(), product_id=product.pk, body="Is it raw honey?")


def test_the_notice_says_how_to_answer_and_the_answer_is_sent(asked):
    # given: the farmer was texted the question with the command, in Swahili
    farmer = asked.thread.shop.owner
    notice = OutboundSms.objects.get(to=farmer.phone)
    assert "Is it raw honey?" in notice.body
    assert f"JIBU {asked.thread_id}" in notice.body
    # when
    answer = reply(f"JIBU {asked.thread_id} Ndiyo, asali mbichi kutoka Othaya.", farmer)
    # then
    sent = Message.objects.filter(thread=asked.thread, sender=farmer).get()
    assert sent.body == "Ndiyo, asali mbichi kutoka Othaya."
    assert str(asked.thread_id) in answer


def test_a_stranger_cannot_answer_someone_elses_conversation(asked):
    stranger = UserFactory(language="en")
    answer = reply(f"REPLY {asked.thread_id} Buy from me instead", stranger)
    assert f"No conversation {asked.thread_id} found" in answer
    assert Message.objects.count() == 1


@pytest.mark.parametrize("text", ["REPLY", "REPLY 12", "REPLY twelve hello", "REPLY 12 \u202e"])
def test_a_malformed_answer_gets_the_usage_or_the_refusal(asked, text):
    farmer = asked.thread.shop.owner
    farmer.language = "en"
    farmer.save()
    answer = reply(text.replace("12", str(asked.thread_id)), farmer)
    assert answer
    assert Message.objects.count() == 1


def test_every_languages_notice_keyword_is_a_reply_keyword():
    """The notice's keyword is translated with gettext; it must be a word the parser takes as
    REPLY in that language's table."""
    for language in KEYWORDS:
        with translation.override(language):
            word = translation.pgettext("SMS keyword", "REPLY")
        assert parse(f"{word} 7 hello").command == Command.REPLY, language
