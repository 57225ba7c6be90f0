"""Why a delivery failed, in the reader's words.

A failure is stored as the sender wrote it ("HTTP 503 Service Unavailable",
"TimeoutError: timed out"), for whoever debugs the receiver; pages, flashes and
notifications say the usual failures in plain words in the reader's language, and a
failure they do not know as it was stored."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

_HTTP = re.compile(r"HTTP (\d{3})\b")


def _http(match: re.Match[str]) -> str:
    code = int(match[1])
    if code >= 500:
        return _("The receiver had an error of its own (HTTP %(code)d).", code=code)
    if code in (401, 403):
        return _("The receiver refused the request (HTTP %(code)d): check what it expects "
                 "of the signature.", code=code)
    if code in (404, 410):
        return _("The receiver has no such address (HTTP %(code)d): check the path.",
                 code=code)
    if 300 <= code < 400:
        return _("The receiver sent the request elsewhere (HTTP %(code)d); webhooks do not "
                 "follow: give the address it points to.", code=code)
    return _("The receiver did not take the event (HTTP %(code)d).", code=code)


# The stored text's start (an exception's class name), and what it means.
_KNOWN: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_HTTP, _http),
    (re.compile(r"(TimeoutError|timeout)\b|.*timed out", re.IGNORECASE),
     lambda _match: _("The receiver did not answer in time.")),
    (re.compile(r"ConnectionRefusedError\b"),
     lambda _match: _("Nothing answers at this address and port: the receiver is down or "
                      "the port is wrong.")),
    (re.compile(r"gaierror\b"),
     lambda _match: _("This address's server name cannot be found.")),
    (re.compile(r"(SSL\w*Error|CertificateError)\b"),
     lambda _match: _("The receiver's HTTPS certificate could not be trusted.")),
    (re.compile(r"(ConnectionResetError|ConnectionAbortedError|BrokenPipeError|"
                r"RemoteDisconnected|IncompleteRead)\b"),
     lambda _match: _("The connection was cut before the receiver answered.")),
    (re.compile(r"(ValueError|InvalidURL)\b"),
     lambda _match: _("This is not a web address: check the server name and port "
                      "(no spaces).")),
]


def in_words(stored: str) -> str:
    """The stored failure in the reader's words; one not known here, as stored."""
    for pattern, words in _KNOWN:
        match = pattern.match(stored or "")
        if match:
            return words(match)
    return stored
