"""Searched text is folded once, in Python, and kept on every write of a lead or a folder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from kanban.extensions import db
from kanban.folding import fold, fold_fields, fold_text
from kanban.models import Client, Lead
from kanban.services import clients as client_service
from kanban.services import leads as lead_service
from tests.factories import ClientFactory, LeadFactory

# (what a person types, what a lead or folder holds): each pair must match.
SPELLINGS = [
    ("nandu", "Ñandú"),
    ("CAFÉ", "café"),
    ("волга", "ВОЛГА"),
    ("αθηνα", "ΑΘΗΝΑ"),
    ("ёлка", "Елка"),
    ("елка", "Ёлка"),
    ("strasse", "Straße"),
    ("sao joao", "São João"),
]


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_typed_and_stored_spellings_fold_alike(typed, stored):
    assert fold(typed) == fold(stored)


@pytest.mark.parametrize(("raw", "folded"), [
    ("  Padaria\tSão   João\n", "padaria sao joao"),
    ("ﬁle", "file"),          # a ligature is its letters
    ("ℌello", "hello"),       # a compatibility letter loses its case too
    ("İstanbul", "istanbul"),
    ("", ""),
])
def test_fold_drops_case_accents_and_extra_spaces(raw, folded):
    assert fold(raw) == folded


def test_different_words_stay_different():
    assert fold("волга") != fold("volga")
    assert fold("cafe") != fold("cafes")


def test_folded_fields_keep_one_line_each_so_a_term_never_spans_two():
    assert fold_fields("Acme", None, "John") == "acme\n\njohn"
    assert fold("acme john") not in fold_fields("Acme", "John")


def test_a_new_lead_holds_its_fields_folded(app, pipeline):
    lead = lead_service.create_lead(
        {"title": "Ñandú Café", "company": "ООО ВОЛГА", "contact_name": "Пётр",
         "email": "Petr@Volga.example", "phone": "+7 495 000"},
        user=None, stage=pipeline.stages[0],
    )

    stored = db.session.scalar(select(Lead.search_text).where(Lead.id == lead.id))
    assert stored == "nandu cafe\nооо волга\nпетр\npetr@volga.example\n+7 495 000"


def test_editing_a_searched_field_refolds_the_lead(app, pipeline):
    lead = LeadFactory(title="Old title", stage=pipeline.stages[0])

    lead_service.update_lead(lead, {"company": "Αθήνα Α.Ε."}, user=None)

    db.session.expire_all()
    assert db.session.get(Lead, lead.id).search_text.split("\n")[:2] == ["old title", "αθηνα α.ε."]


def test_editing_other_fields_leaves_the_search_text_alone(app, pipeline):
    lead = LeadFactory(title="Kept", stage=pipeline.stages[0])
    db.session.execute(update(Lead).where(Lead.id == lead.id).values(search_text="marker"))
    db.session.commit()

    lead_service.update_lead(lead, {"description": "A longer story"}, user=None)

    assert db.session.scalar(select(Lead.search_text).where(Lead.id == lead.id)) == "marker"


def test_a_folder_holds_its_name_folded_when_made_and_renamed(app):
    folder = client_service.create_folder({"name": "Café Ñandú"}, user=None)
    assert db.session.scalar(select(Client.search_text).where(Client.id == folder.id)) == \
        "cafe nandu"

    client_service.update_folder(folder, {"name": "ВОЛГА"}, user=None)

    assert db.session.scalar(select(Client.search_text).where(Client.id == folder.id)) == "волга"


def test_folders_added_in_bulk_hold_their_names_folded(app):
    client_service.add_folders(["Straße GmbH", "Ёлка"])
    db.session.commit()

    stored = dict(db.session.execute(select(Client.name, Client.search_text)).all())
    assert stored == {"Straße GmbH": "strasse gmbh", "Ёлка": "елка"}


def test_folders_from_the_factory_are_folded_too(app):
    folder = ClientFactory(name="ΑΘΗΝΑ")

    assert folder.search_text == "αθηνα"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))
def test_folding_word_by_word_gives_what_folding_the_whole_text_gives(text):
    assert fold(text) == fold_text(text)


@given(st.lists(st.sampled_from(["É", "é", "\u0301", " ", "\u00a0", "¨", "ß", "Σ", "ﬁ", "Ⅻ",
                                 "ё", "ℌ", "a", "\u3000", "İ", "ǅ", "\u2028"]), max_size=30))
def test_folding_marks_spaces_and_compatibility_forms_word_by_word_changes_nothing(chars):
    text = "".join(chars)
    assert fold(text) == fold_text(text)
