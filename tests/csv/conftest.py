"""Fixtures for the CSV plugin: the plugin loaded, leads to export, files to import."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from tests.corpora import CORPORA
from tests.factories import LeadFactory

CORPUS = CORPORA / "csv"


@pytest.fixture
def plugins() -> list[str]:
    return ["csv"]


@pytest.fixture
def leads(pipeline, member):
    """Six leads across stages, owners, tags, statuses and awkward text."""
    new, contacted, proposal, _ = pipeline.stages
    return [
        LeadFactory(title="Padaria São João", company="Padaria São João Lda",
                    contact_name="João Gonçalves", email="joao@padaria.example",
                    phone="+351 912 345 678", value=Decimal("1500.50"), stage=new,
                    owner=member, tags=["fair", "bakery"],
                    custom_fields={"Budget": "5k", "How did you hear": "Fair"}),
        LeadFactory(title="Компания Ромашка", company="ООО Ромашка", contact_name="Иван Петров",
                    email="ivan@romashka.example", value=Decimal("2000"), stage=new,
                    tags=["fair"]),
        LeadFactory(title="=HYPERLINK(\"http://evil.example\")", company="@SUM(1+1)",
                    contact_name="-2+3", email="evil@x.example", stage=contacted,
                    description="Line one\nLine \"two\", with comma"),
        LeadFactory(title="Café Milano", company="Caffè Milano Srl", stage=proposal,
                    owner=member, value=None, tags=["agency"]),
        LeadFactory(title="Won deal", stage=proposal, status="won", tags=["fair"]),
        LeadFactory(title="Lost deal", stage=new, status="lost", tags=["fair"]),
    ]


def parse(body: bytes | str, delimiter: str = ",") -> list[list[str]]:
    """Read a downloaded file back as Python's csv module (and spreadsheets) would."""
    text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def write_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
