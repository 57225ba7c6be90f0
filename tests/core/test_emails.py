"""Plain addresses are checked without email_validator, by its own rules."""

from __future__ import annotations

import email_validator
import pytest
from email_validator import EmailNotValidError, validate_email

from kanban.emails import SPECIAL_USE_DOMAINS, checked_email, is_email, normalized_email

ADDRESSES = [
    "paula@prospect.example", "Paula.Prospect@Prospect.Example", "a+tag@x.io", "o'neil@ex.co.uk",
    "x@sub.domain-with-hyphen.com", "x@a.b", "x@1.2.3.4", "x@example.123", "x@example",
    "x@localhost", "x@box.local", "x@host.test", "x@a.onion", "x@1.in-addr.arpa", "x@bad.invalid",
    "x@-lead.com", "x@trail-.com", "x@dou..ble.com", "x@.com", "x@com.", "x@ab--cd.com",
    "x@xn--bcher-kva.example", "x@xn--zz.com", "x@bücher.example", "x@under_score.com",
    "x@" + "a" * 63 + ".com", "x@" + "a" * 64 + ".com", "x@" + ".".join(["a" * 60] * 4) + ".com",
    "a" * 64 + "@x.com", "a" * 65 + "@x.com", "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".co",
    ".x@x.com", "x.@x.com", "x..y@x.com", '"quoted"@x.com', "x y@x.com", "@x.com", "x@",
    "x@@x.com", "Postmaster@Example.COM", "ünï@x.com", "x@[127.0.0.1]", "x@x.com ", " x@x.com",
    "x@X.C0M", "x@x.c-m", "x@a.b-", "x@1x.com", "x@x.co1m",
]


def validator_says(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def test_the_special_use_names_are_email_validators():
    assert sorted(SPECIAL_USE_DOMAINS) == sorted(email_validator.SPECIAL_USE_DOMAIN_NAMES)


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_is_valid_as_email_validator_says(address):
    expected = validator_says(address)
    assert is_email(address) is (expected is not None)
    assert checked_email(address) == (None if expected is None else expected.lower())
    if expected is None:
        with pytest.raises(EmailNotValidError):
            normalized_email(address)
    else:
        assert normalized_email(address) == expected.lower()
