"""Lists: columns guessed from the header, rows added, read a page at a time with sorting,
filtering and search on any column."""

from __future__ import annotations

import pytest
from kanban_prospects.lists import (
    EXTRA,
    IGNORE,
    RowQuery,
    add_rows,
    columns_from,
    create_list,
    find_rows,
    guess_fields,
)
from kanban_prospects.models import ProspectRow

from kanban.errors import ValidationError


def test_known_headers_map_to_lead_fields_and_the_rest_stay_extra_columns():
    assert guess_fields(["Empresa", "Nome", "Telemóvel", "E-mail", "Cidade"]) == [
        "company", "contact_name", "phone", "email", EXTRA]


def test_a_field_is_guessed_for_one_column_only():
    assert guess_fields(["Phone", "Mobile"]) == ["phone", EXTRA]


def test_rows_keep_every_cell_and_their_contact_fields(make_list, fair_rows):
    plist = make_list(fair_rows)
    row = find_rows(plist, RowQuery()).rows[2]
    assert row.cells[4] == "Казань"
    assert (row.company, row.contact_name, row.phone) == (
        "Волга Трейд", "Ирина Петрова", "+7 843 555 12 34")
    assert row.position == 3


def test_empty_rows_are_skipped_and_short_rows_padded(make_list, member):
    plist = make_list()
    added = add_rows(plist, [["", " ", ""], ["Only a company"]], user=member)
    assert added == 1
    assert find_rows(plist, RowQuery()).rows[0].cells == ["Only a company", "", "", "", "", ""]


def test_a_list_needs_a_name(app, member):
    with pytest.raises(ValidationError) as refused:
        create_list("  ", [{"name": "Company", "field": "company"}], user=member)
    assert "name" in refused.value.fields


def test_a_lead_field_is_given_to_one_column_at_most(app, member):
    with pytest.raises(ValidationError) as refused:
        create_list("Fair", [{"name": "A", "field": "phone"}, {"name": "B", "field": "phone"}],
                    user=member)
    assert "columns" in refused.value.fields


def test_two_columns_of_one_name_are_refused_naming_it(app, member):
    with pytest.raises(ValidationError) as refused:
        create_list("Fair", [{"name": "E-mail", "field": "email"},
                             {"name": "email", "field": ""}], user=member)
    assert refused.value.fields == {
        "columns": "Give each column a name of its own: email is there twice."}


def test_a_name_a_file_repeats_is_numbered():
    columns = columns_from(["Phone", "Notes", "phone", "Notes", "Skip"],
                           ["phone", "", "", "", IGNORE])

    assert [column["name"] for column in columns] == ["Phone", "Notes", "phone (2)", "Notes (2)"]


def test_search_finds_text_in_any_column_whatever_its_case_and_accents(make_list, fair_rows):
    plist = make_list(fair_rows)
    assert [r.company for r in find_rows(plist, RowQuery(text="MILANO")).rows] == [
        "Ferramenta Milano"]
    assert [r.company for r in find_rows(plist, RowQuery(text="казань")).rows] == ["Волга Трейд"]


def test_a_column_filter_looks_in_that_column_only(make_list, fair_rows):
    plist = make_list(fair_rows)
    assert find_rows(plist, RowQuery(column=4, column_text="lisboa")).total == 1
    assert find_rows(plist, RowQuery(column=1, column_text="lisboa")).total == 0


def test_sorting_on_any_column_both_ways(make_list, fair_rows):
    plist = make_list(fair_rows)
    ascending = [r.cells[1] for r in find_rows(plist, RowQuery(sort=1)).rows]
    assert ascending == ["Ana Sousa", "Marco Rossi", "Ирина Петрова"]
    descending = [r.cells[1] for r in find_rows(plist, RowQuery(sort=1, descending=True)).rows]
    assert descending == list(reversed(ascending))


def test_pages_of_fifty(make_list):
    plist = make_list([[f"Company {n:03d}", "", "", "", "", ""] for n in range(120)])
    third = find_rows(plist, RowQuery(page=3))
    assert (third.total, third.pages, len(third.rows)) == (120, 3, 20)
    assert third.rows[0].cells[0] == "Company 100"


def test_a_page_past_the_end_shows_the_last(make_list, fair_rows):
    plist = make_list(fair_rows)
    assert find_rows(plist, RowQuery(page=9)).page == 1


@pytest.mark.parametrize("args,field", [({"sort": "9"}, "sort"), ({"column": "x"}, "column"),
                                        ({"status": "maybe"}, "status")])
def test_bad_filters_name_the_field(make_list, args, field):
    plist = make_list()
    with pytest.raises(ValidationError) as refused:
        RowQuery.from_args(args, plist)
    assert field in refused.value.fields


def test_rows_are_stored_with_their_folded_cells(make_list, fair_rows, app):
    from kanban.extensions import db

    make_list(fair_rows)
    assert db.session.query(ProspectRow).filter_by(position=3).one().folded[4] == "казань"
