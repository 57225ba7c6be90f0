"""What every test's application would compile again, compiled once per test process.

A test run builds thousands of applications. Each would spend about a tenth of a second
turning its 800 URL rules into URL-building functions, and as long again compiling the
templates its pages use. Both come out the same for every application of the run, so
they are kept: the functions by the rule's shape, the templates' code by their file and
source (a template changed on disk is compiled again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing import Rule


class SharedBuilderRule(Rule):
    """A URL rule whose building function is shared with every rule of the same shape."""

    _builders: ClassVar[dict[tuple[Any, ...], Callable[..., tuple[str, str]]]] = {}

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        if self.defaults:  # a default is written into the function itself: not shared
            return super()._compile_builder(append_unknown)
        key = (tuple(self._trace), append_unknown)  # the parts, static and variable, in order
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders.setdefault(key, super()._compile_builder(append_unknown))
        return builder


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for every application of the process."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        # As a compile would: the web side's filters and globals are there before a
        # template runs (kanban.lazy_web).
        bucket.environment.app.load_web()  # type: ignore[attr-defined]
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # a different source's code is dropped here

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()
