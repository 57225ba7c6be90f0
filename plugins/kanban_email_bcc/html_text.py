"""Plain text from an HTML email body, for mail that has no text part."""

from __future__ import annotations

import html
import re

_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"<\s*/\s*(p|h[1-6]|blockquote|pre|table|ul|ol)\s*>", re.IGNORECASE)
_LINE_END = re.compile(r"<\s*/\s*(div|li|tr|section|article|header|footer)\s*>", re.IGNORECASE)
_BLOCK_START = re.compile(r"<\s*(h[1-6]|blockquote|table|hr)(\s[^>]*)?/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li(\s[^>]*)?>", re.IGNORECASE)
_CELL_END = re.compile(r"<\s*/\s*t[dh]\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(markup: str) -> str:
    """Return the readable text of an HTML document, one block per line."""
    markup = _BREAK.sub("\n", markup)
    markup = _PARAGRAPH_END.sub("\n\n", markup)
    markup = _LINE_END.sub("\n", markup)
    markup = _BLOCK_START.sub("\n", markup)
    markup = _LIST_ITEM.sub("\n- ", markup)
    markup = _CELL_END.sub(" ", markup)
    import nh3  # loaded for the mail that has no text part only

    # nh3 drops every tag (and the content of scripts and styles) and escapes the rest;
    # unescaping afterwards gives the plain characters back, never markup.
    stripped = nh3.clean(markup, tags=set(), clean_content_tags={"script", "style", "title",
                                                                  "head"})
    text = html.unescape(stripped)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
