"""A newcomer's first visit, driven through a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sokoni.accounts.models import User
from tests.browser.support import World

pytestmark = pytest.mark.browser

PHONE = "0712 345 678"  # a Kenyan number as people write it
E164 = "+254712345678"
PASSWORD = "kahawa-tamu-2026"


def test_newcomer_signs_up_switches_to_swahili_and_finds_coffee_despite_a_typo(
    page: Any, live_server: Any, world: World
) -> None:
    """Sign up, log out, log in, pick Swahili, search "cofee" and open a coffee product."""
    # given: the home page, not signed in
    page.goto("/")
    # when: the newcomer signs up with a phone number
    page.get_by_role("link", name="Sign up").first.click()
    page.fill("#id_phone", PHONE)
    page.fill("#id_name", "Wanjiru Kamau")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.click("main form button[type=submit]")
    # then: the account exists, stored in E.164, and the header offers to log out
    page.get_by_role("button", name="Log out").wait_for()
    assert User.objects.filter(phone=E164, name="Wanjiru Kamau").count() == 1

    # when: they log out and log in again
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    page.fill("#id_phone", PHONE)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    # then
    page.get_by_role("button", name="Log out").wait_for()

    # when: they switch the language to Swahili with the picker at the foot of the page
    page.select_option("#lang-pick", "sw")
    page.locator("form.lang button[type=submit]").click()
    # then: the pages are in Swahili under /sw/ and the choice is kept on the account
    page.wait_for_url(re.compile(r"/sw/"))
    assert page.locator("html").get_attribute("lang") == "sw"
    assert User.objects.get(phone=E164).language == "sw"

    # when: they search with a typo
    page.fill("#q-top", "cofee")
    page.press("#q-top", "Enter")
    page.wait_for_url(re.compile(r"/sw/search/\?q=cofee"))
    # then: coffee products are found; opening the first shows its page
    link = page.locator("main a[href*='/products/']").first
    name = link.inner_text().strip().splitlines()[0]
    assert "coffee" in name.lower()
    link.click()
    page.wait_for_url(re.compile(r"/sw/products/\d+/"))
    assert "coffee" in page.locator("h1").inner_text().lower()
