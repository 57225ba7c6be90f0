"""Prospects are rated 1 to 3; a contact with a won lead is a client, rated A to D in its
folder; the marks show on cards and work as filters and sort keys."""

from __future__ import annotations

import re

from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from kanban.services.priorities import priority_mark, priority_marks
from kanban.services.queries import LeadFilter, filter_leads, sort_leads
from tests.conftest import log_in
from tests.factories import ClientFactory, LeadFactory, UserFactory


def selected(priority: str) -> set[str]:
    return set(db.session.scalars(
        filter_leads(LeadFilter(priority=priority, status="open"), select(Lead.title))
    ))


def test_a_lead_without_a_won_deal_is_a_prospect_with_its_priority(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], priority=3)
    mark = priority_mark(lead)
    assert (mark.is_client, mark.label, mark.title) == (False, "3", "Prospect, priority 3")


def test_a_won_lead_with_the_same_email_makes_the_contact_a_client(pipeline):
    LeadFactory(stage=pipeline.stages[0], status="won", email="rui@vinhos.example")
    lead = LeadFactory(stage=pipeline.stages[0], email="rui@vinhos.example", priority=1)
    mark = priority_mark(lead)
    assert (mark.is_client, mark.label) == (True, "Client")


def test_a_won_lead_in_the_same_folder_makes_a_client_with_the_folders_class(pipeline):
    folder = ClientFactory(name="Vinhos do Douro", rating="B")
    LeadFactory(stage=pipeline.stages[0], status="won", client=folder, email="a@x.example")
    lead = LeadFactory(stage=pipeline.stages[0], client=folder, email="b@y.example")
    mark = priority_mark(lead)
    assert (mark.is_client, mark.label, mark.title) == (True, "B", "Client, class B")


def test_lost_and_open_leads_do_not_make_a_client(pipeline):
    folder = ClientFactory(rating="A")
    LeadFactory(stage=pipeline.stages[0], status="lost", client=folder, email="a@x.example")
    lead = LeadFactory(stage=pipeline.stages[0], client=folder, email="a@x.example")
    assert not priority_mark(lead).is_client


def test_leads_without_email_are_not_matched_with_each_other(pipeline):
    LeadFactory(stage=pipeline.stages[0], status="won", email="")
    assert not priority_mark(LeadFactory(stage=pipeline.stages[0], email="")).is_client


def test_a_won_lead_is_a_clients_even_with_only_a_phone(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], status="won", email="", phone="+39 06 1234",
                       priority=2)
    mark = priority_mark(lead)
    assert (mark.is_client, mark.label) == (True, "Client")


def test_marks_for_many_leads_take_one_query(pipeline, app):
    from tests.web.test_board import CountStatements

    for _ in range(30):
        LeadFactory(stage=pipeline.stages[0])
    leads = db.session.scalars(select(Lead)).all()  # as a page has them, loaded
    with CountStatements() as counter:
        marks = priority_marks(leads)
    assert len(marks) == 30 and counter.count == 1


def client_and_prospects(pipeline):
    stage = pipeline.stages[0]
    for rating, name in (("A", "Big"), ("D", "Small")):
        folder = ClientFactory(name=name, rating=rating)
        LeadFactory(stage=stage, status="won", client=folder, email=f"won@{name}.example")
        LeadFactory(stage=stage, title=f"Client {rating}", client=folder, priority=3)
    LeadFactory(stage=stage, status="won", email="solo@x.example")
    LeadFactory(stage=stage, title="Unrated client", email="solo@x.example", priority=1)
    for priority in (3, 1, 2):
        LeadFactory(stage=stage, title=f"Prospect {priority}", priority=priority)


def test_priority_filters_select_classes_and_priorities(pipeline):
    client_and_prospects(pipeline)
    assert selected("A") == {"Client A"}
    assert selected("1") == {"Prospect 1"}
    assert selected("3") == {"Prospect 3"}
    assert selected("clients") == {"Client A", "Client D", "Unrated client"}
    assert selected("prospects") == {"Prospect 1", "Prospect 2", "Prospect 3"}


