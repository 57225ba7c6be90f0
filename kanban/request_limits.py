"""Requests whose body may not outgrow the size limit, even when sent in chunks.

A body sent with ``Transfer-Encoding: chunked`` has no Content-Length to check up front.
Werkzeug then reads such a body only up to ``max_content_length`` and stops there, so a
view would get the first part of an oversized body as if it were the whole (a truncated
JSON object, a form missing its last fields). Here the read looks one byte past the
limit: when there is more, the answer is 413, on every page, API call and plugin view.
"""

from __future__ import annotations

from typing import IO

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_content_length

from kanban.form_bodies import CodePageFormParser


class _CappedStream(LimitedStream):
    """A stream of at most ``limit`` bytes that raises 413 if the sender has more."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        self._source = stream
        self._looked_past = False

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = super().readinto(buffer)
        if self.is_exhausted and not self._looked_past:
            self._looked_past = True
            if self._source.read(1):
                raise RequestEntityTooLarge()
        return count


class LimitedRequest(Request):
    """Flask's request, with chunked bodies held to the size limit like any other, and
    form bodies read in their own code page (``kanban.form_bodies``)."""

    form_data_parser_class = CodePageFormParser

    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        if (
            limit is not None
            and "wsgi.input_terminated" in self.environ
            and get_content_length(self.environ) is None
        ):
            return _CappedStream(self.environ["wsgi.input"], limit)
        return super().stream
