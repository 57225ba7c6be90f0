"""The export's columns and the import's targets come from the core's table of lead fields."""

from __future__ import annotations

from kanban_csv.export import COLUMNS_BY_KEY
from kanban_csv.mapping import TARGETS, guess_mapping

from kanban import lead_fields


def test_every_exported_lead_field_is_a_column_with_the_cores_label():
    by_field = {"owner_id": "owner", "client_id": "client"}
    for field in lead_fields.EXPORTED:
        column = COLUMNS_BY_KEY[by_field.get(field.name, field.name)]
        assert column.label is field.label


def test_fields_the_core_keeps_out_of_exports_are_not_columns():
    assert "starred" not in COLUMNS_BY_KEY
    assert "custom_fields" not in COLUMNS_BY_KEY


def test_an_import_can_fill_every_editable_exported_field_but_the_next_action_kind():
    fillable = {field.name for field in lead_fields.EXPORTED if field.editable}
    keys = {"owner_id": "owner", "client_id": "client"}
    assert {keys.get(name, name) for name in fillable} - set(TARGETS) == {"next_action_kind"}


def test_an_export_header_in_every_language_is_guessed_back(app):
    from flask_babel import force_locale

    for language in app.config["LANGUAGES"]:
        with force_locale(language):
            header = [str(COLUMNS_BY_KEY[key].label)
                      for key in ("title", "next_action_time", "status", "owner_email")]
        assert guess_mapping(header) == ["title", "next_action_time", "ignore", "owner"]
