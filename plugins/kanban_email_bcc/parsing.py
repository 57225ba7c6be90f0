"""Read real-world mail: wrong charsets, broken headers, odd MIME, forwards.

Every header and part is read defensively: ``email.policy.default`` raises on some
malformed values, so a failing read falls back to the raw (compat32-style) value.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

from babel.dates import get_month_names

from kanban.models.base import team_zone
from kanban.text import remove_unstorable
from kanban_email_bcc import reasons as why
from kanban_email_bcc.charsets import codec_for, decode_raw_header
from kanban_email_bcc.html_text import html_to_text

MAX_DEPTH = 10
MAX_PARTS = 200
MAX_TEXT = 90_000
LONG_HEADER = 8_000
WESTERN = ("cp1252", "latin_1", "iso8859_15")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_MSGID = re.compile(r"<([^<>\s]+)>")
_TRACE_HEADERS = {
    "received", "return-path", "delivered-to", "x-original-to", "envelope-to",
    "x-received", "dkim-signature", "arc-seal", "arc-message-signature",
    "arc-authentication-results", "authentication-results", "x-loop",
}
# The line a mail program writes above a forwarded message, in the team's languages:
# Gmail and Thunderbird ("Forwarded message"), Outlook ("Original Message"), Apple Mail.
_FORWARD_MARKER = re.compile(
    r"^[ >]*(?:-{2,}\s*(?:Forwarded message|Messaggio inoltrato|Mensagem encaminhada"
    r"|Mensaje reenviado|Пересылаемое сообщение|Original Message|Messaggio originale"
    r"|Mensagem original|Mensaje original|Исходное сообщение)\s*-{2,}"
    r"|(?:Begin forwarded message|Inizio messaggio inoltrato|Início da mensagem reencaminhada"
    r"|Inicio del mensaje reenviado|Начало переадресованного сообщения):)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# A rule of dashes or underscores some mail programs draw above that line.
_RULE_BELOW = re.compile(r"(?:\n[ \t>]*[-_=]{3,}[ \t]*)+\s*$")
# The header names of that block, as those programs write them in each language.
_QUOTED_NAMES = {
    "from": ("From", "Da", "Mittente", "De", "От"),
    "to": ("To", "A", "Per", "Para", "Кому"),
    "cc": ("Cc", "Копия"),
    "date": ("Date", "Sent", "Data", "Inviato", "Fecha", "Enviado el", "Enviado",
             "Enviada em", "Дата", "Отправлено"),
    "subject": ("Subject", "Oggetto", "Asunto", "Assunto", "Тема"),
}
_NAME_OF = {word.lower(): name for name, words in _QUOTED_NAMES.items() for word in words}
_QUOTED_HEADER = re.compile(
    r"^[ >*]*(" + "|".join(sorted(map(re.escape, _NAME_OF), key=len, reverse=True))
    + r")\*?:\*?\s*(.*)$", re.IGNORECASE)
_MAILTO = re.compile(r"\[mailto:([^\]]+)\]", re.IGNORECASE)


class UnreadableMail(ValueError):
    """The bytes are not a message we can make sense of."""


Address = tuple[str, str]  # (display name, address)


@dataclass
class Attachment:
    filename: str
    content_type: str
    raw: bytes = b""
    message: Message | None = None  # an attached email, serialised only when stored

    @property
    def content(self) -> bytes:
        if self.message is not None:
            self.raw, self.message = _as_bytes(self.message), None
        return self.raw


@dataclass
class ParsedMail:
    """What ingestion needs to know about one message."""

    message_id: str = ""
    subject: str = ""
    sender: Address = ("", "")
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    thread_ids: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    auto_reason: str = ""
    forwarded: ParsedMail | None = None
    forward_note: str = ""  # what the person forwarding wrote above the forwarded message
    header_recipients: list[str] = field(default_factory=list)
    loop_markers: list[str] = field(default_factory=list)
    content_hash: str = ""
    authentication: list[str] = field(default_factory=list)  # Authentication-Results, top first
    # A delivery failure report's (address, diagnostic) for each recipient that failed.
    delivery_failures: list[tuple[str, str]] = field(default_factory=list)


def parse_message(raw: bytes) -> ParsedMail:
    """Parse raw MIME bytes into what ingestion needs; raise UnreadableMail if hopeless."""
    if not raw or not raw.strip():
        raise UnreadableMail(why.EMPTY)
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything raised here is hopeless
        raise UnreadableMail(why.english(why.NOT_PARSED, error=str(exc))) from exc
    if not list(message.keys()):
        raise UnreadableMail(why.NO_HEADERS)
    parsed = _read(message, depth=0)
    parsed.content_hash = content_hash(raw)
    parsed.auto_reason = _auto_reason(message, parsed)
    parsed.loop_markers = [_header(message, "X-Loop")] if "X-Loop" in message else []
    # A BCC is in no header: a mailbox copy names the dropbox in its delivery headers.
    parsed.header_recipients = [
        address
        for name in ("Delivered-To", "X-Original-To", "Envelope-To")
        if name in message
        for _, address in _addresses(message, name, every=True)
    ] + [address for _, address in parsed.to + parsed.cc + _addresses(message, "Bcc")]
    return parsed


def peek(raw: bytes) -> ParsedMail:
    """Read only the Message-ID, Subject and sender, without parsing the body (for a
    duplicate, or a line of the quarantine)."""
    end = _HEAD_END.search(raw)
    head = raw[:end.end()] if end else raw
    sender: Address = ("", "")
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(head)
        message_id = _first_id(_raw_header(headers, "Message-ID"))
        subject = _raw_header(headers, "Subject")[:255]
        senders = _parse_addresses(_raw_header(headers, "From"))
        sender = senders[0] if senders else sender
    except Exception:
        message_id = subject = ""
    return ParsedMail(message_id=message_id, subject=subject, sender=sender,
                      content_hash=content_hash(raw))


def content_hash(raw: bytes) -> str:
    """Hash what a message says, leaving out the headers each delivery path adds."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    kept = [
        line
        for line in _unfolded(head)
        if line.split(b":", 1)[0].strip().lower().decode("ascii", "replace") not in _TRACE_HEADERS
    ]
    digest = hashlib.sha256(b"\n".join(kept) + b"\n\n" + body.rstrip())
    return digest.hexdigest()


