"""A delivery's failure in plain words: the usual ones said, the others shown as stored."""

from __future__ import annotations

import pytest
from kanban_webhooks.reasons import in_words


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        ("HTTP 500 Internal Server Error", "The receiver had an error of its own (HTTP 500)."),
        ("HTTP 401 Unauthorized", "The receiver refused the request (HTTP 401)"),
        ("HTTP 404 Not Found", "The receiver has no such address (HTTP 404)"),
        ("HTTP 301 Moved Permanently", "The receiver sent the request elsewhere (HTTP 301)"),
        ("HTTP 400 Bad Request", "The receiver did not take the event (HTTP 400)."),
        ("TimeoutError: timed out", "The receiver did not answer in time."),
        ("timeout: The read operation timed out", "The receiver did not answer in time."),
        ("ConnectionRefusedError: [Errno 111] Connection refused", "Nothing answers"),
        ("gaierror: [Errno -2] Name or service not known", "server name cannot be found"),
        ("SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED]", "HTTPS certificate"),
        ("RemoteDisconnected: Remote end closed connection", "The connection was cut"),
    ],
)
def test_a_usual_failure_is_said_in_plain_words(app, stored, said):
    assert said in in_words(stored)


def test_a_failure_not_known_here_is_shown_as_stored(app):
    assert in_words("Paused by Ana Admin") == "Paused by Ana Admin"
    assert in_words("") == ""
