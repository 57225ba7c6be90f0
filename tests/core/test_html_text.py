"""Texts that pages write in Python go in the HTML exactly as Jinja's escaping writes them."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from kanban.templating import html_text

TEXTS = ["Padaria Lisboa", "", "Tom & Jerry <b>", 'say "hi"', "it's", "Café № 5 — ß",
         "&amp; already", "<script>alert(1)</script>"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_is_written_as_escape_writes_it(text):
    assert str(html_text(text)) == str(escape(text))


def test_markup_is_written_as_it_is():
    assert str(html_text(Markup("<em>Won</em>"))) == "<em>Won</em>"


@pytest.mark.parametrize("value", [42, None, 3.5])
def test_other_values_are_written_as_escape_writes_them(value):
    assert str(html_text(value)) == str(escape(value))


def test_a_str_subclass_is_escaped_too():
    class Name(str):
        pass

    assert str(html_text(Name("<Ana>"))) == "&lt;Ana&gt;"