def _unfolded(head: bytes) -> list[bytes]:
    lines: list[bytes] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += b" " + line.strip()
        else:
            lines.append(line.rstrip())
    return lines


def _read(message: Message, depth: int) -> ParsedMail:
    parsed = ParsedMail(
        message_id=_first_id(_header(message, "Message-ID")),
        subject=_header(message, "Subject")[:255],
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        date=_date(_header(message, "Date")),
    )
    parsed.authentication = [_clean(str(value))[:LONG_HEADER] for key, value
                             in message.raw_items() if key.lower() == "authentication-results"]
    senders = _addresses(message, "From") or _addresses(message, "Sender")
    parsed.sender = senders[0] if senders else ("", "")
    parsed.thread_ids = list(dict.fromkeys(
        _MSGID.findall(_header(message, "In-Reply-To"))
        + _MSGID.findall(_header(message, "References"))
    ))
    plain, html, forwarded_part = "", "", None
    for part, content_type in _parts(message):
        if content_type == "message/rfc822":
            inner = _inner_message(part)
            if inner is not None and forwarded_part is None:
                forwarded_part = inner
            parsed.attachments.append(
                Attachment(_filename(part) or "forwarded.eml", content_type, message=inner)
            )
            continue
        if content_type == "message/delivery-status":
            parsed.delivery_failures += _delivery_failures(part)
            continue
        if part.is_multipart():
            continue
        filename = _filename(part)
        if filename or _disposition(part) == "attachment":
            parsed.attachments.append(
                Attachment(filename or "attachment", content_type, _payload_bytes(part))
            )
        elif content_type == "text/plain" and not plain:
            plain = _decoded_text(part)
        elif content_type == "text/html" and not html:
            html = _decoded_text(part)
    text = plain if plain.strip() else (html_to_text(html) if html else "")
    text = text.replace("\r\n", "\n").replace("\r", "")
    parsed.text = remove_unstorable(text).strip()[:MAX_TEXT]
    if forwarded_part is not None and depth < 2:
        parsed.forwarded = _read(forwarded_part, depth + 1)
        parsed.forward_note = parsed.text
    elif depth == 0:
        parsed.forwarded, parsed.forward_note = _inline_forward(parsed.text)
    return parsed


