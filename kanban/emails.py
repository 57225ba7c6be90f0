"""Email addresses checked by email_validator's rules, the plain ones without it.

email_validator compiles its many rules when imported, a cost a command storing one piped
message should not pay for an address like ``paula@prospect.example``: a plain ASCII
address (dot-atom local part, host name labels) is checked here by the same rules, and any
other (quoted, international, Punycode, odd) is left to email_validator.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A plain ASCII local part (letters, digits, the usual signs, single dots inside), which
# email_validator accepts as it is: such addresses only need their domain checked.
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
PLAIN_LOCAL_PART = re.compile(rf"{ATOM}(?:\.{ATOM})*")
# A host name label: letters, digits and inner hyphens, 63 at most.
PLAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# The special-use names email_validator refuses (SPECIAL_USE_DOMAIN_NAMES: a test checks
# the two lists agree).
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")


def plain_domain(domain: str) -> str | None:
    """Return the domain in lower case when email_validator surely accepts it as it is (host
    name labels with a dot, ending with a letter, no special-use name, no Punycode), else
    None: then only email_validator can tell."""
    domain = domain.lower()
    if len(domain) > 253 or "--" in domain or not ("a" <= domain[-1:] <= "z"):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(PLAIN_LABEL.fullmatch(label) for label in labels):
        return None
    if any(domain == name or domain.endswith(f".{name}") for name in SPECIAL_USE_DOMAINS):
        return None
    return domain


def _plain_local(text: str) -> tuple[str, str] | None:
    """Return the local part and the domain of an address whose local part is plain,
    else None."""
    local, at, domain = text.rpartition("@")
    if not at or len(local) > 64 or len(text) > 254 or not PLAIN_LOCAL_PART.fullmatch(local):
        return None
    return local, domain


def _plain_parts(text: str) -> tuple[str, str] | None:
    """Return the local part and the lowercased domain of a plain address, else None."""
    parts = _plain_local(text)
    plain = None if parts is None else plain_domain(parts[1])
    return None if plain is None else (parts[0], plain)


def normalized_email(text: str) -> str:
    """Return the address lowercased and normalized, or raise EmailNotValidError.

    A list of thousands of addresses shares a few domains: each domain is checked once.
    """
    parts = _plain_local(text)
    if parts is not None:
        return f"{parts[0].lower()}@{_normalized_domain(parts[1])}"
    from email_validator import validate_email

    return validate_email(text, check_deliverability=False).normalized.lower()


@lru_cache(maxsize=4096)
def _normalized_domain(domain: str) -> str:
    plain = plain_domain(domain)
    if plain is not None:
        return plain
    from email_validator import validate_email

    return validate_email(f"a@{domain}", check_deliverability=False).domain.lower()


def checked_email(text: str) -> str | None:
    """Return the address lowercased and normalized, or None when it is not valid."""
    parts = _plain_parts(text)
    if parts is not None:
        return f"{parts[0].lower()}@{parts[1]}"
    from email_validator import EmailNotValidError

    try:
        return normalized_email(text)
    except EmailNotValidError:
        return None


def is_email(text: str) -> bool:
    """Tell whether email_validator accepts the address (its syntax, without DNS)."""
    if _plain_parts(text) is not None:
        return True
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# Names reserved for examples and tests (RFC 2606, RFC 6761): nobody receives mail there.
# The demo's people live at example.com, so a demo left in production mails nobody.
RESERVED_MAIL_DOMAINS = ("example.com", "example.net", "example.org", "example", "test",
                         "invalid", "localhost")


def is_reserved_address(address: str) -> bool:
    """Tell whether an address is at a domain reserved for examples (``@example.com``,
    ``….test``): Kanban never sends mail there."""
    domain = address.rpartition("@")[2].strip().strip(">").rstrip(".").lower()
    return any(domain == name or domain.endswith(f".{name}") for name in RESERVED_MAIL_DOMAINS)
