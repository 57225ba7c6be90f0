"""Addresses of many rows of one page, built with ``url_for`` once per page.

A board or an agenda links every card to its lead: asking the URL map for each of them
costs more than the rest of the card. The address is built once with a marker in place
of the id, under the app's prefix (SCRIPT_NAME, X-Forwarded-Prefix) like any other link,
and each card only puts its id in the marker's place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import url_for

# Built in the place of an id, then replaced: a number, so that the URL map accepts it.
MARKER = 987654321


def url_template(endpoint: str, slot: str, **values: Any) -> Callable[[int], str]:
    """Return a function that gives ``endpoint``'s address with ``slot`` set to an id."""
    marker = str(MARKER)
    parts = url_for(endpoint, **values, **{slot: MARKER}).split(marker)
    if len(parts) != 2:  # the marker's digits also stand elsewhere in the address
        return lambda value: url_for(endpoint, **values, **{slot: value})
    head, tail = parts
    return lambda value: f"{head}{int(value)}{tail}"


# The characters url_for leaves as they are in a query's values (werkzeug's, after
# https://url.spec.whatwg.org/#percent-encoded-bytes).
QUERY_SAFE = "!$'()*,/:;?@"


def with_query(address: str, **values: str) -> str:
    """Add arguments to an address built by ``url_template``, written as url_for writes them."""
    return f"{address}?{urlencode(values, safe=QUERY_SAFE)}" if values else address
