"""Real-world mail from two public test corpora: every message is stored, ignored as an
automatic message, or quarantined with a reason, and never raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.models import IngestionEntry, MailMessage, QuarantinedMessage
from kanban_email_bcc.parsing import parse_message
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Activity
from tests.corpora import CORPORA, require_corpus

CORPUS = CORPORA / "email"
NOT_MAIL = {"LICENSE", "SOURCES.md"}


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path for sub in ("mail", "flanker") for path in (CORPUS / sub).rglob("*")
        if path.is_file() and path.name not in NOT_MAIL
    )


@pytest.fixture
def backend():
    """The corpus runs on SQLite only, to stay fast."""
    return "sqlite"


def test_the_email_corpus_is_present():
    require_corpus(CORPUS)
    assert len(corpus_files()) > 100


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_message_is_stored_ignored_or_quarantined_with_a_reason(path, address, sales):
    raw = path.read_bytes()

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert result.outcome in ("stored", "ignored", "quarantined"), result.reason
    assert result.reason
    entry = db.session.scalars(select(IngestionEntry)).one()
    assert (entry.outcome, entry.reason) == (result.outcome, result.reason)
    if result.outcome == "stored":
        stored = db.session.get(MailMessage, result.stored_id)
        activity = db.session.get(Activity, stored.activity_id)
        assert activity.kind == "email" and activity.lead_id == result.lead_id
    elif result.outcome == "quarantined":
        assert db.session.scalars(select(QuarantinedMessage)).one().raw == raw


def test_a_corpus_message_with_raw_bytes_in_its_headers_reads_as_sent():
    require_corpus(CORPUS)
    parsed = parse_message((CORPUS / "flanker" / "mailformed-headers.eml").read_bytes())
    assert parsed.subject == "´!"
    assert parsed.sender == ("Юникод запрещен\ufffd", "headers@gmail.com")
