"""Whether our own mail server vouched for a message's sender (RFC 8601).

Only the topmost ``Authentication-Results`` header carrying our server's id counts: the
ones below it were written by servers before ours, or by the sender, and prove nothing.
"""

from __future__ import annotations

import re

from flask import current_app

from kanban_email_bcc.dropbox import dropbox_domain

_RESULT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*([a-z]+)", re.IGNORECASE)
FAILING = ("fail", "softfail", "permerror")


def our_server_id() -> str:
    """The authserv-id our mail server writes (EMAIL_BCC_AUTHSERV_ID, else the dropbox domain)."""
    return (current_app.config.get("EMAIL_BCC_AUTHSERV_ID") or "").strip().lower() or \
        dropbox_domain()


def failed_check(headers: list[str], server_id: str) -> str:
    """Return what failed ("dmarc=fail") per our server's topmost header, or "" when it
    passed, said nothing, or no header of ours is there."""
    if not server_id:
        return ""
    ours = next((value for value in headers
                 if value.split(";", 1)[0].strip().lower().split(" ")[0] == server_id), None)
    if ours is None:
        return ""
    results: dict[str, str] = {}
    for method, result in _RESULT.findall(ours.split(";", 1)[1] if ";" in ours else ""):
        results.setdefault(method.lower(), result.lower())
    if results.get("dmarc") == "fail":
        return "dmarc=fail"
    if "pass" in results.values():
        return ""
    failing = [f"{method}={result}" for method, result in results.items() if result in FAILING]
    return ", ".join(failing)