def _delivery_failures(part: Message) -> list[tuple[str, str]]:
    """Read a delivery-status part (RFC 3464): the recipients whose Action is "failed"."""
    blocks = part.get_payload()
    if not isinstance(blocks, list):  # an unparsed status: read its fields from the text
        text = _payload_bytes(part).decode("utf-8", "replace")
        blocks = [BytesHeaderParser(policy=policy.compat32).parsebytes(block.encode())
                  for block in re.split(r"\r?\n\r?\n", text)]
    failures = []
    for block in blocks:
        if not hasattr(block, "get") or str(block.get("Action", "")).strip().lower() != "failed":
            continue
        recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
        address = recipient.split(";", 1)[-1].strip().strip("<>")
        if "@" in address:
            diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
            failures.append((address[:254], _clean(diagnostic)[:500]))
    return failures


def _parts(message: Message):
    """Yield (part, content type) depth-first, never descending into attached messages."""
    stack = [(message, 0)]
    seen = 0
    while stack and seen < MAX_PARTS:
        part, depth = stack.pop()
        seen += 1
        content_type = _content_type(part)
        yield part, content_type
        if depth >= MAX_DEPTH or content_type == "message/rfc822":
            continue
        if part.is_multipart():
            try:
                children = part.get_payload()
            except Exception:
                continue
            if isinstance(children, list):
                stack.extend((child, depth + 1) for child in reversed(children))


def _inner_message(part: Message) -> Message | None:
    try:
        payload = part.get_payload()
    except Exception:
        return None
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    return None


def _inline_forward(text: str) -> tuple[ParsedMail | None, str]:
    """Read the header block after a "Forwarded message" line in a forward's text; return
    the forwarded message and what the forwarder wrote above that line (without the rule
    of dashes or underscores some mail programs draw before it)."""
    match = _FORWARD_MARKER.search(text)
    if match is None:
        return None, ""
    headers: dict[str, str] = {}
    lines = text[match.end():].lstrip("\n").split("\n")
    index = 0
    for index, line in enumerate(lines):  # noqa: B007  (index is used after the loop)
        header = _QUOTED_HEADER.match(line)
        if header:
            headers.setdefault(_NAME_OF[header.group(1).lower()], header.group(2).strip())
        elif not line.strip() and headers:
            break
        elif headers and line.startswith((" ", "\t")) or not line.strip():
            continue
        else:
            break
    sender_text = _MAILTO.sub(lambda m: f"<{m.group(1)}>", headers.get("from", ""))
    senders = _parse_addresses(sender_text)
    if not senders:
        return None, ""
    return ParsedMail(
        subject=headers.get("subject", "")[:255],
        sender=senders[0],
        to=_parse_addresses(_MAILTO.sub(lambda m: f"<{m.group(1)}>", headers.get("to", ""))),
        cc=_parse_addresses(_MAILTO.sub(lambda m: f"<{m.group(1)}>", headers.get("cc", ""))),
        date=_date(headers.get("date", "")),
        text="\n".join(line.lstrip("> ") for line in lines[index + 1:]).strip(),
    ), _RULE_BELOW.sub("", text[:match.start()]).strip()


def _auto_reason(message: Message, parsed: ParsedMail) -> str:
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return why.english(why.AUTO_SUBMITTED, value=auto)
    if _header(message, "Return-Path").strip().replace(" ", "") == "<>":
        return why.EMPTY_RETURN_PATH
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return why.english(why.BULK, value=precedence)
    if "X-Autoreply" in message or "X-Autorespond" in message:
        return why.AUTO_REPLY
    content_type = _content_type(message)
    if content_type == "multipart/report" or content_type == "message/delivery-status":
        return why.DELIVERY_REPORT
    sender = parsed.sender[1]
    if sender.split("@")[0] in ("mailer-daemon", "postmaster"):
        return why.english(why.BOUNCE_FROM, sender=sender)
    return ""


