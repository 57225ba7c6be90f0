"""Visitors whose browser asks for Portuguese see the form in Portuguese."""

from __future__ import annotations

from pathlib import Path

import kanban_webform
import pytest

CATALOGUE = Path(kanban_webform.__file__).parent / "translations" / "pt" / "LC_MESSAGES"


@pytest.fixture
def compiled_catalogue() -> None:
    """`make translations` compiles the catalogues; do it here when pytest runs alone."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    mo = CATALOGUE / "messages.mo"
    po = CATALOGUE / "messages.po"
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    with po.open("rb") as source:
        catalogue = read_po(source, locale="pt")
    partial = mo.with_suffix(f".{id(catalogue)}.part")
    with partial.open("wb") as target:
        write_mo(target, catalogue)
    partial.replace(mo)


def test_hosted_form_speaks_the_visitors_language(client, contact_form, compiled_catalogue):
    html = client.get("/f/contact", headers={"Accept-Language": "pt-PT,pt;q=0.9"}).get_data(
        as_text=True)
    assert ">Enviar<" in html and "Deixe este campo vazio" in html


def test_hosted_form_falls_back_to_english(client, contact_form, compiled_catalogue):
    html = client.get("/f/contact", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert ">Send<" in html


def test_validation_messages_are_translated(client, contact_form, compiled_catalogue):
    response = client.post("/f/contact.json", json={"name": "Ana", "email": "ana@"},
                           headers={"Accept-Language": "pt"})
    assert response.get_json()["error"]["fields"]["email"].startswith(
        "Isto não é um endereço de email")