def test_priority_order_puts_clients_a_to_d_first_then_prospects_1_to_3(pipeline):
    client_and_prospects(pipeline)
    titles = list(db.session.scalars(
        sort_leads(filter_leads(LeadFilter(), select(Lead.title)), "priority")
    ))
    assert titles == ["Client A", "Client D", "Unrated client", "Prospect 1", "Prospect 2",
                      "Prospect 3"]


def test_a_hunters_priority_order_puts_prospects_1_to_3_first_then_clients(pipeline):
    client_and_prospects(pipeline)
    titles = list(db.session.scalars(sort_leads(
        filter_leads(LeadFilter(), select(Lead.title)), "priority", prospects_first=True
    )))
    assert titles == ["Prospect 1", "Prospect 2", "Prospect 3", "Client A", "Client D",
                      "Unrated client"]


def test_a_hunter_sees_the_board_sorted_by_priority_prospects_first(app, pipeline):
    client_and_prospects(pipeline)
    hunter = UserFactory(prospects_first=True)
    html = log_in(app.test_client(), hunter).get("/board?sort=priority").text
    order = [html.index(f">{title}</a>") for title in
             ("Prospect 1", "Prospect 3", "Client A", "Client D", "Unrated client")]
    assert order == sorted(order)


def test_a_starred_lead_comes_first_among_equals(pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Plain", priority=2)
    LeadFactory(stage=pipeline.stages[0], title="Starred", priority=2, starred=True)
    titles = list(db.session.scalars(
        sort_leads(filter_leads(LeadFilter(), select(Lead.title)), "priority")
    ))
    assert titles == ["Starred", "Plain"]


def test_board_sorted_by_priority_shows_the_marks_in_that_order(app, member, pipeline):
    client_and_prospects(pipeline)
    html = log_in(app.test_client(), member).get("/board?sort=priority").text
    assert 'data-sorted' in html
    order = [html.index(f">{title}</a>") for title in
             ("Client A", "Client D", "Unrated client", "Prospect 1", "Prospect 3")]
    assert order == sorted(order)
    assert 'title="Client, class A"' in html
    assert 'title="Client without a class yet: rate it in its client folder"' in html


def test_starred_filter_on_the_board(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Starred one", starred=True)
    LeadFactory(stage=pipeline.stages[0], title="Plain one")
    html = member_client.get("/board?starred=1").text
    assert "Starred one" in html and "Plain one" not in html
    assert 'class="card is-starred"' in html


def test_a_sorted_column_loads_its_next_cards_by_position(app, member, pipeline):
    app.config["BOARD_PAGE_SIZE"] = 2
    for priority in (3, 2, 1, 3, 1):
        LeadFactory(stage=pipeline.stages[0], title=f"P{priority}-{priority}", priority=priority)
    client = log_in(app.test_client(), member)
    response = client.get(f"/board/stages/{pipeline.stages[0].id}/cards?sort=priority&after=2")
    assert response.headers["X-Next-After"] == "4"
    assert response.text.count('<li class="card') == 2


def test_editing_a_lead_sets_its_priority_star_and_folder(member_client, pipeline):
    folder = ClientFactory(name="Padaria")
    lead = LeadFactory(stage=pipeline.stages[0])
    form = {"title": lead.title, "priority": "3", "starred": "y", "client_id": str(folder.id),
            "version": str(lead.version), "next_action_kind": "todo", "currency": "EUR"}
    assert member_client.post(f"/leads/{lead.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    lead = db.session.get(Lead, lead.id)
    assert (lead.priority, lead.starred, lead.client_id) == (3, True, folder.id)


def test_a_priority_out_of_range_is_refused_naming_the_field(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/edit", data={
        "title": lead.title, "priority": "0", "version": str(lead.version)})
    assert response.status_code == 422
    assert "Use 1, 2 or 3 (1 is the most promising)." in response.text


def test_the_edit_form_shows_the_star_and_folder_so_saving_keeps_them(member_client, pipeline):
    folder = ClientFactory(name="Padaria")
    lead = LeadFactory(stage=pipeline.stages[0], starred=True, client=folder)
    html = member_client.get(f"/leads/{lead.id}/edit").text
    star = re.search(r'<input[^>]*id="starred"[^>]*>', html).group(0)
    assert 'type="checkbox"' in star and "checked" in star
    assert f'<option selected value="{folder.id}">Padaria</option>' in html
