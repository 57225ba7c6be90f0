"""The ``Idempotency-Key`` header on views that create things (the rules: services.idempotency)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any, TypeVar

from flask import Response, make_response, request

from kanban.errors import ServiceError
from kanban.services.idempotency import StoredAnswer, claim_key, release_key, store_answer

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"  # on an answer given again for the same key
F = TypeVar("F", bound=Callable[..., Any])


def idempotent(scope: Callable[[], str]) -> Callable[[F], F]:
    """Answer a replay (same ``Idempotency-Key`` in the same scope) with the first answer.

    ``scope`` names whose keys these are (a user, a web form), read per request. A first
    answer of 2xx is kept; any other leaves nothing behind, so a retry runs afresh.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            key = request.headers.get(KEY_HEADER)
            if key is None or request.method != "POST":
                return view(*args, **kwargs)
            owner = scope()
            try:
                stored = claim_key(owner, key, _fingerprint())
            except ServiceError as exc:
                return _error(exc)
            if stored is not None:
                return _replay(stored)
            try:
                response = make_response(view(*args, **kwargs))
            except BaseException:
                release_key(owner, key)
                raise
            if 200 <= response.status_code < 300:
                store_answer(owner, key, StoredAnswer(
                    response.status_code, response.get_data(as_text=True),
                    response.content_type or "", response.headers.get("Location", ""),
                ))
            else:
                release_key(owner, key)
            return response

        return wrapper  # type: ignore[return-value]

    return decorate


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), _body()):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _body() -> bytes:
    """The request's body as its meaning: a JSON object sent again with its keys in
    another order or other spacing is the same request."""
    body = request.get_data(cache=True)
    if request.is_json:
        with suppress(ValueError, RecursionError):
            return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False).encode()
    return body


def _replay(stored: StoredAnswer) -> Response:
    response = Response(stored.body, status=stored.status, content_type=stored.content_type)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _error(exc: ServiceError) -> Response:
    return make_response(exc.to_dict(), exc.status)
