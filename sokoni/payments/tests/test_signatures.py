"""Webhook signatures: right body, right secret, inside the window; nothing else."""

import pytest

from sokoni.payments.signatures import SignatureInvalid, sign, verify

SECRET = "whsec_sandbox"
BODY = b'{"reference": "PAY-1", "amount_minor": 155000, "currency": "KES"}'
NOW = 1_800_000_000


def test_a_fresh_signature_of_the_body_verifies():
    header = sign(body=BODY, secret=SECRET, timestamp=NOW)
    assert verify(header=header, body=BODY, secret=SECRET, now=NOW + 10) == NOW


def test_any_of_several_signatures_may_match_during_a_secret_rotation():
    old = sign(body=BODY, secret="old-secret", timestamp=NOW).split(",")[1]
    header = sign(body=BODY, secret=SECRET, timestamp=NOW) + "," + old
    assert verify(header=header, body=BODY, secret="old-secret", now=NOW) == NOW


@pytest.mark.parametrize(
    ("header", "body", "now"),
    [
        (None, BODY, NOW),
        ("", BODY, NOW),
        ("garbage", BODY, NOW),
        ("t=abc,v1=" + "0" * 64, BODY, NOW),
        (f"t={NOW}", BODY, NOW),
        (f"t={NOW},v1=short", BODY, NOW),
        (sign(body=BODY, secret=SECRET, timestamp=NOW), BODY + b" ", NOW),  # tampered body
        (sign(body=BODY, secret="other", timestamp=NOW), BODY, NOW),  # wrong secret
        (sign(body=BODY, secret=SECRET, timestamp=NOW), BODY, NOW + 301),  # stale
        (sign(body=BODY, secret=SECRET, timestamp=NOW), BODY, NOW - 301),  # from the future
        ("t=" + "9" * 40 + ",v1=" + "0" * 64, BODY, NOW),
        ("x" * 2000, BODY, NOW),
    ],
)
def test_anything_else_is_refused(header, body, now):
    with pytest.raises(SignatureInvalid):
        verify(header=header, body=body, secret=SECRET, now=now)


def test_an_empty_secret_never_verifies():
    header = sign(body=BODY, secret="", timestamp=NOW)
    with pytest.raises(SignatureInvalid):
        verify(header=header, body=BODY, secret="", now=NOW)
