"""Finding leads, folders and contacts whatever the case, accents and script: the board's
search, the clients list and the top bar's search page."""

from __future__ import annotations

import re
from html import unescape

import pytest

from kanban.extensions import db
from kanban.services.queries import MAX_TEXT
from tests.core.test_search_text import SPELLINGS
from tests.factories import ClientFactory, LeadFactory
from tests.web.test_board import CountStatements, card_titles


def group(html: str, kind: str) -> str:
    """Return the HTML of one group of the search page ('' when it is not shown)."""
    match = re.search(rf'<section class="search-group" aria-labelledby="search-{kind}">.*?'
                      r"</section>", html, re.S)
    return match.group(0) if match else ""


def links(html: str) -> list[str]:
    return [unescape(text) for text in re.findall(r'<li>\s*<a href="[^"]+">([^<]*)</a>', html)]


# ---------------------------------------------------------------------------
# The board's search and the clients list
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
@pytest.mark.parametrize("field", ["title", "company", "contact_name"])
def test_board_search_ignores_case_and_accents_in_every_script(
    member_client, pipeline, typed, stored, field
):
    fields = {"title": "Wanted", "company": "X", "contact_name": "Y", field: f"{stored} 2026"}
    LeadFactory(stage=pipeline.stages[0], **fields)
    LeadFactory(stage=pipeline.stages[0], title="Other", company="Other Ltd", contact_name="Z")

    assert card_titles(member_client.get(f"/board?q={typed}").text) == [
        "Wanted" if field != "title" else f"{stored} 2026"]


