"""Fixtures for the prospect lists: the plugin loaded, and lists built the way users do."""

from __future__ import annotations

import pytest
from kanban_prospects.lists import columns_from, create_list, guess_fields


@pytest.fixture
def plugins() -> list[str]:
    return ["prospects"]


HEADER = ["Company", "Contact", "Phone", "Email", "City", "Employees"]


@pytest.fixture
def make_list(app, member):
    """Build a list owned by ``member`` (or ``owner``) with the trade-fair columns and rows."""

    def build(rows=(), *, name="Trade fair 2026", header=HEADER, owner=None):
        from kanban_prospects.lists import add_rows

        owner = owner or member
        plist = create_list(name, columns_from(header, guess_fields(header)), user=owner)
        add_rows(plist, rows, user=owner)
        return plist

    return build


@pytest.fixture
def fair_rows():
    return [
        ["Padaria Lisboa", "Ana Sousa", "+351 912 345 678", "ana@padaria.example", "Lisboa", "12"],
        ["Ferramenta Milano", "Marco Rossi", "+39 02 1234 5678", "marco@ferramenta.example",
         "Milano", "40"],
        ["Волга Трейд", "Ирина Петрова", "+7 843 555 12 34", "irina@volga.example", "Казань",
         "250"],
    ]