# ---------------------------------------------------------------------------
# Guarded reads
# ---------------------------------------------------------------------------


def _header(message: Message, name: str) -> str:
    if any(len(value) > LONG_HEADER for key, value in message.raw_items()
           if key.lower() == name.lower()):
        # The modern parser takes seconds on a header of hundreds of kilobytes.
        return _raw_header(message, name)[:LONG_HEADER]
    if _sent_raw(message, name):  # such as Hebrew's label, or a name in a code page
        return _raw_header(message, name)
    try:
        value = message.get(name)
        return "" if value is None else _clean(str(value))
    except Exception:
        return _raw_header(message, name)


def _raw_header(message: Message, name: str) -> str:
    """Decode a header the compat32 way when the modern parser chokes on it. Bytes sent
    raw are read as ``decode_raw_header`` says (UTF-8, else the charset the message's text
    declares, else Windows-1252), never guessed."""
    for key, value in message.raw_items():
        if key.lower() != name.lower():
            continue
        data = str(value)[:LONG_HEADER].encode("utf-8", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # only then is the message's text looked through
            text = decode_raw_header(data, _text_charset(message))
        return _clean(decode_words(text))
    return ""


def _text_charset(message: Message) -> str:
    """The charset the message's first text part declares ("" when none does)."""
    try:
        for part in message.walk():
            if part.get_content_maintype() == "text" and part.get_content_charset():
                return part.get_content_charset()
    except Exception:  # a message broken enough to fail here gives no hint
        return ""
    return ""


def _sent_raw(message: Message, name: str) -> bool:
    """Tell whether a header holds bytes the modern parser would make "�" (raw bytes in
    a code page) or a charset label only the table reads."""
    return any(_has_unknown_word_charset(str(value)) or _has_8bit_not_utf8(str(value))
               for key, value in message.raw_items() if key.lower() == name.lower())


def _has_8bit_not_utf8(text: str) -> bool:
    """Tell whether a header as parsed holds raw bytes (kept as lone surrogates) that are
    not UTF-8."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


_WORD_CHARSET = re.compile(r"=\?([^?*]+)(?:\*[^?]*)?\?[bBqQ]\?")


def _has_unknown_word_charset(text: str) -> bool:
    """Tell whether an encoded word names a charset Python alone would not decode."""
    for label in _WORD_CHARSET.findall(text):
        try:
            codecs.lookup(label)
        except LookupError:
            return True
    return False


def decode_words(text: str) -> str:
    """Decode a header's encoded words (RFC 2047), each in its charset as the table reads it
    (one whose label is wrong as a raw header is read, never guessed)."""
    try:
        parts = decode_header(text)
    except Exception:
        return text
    decoded = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            decoded.append(chunk)
        elif charset is None:  # the text around encoded words, as decode_header gives it back
            decoded.append(chunk.decode("raw-unicode-escape"))
        else:
            decoded.append(_decoded_word(chunk, charset))
    return "".join(decoded)


def _decoded_word(data: bytes, label: str) -> str:
    codec = codec_for(label)
    if codec is not None:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    return decode_raw_header(data)


def _clean(text: str) -> str:
    """A header's text on one line: a folded header's line breaks and tabs are one space."""
    return " ".join(remove_unstorable(text).split())


def _addresses(message: Message, name: str, every: bool = False) -> list[Address]:
    values: list[str] = []
    if _sent_raw(message, name):  # a name written in the sender's code page
        return _parse_addresses(_raw_header(message, name))
    try:
        found = message.get_all(name) or []
        values = [_clean(str(value)) for value in (found if every else found[:1])]
    except Exception:
        values = [_raw_header(message, name)]
    return [address for value in values for address in _parse_addresses(value)]


def _parse_addresses(text: str) -> list[Address]:
    if not text:
        return []
    try:
        pairs = getaddresses([text])
    except Exception:
        return []
    found = []
    for name, address in pairs:
        address = address.strip().strip("<>")
        words = address.replace('"', "").split()  # the parser may quote '"Big Bug bb"@'
        if len(words) > 1 and "@" in words[-1] and not any("@" in word for word in words[:-1]):
            # "Big Bug bb@bug.com": a name and an address, without the angle brackets
            name, address = name or " ".join(words[:-1]), words[-1]
        if "@" in address and " " not in address:
            found.append((_clean(name)[:200], address.lower()))
    return found


def _first_id(value: str) -> str:
    found = _MSGID.search(value)
    return (found.group(1) if found else value.strip())[:250]


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        return _written_date(value)
    if parsed is None:
        return _written_date(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


_DAY_MONTH = re.compile(r"\b(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,})", re.IGNORECASE)
_MONTH_DAY = re.compile(r"\b([^\W\d_]{3,})\.?\s+(\d{1,2})\b", re.IGNORECASE)
_DIGITS_DAY = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_YEAR = re.compile(r"\b(\d{4})\b")
_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?\s*([ap])?\.?\s?m?\b", re.IGNORECASE)
WRITTEN_DATE_LANGUAGES = ("en", "pt", "it", "es", "ru", "de", "fr")


@lru_cache(maxsize=1)
def _month_words() -> dict[str, int]:
    """Month names and their short forms in the languages mail programs write a forwarded
    message's date in ("dic", "dicembre", "декабря", "Dec"), by month number."""
    words: dict[str, int] = {}
    for language in WRITTEN_DATE_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    words.setdefault(name.lower().rstrip("."), number)
    return words


def _written_date(value: str) -> datetime | None:
    """Read a date as a mail program writes it in its reader's language above a forwarded
    message ("gio 3 dic 2026 alle ore 10:15", "1 декабря 2026 г.", "Thu, Dec 3, 2026 at
    10:15 PM", "segunda, 1/12/2026"), in the team's time zone; None when it names no day."""
    months = _month_words()
    numeric = _DIGITS_DAY.search(value)
    day = month = None
    if numeric:
        day, month = int(numeric.group(1)), int(numeric.group(2))
    else:
        for found in _DAY_MONTH.finditer(value):
            if found.group(2).lower() in months:
                day, month = int(found.group(1)), months[found.group(2).lower()]
                break
        else:
            for found in _MONTH_DAY.finditer(value):
                if found.group(1).lower() in months:
                    month, day = months[found.group(1).lower()], int(found.group(2))
                    break
    if numeric:
        year, rest = numeric.group(3), value[numeric.end():]
    else:
        found_year = _YEAR.search(value)
        year, rest = (found_year.group(1) if found_year else None), value
    if day is None or month is None or year is None:
        return None
    hour = minute = 0
    clock = _CLOCK.search(rest)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if clock.group(3):
            hour = hour % 12 + (12 if clock.group(3).lower() == "p" else 0)
    try:
        written = datetime(int(year), month, day, hour, minute, tzinfo=team_zone())
    except ValueError:
        return None
    return written.astimezone(UTC)


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _disposition(part: Message) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:
        return ""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return _clean(str(name))[:255]


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    try:
        payload = part.get_payload()
    except Exception:
        return b""
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _as_bytes(message: Message | None) -> bytes:
    if message is None:
        return b""
    try:
        return message.as_bytes(policy=policy.compat32)
    except Exception:
        return b""


def _decoded_text(part: Message) -> str:
    data = _payload_bytes(part)
    try:
        charset = part.get_content_charset() or ""
    except Exception:
        charset = ""
    return decode_text(data, charset)


def decode_text(data: bytes, charset: str = "") -> str:
    """Decode bytes in their declared charset (read through the one table of labels),
    else as UTF-8, else in the one they look like; never raise."""
    declared = codec_for(charset)
    for candidate in ([declared] if declared else []) + ["utf-8"]:
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    from charset_normalizer import from_bytes  # only text in an unknown charset needs it

    matches = list(from_bytes(data[:200_000])) if data else []
    if not matches:
        return data.decode("latin-1")
    # Short Western text fits several code pages equally well; prefer the one mail
    # clients use most, as they do themselves.
    least_chaos = min(match.chaos for match in matches)
    fitting = [match for match in matches if match.chaos == least_chaos]
    western = [match for match in fitting if match.encoding in WESTERN]
    return str((western or fitting)[0])