def test_board_search_finds_a_capitalised_email(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Mail", email="Ivan.Petrov@Romashka.example")

    assert card_titles(member_client.get("/board?q=ivan.petrov@romashka").text) == ["Mail"]


def test_board_search_takes_percent_and_underscore_literally(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Discount 50% off")
    LeadFactory(stage=pipeline.stages[0], title="Discount 50 euros")

    assert card_titles(member_client.get("/board?q=50%25").text) == ["Discount 50% off"]
    assert card_titles(member_client.get("/board?q=50_").text) == []


def test_board_search_does_not_match_across_two_fields(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Acme", company="John")

    assert card_titles(member_client.get("/board?q=acme john").text) == []


@pytest.mark.parametrize("typed", ["351211449404", "+351 21 144 9404", "211-449-404",
                                   "144 9404"])
def test_board_search_finds_a_phone_however_it_is_written(member_client, pipeline, typed):
    LeadFactory(stage=pipeline.stages[0], title="Padaria", phone="+351 21 144 9404")
    LeadFactory(stage=pipeline.stages[0], title="Other", phone="+351 91 000 0000")

    assert card_titles(member_client.get("/board", query_string={"q": typed}).text) == [
        "Padaria"]


def test_a_few_digits_are_not_searched_as_a_phone(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Padaria", phone="+351 21 144 9404")

    assert card_titles(member_client.get("/board?q=21-14").text) == []


def test_the_search_page_finds_a_lead_by_its_phones_digits(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Padaria", phone="+351 21 144 9404")

    html = member_client.get("/search?q=351211449404").text
    assert links(group(html, "leads")) == ["Padaria"]


@pytest.mark.parametrize("typed", ["3331234567", "333-123-4567", "+39 333 123 4567"])
def test_the_search_page_finds_a_contact_by_its_phones_digits(member_client, pipeline, typed):
    LeadFactory(stage=pipeline.stages[0], title="Deal", contact_name="Mario Rossi",
                phone="+39 333 123 4567")
    LeadFactory(stage=pipeline.stages[0], title="Other", contact_name="Ana",
                phone="+39 333 765 4321")

    contacts = group(member_client.get("/search", query_string={"q": typed}).text, "contacts")

    assert links(contacts) == ["Mario Rossi"]
    assert '<span class="search-field">Phone:</span> +39 333 123 4567' in contacts


TWO_NUMBERS = "+39 02 1234567 / 333 1234567"


@pytest.mark.parametrize("typed", ["3331234567", "333 123 4567", "+39 333 1234567"])
def test_the_search_page_finds_a_lead_by_the_second_number_of_its_phone(
    member_client, pipeline, typed
):
    LeadFactory(stage=pipeline.stages[0], title="Trattoria", phone=TWO_NUMBERS)

    leads = group(member_client.get("/search", query_string={"q": typed}).text, "leads")

    assert links(leads) == ["Trattoria"]
    assert f'<span class="search-field">Phone:</span> {TWO_NUMBERS}' in leads


@pytest.mark.parametrize("typed", ["3331234567", "333 123 4567"])
def test_the_search_page_finds_a_contact_by_the_second_number_of_its_phone(
    member_client, pipeline, typed
):
    LeadFactory(stage=pipeline.stages[0], title="Deal", contact_name="Mario Rossi",
                phone=TWO_NUMBERS)

    contacts = group(member_client.get("/search", query_string={"q": typed}).text, "contacts")

    assert links(contacts) == ["Mario Rossi"]


def test_a_number_the_phone_does_not_hold_finds_nothing(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Trattoria", contact_name="Mario Rossi",
                phone=TWO_NUMBERS)

    html = member_client.get("/search", query_string={"q": "347 765 4321"}).text

    assert links(group(html, "leads")) == links(group(html, "contacts")) == []


def test_board_search_finds_a_lead_by_the_second_number_of_its_phone(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Trattoria", phone=TWO_NUMBERS)
    LeadFactory(stage=pipeline.stages[0], title="Other", phone="+39 347 765 4321")

    assert card_titles(member_client.get("/board?q=3331234567").text) == ["Trattoria"]


def test_the_search_page_names_the_phone_a_lead_was_found_by(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Padaria", phone="+351 21 144 9404")

    leads = group(member_client.get("/search?q=351211449404").text, "leads")

    assert '<span class="search-field">Phone:</span> +351 21 144 9404' in leads


def test_board_search_finds_a_lead_after_its_edit(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], title="Before")

    member_client.post(f"/leads/{lead.id}/edit", data={
        "title": "Ñandú Café", "version": lead.version, "stage_id": lead.stage_id,
        "next_action_kind": "todo", "priority": "2", "currency": "EUR"})

    assert card_titles(member_client.get("/board?q=nandu cafe").text) == ["Ñandú Café"]


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_clients_list_search_ignores_case_and_accents(member_client, typed, stored):
    ClientFactory(name=f"{stored} Group")
    ClientFactory(name="Unrelated Ltd")

    html = member_client.get(f"/clients?q={typed}").text

    assert f"{stored} Group" in unescape(html)
    assert "Unrelated Ltd" not in html


# ---------------------------------------------------------------------------
# The top bar's search box
# ---------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_in_the_top_bar(member_client, pipeline):
    html = member_client.get("/board").text

    assert '<form method="get" action="/search" class="topsearch" role="search">' in html
    assert '<label class="sr-only" for="top-q">Find leads, client folders and contacts</label>' \
        in html
    assert 'id="top-q" name="q"' in html


def test_an_empty_search_shows_a_hint_and_runs_no_search(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Anything")

    with CountStatements() as counter:
        html = member_client.get("/search?q=+").text

    assert "Type part of a name, a company, an email or a phone number" in html
    assert 'class="search-group"' not in html
    assert not any("search_text" in statement for statement in counter.statements)


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_search_page_finds_leads_folders_and_contacts_in_every_script(
    member_client, pipeline, typed, stored
):
    lead = LeadFactory(stage=pipeline.stages[0], title=f"Deal {stored}", contact_name="Ana")
    LeadFactory(stage=pipeline.stages[0], title="Contact's deal", contact_name=f"{stored} Ivanova")
    folder = ClientFactory(name=f"{stored} SA")
    LeadFactory(stage=pipeline.stages[0], title="Unrelated", company="None", contact_name="Bob")

    html = member_client.get(f"/search?q={typed}").text

    assert sorted(links(group(html, "leads"))) == ["Contact's deal", f"Deal {stored}"]
    assert f'href="/leads/{lead.id}"' in group(html, "leads")
    assert links(group(html, "folders")) == [f"{stored} SA"]
    assert f'href="/clients/{folder.id}"' in group(html, "folders")
    assert links(group(html, "contacts")) == [f"{stored} Ivanova"]


def test_search_page_counts_each_kind(member_client, pipeline):
    for n in range(3):
        LeadFactory(stage=pipeline.stages[0], title=f"Volga {n}", contact_name="Ana")
    ClientFactory(name="Volga Holdings")

    html = member_client.get("/search?q=volga").text

    assert 'Leads <span class="badge">3</span>' in html
    assert 'Client folders <span class="badge">1</span>' in html
    assert group(html, "contacts") == ""


def test_search_page_shows_the_field_the_text_was_found_in(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Bakery", company="Padaria São João",
                contact_name="Ana", email="ana@padaria.example")

    leads = group(member_client.get("/search?q=sao joao").text, "leads")

    assert '<span class="search-field">Company:</span> Padaria São João' in leads


def test_a_contact_on_several_leads_is_listed_once_with_its_latest_lead(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="First", contact_name="Пётр Волгин",
                email="petr@volga.example")
    latest = LeadFactory(stage=pipeline.stages[0], title="Second", contact_name="Пётр Волгин",
                         email="PETR@volga.example")

    contacts = group(member_client.get("/search?q=петр").text, "contacts")

    assert links(contacts) == ["Пётр Волгин"]
    assert f'href="/leads/{latest.id}"' in contacts
    assert "2 leads, latest: Second" in contacts
    assert 'Contacts <span class="badge">1</span>' in contacts


def test_a_word_in_a_title_only_is_not_a_contact(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Volga river cruise", contact_name="Ana",
                company="Tours")

    html = member_client.get("/search?q=volga").text

    assert links(group(html, "leads")) == ["Volga river cruise"]
    assert group(html, "contacts") == ""


def test_a_long_list_shows_the_first_ones_and_how_many_there_are(member_client, pipeline):
    for n in range(23):
        LeadFactory(stage=pipeline.stages[0], title=f"Ромашка {n}", contact_name="Ana")

    leads = group(member_client.get("/search?q=ромашка").text, "leads")

    assert len(links(leads)) == 20
    assert "Showing the first 20 of 23." in leads
    assert 'href="/board?q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0&amp;status=all"' in leads


def test_nothing_found_says_what_to_try(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Something")

    html = member_client.get("/search?q=zzzz").text

    assert "Nothing contains “zzzz”. Try a shorter part of the word." in html


def test_search_page_escapes_what_people_typed_and_stored(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="<script>alert(1)</script>",
                company="<b>Bold</b>")

    html = member_client.get("/search?q=<script>").text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&lt;script&gt;"' in html  # the top bar's box keeps what was typed


def test_a_nul_in_the_search_is_ignored(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Plain")

    response = member_client.get("/search?q=pla%00in")

    assert response.status_code == 200
    assert links(group(response.text, "leads")) == ["Plain"]


def test_search_needs_a_login(client):
    assert client.get("/search?q=x").status_code == 302


def statements_for_search(client, pipeline, count: int) -> int:
    """Add ``count`` leads, folders and contacts holding "match"; count the page's statements."""
    for n in range(count):
        LeadFactory(stage=pipeline.stages[n % 4], title=f"Match {n}", contact_name=f"Match {n}")
        ClientFactory(name=f"Match folder {n}")
    db.session.expire_all()
    with CountStatements() as counter:
        response = client.get("/search?q=match")
    assert response.status_code == 200
    return counter.count


def test_search_page_runs_as_many_queries_for_40_matches_as_for_3(member_client, pipeline):
    small = statements_for_search(member_client, pipeline, 3)
    big = statements_for_search(member_client, pipeline, 37)

    assert big == small
    assert small <= 12


@pytest.mark.parametrize("path", ["/board", "/clients"])
def test_every_search_box_stops_at_the_searched_length(member_client, pipeline, path):
    html = member_client.get(path).get_data(as_text=True)

    boxes = re.findall(r'<input type="search"[^>]*name="q"[^>]*>', html)
    assert boxes and all(f'maxlength="{MAX_TEXT}"' in box for box in boxes)
