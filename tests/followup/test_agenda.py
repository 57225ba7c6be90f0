"""Today's agenda: proposals in progress first, then the follow-ups due, by priority and
date, overdue in red, each with its last note and a way to log the touch in place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kanban import hookimpl
from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.services.agenda import AgendaFilter, load_agenda
from kanban.ui import Notice
from tests.factories import ActivityFactory, ClientFactory, LeadFactory, UserFactory

DAY = date(2026, 11, 30)
TODAY = date.today()


def titles(section) -> list[str]:
    return [entry.lead.title for entry in section.entries]


@pytest.fixture
def stages(pipeline):
    """New, Contacted, Proposal (a proposal stage), Negotiation."""
    return {stage.name: stage for stage in pipeline.stages}


def lead(stages, title, owner, *, stage="New", days=0, kind="todo", **values):
    return LeadFactory(title=title, owner=owner, stage=stages[stage], next_action_kind=kind,
                       next_action_date=DAY + timedelta(days=days) if days is not None else None,
                       **values)


def test_proposals_come_first_even_in_standby(stages, member):
    lead(stages, "Follow-up", member, days=0)
    lead(stages, "Proposal waiting", member, stage="Proposal", days=5, kind="standby")
    agenda = load_agenda(AgendaFilter(owner_id=member.id), DAY)
    assert titles(agenda.proposals) == ["Proposal waiting"]
    assert titles(agenda.follow_ups) == ["Follow-up"]


def test_a_hunters_agenda_puts_prospects_before_clients(stages, member):
    folder = ClientFactory(rating="A")
    LeadFactory(stage=stages["New"], status="won", client=folder)
    lead(stages, "Client A", member, priority=1, client=folder)
    lead(stages, "Prospect 3", member, priority=3)
    member.prospects_first = True
    agenda = load_agenda(AgendaFilter.from_args({}, member), DAY)
    assert titles(agenda.follow_ups) == ["Prospect 3", "Client A"]


def test_follow_ups_are_ordered_by_priority_then_oldest_date(stages, member):
    lead(stages, "P2 today", member, days=0, priority=2)
    lead(stages, "P1 today", member, days=0, priority=1)
    lead(stages, "P2 late", member, days=-3, priority=2)
    lead(stages, "P3 no date", member, days=None, priority=3)
    lead(stages, "P1 late", member, days=-1, priority=1)
    agenda = load_agenda(AgendaFilter(owner_id=member.id), DAY)
    assert titles(agenda.follow_ups) == ["P1 late", "P1 today", "P2 late", "P2 today",
                                         "P3 no date"]


def test_clients_come_before_prospects(stages, member):
    folder = ClientFactory(rating="C")
    LeadFactory(stage=stages["New"], status="won", client=folder)
    lead(stages, "Prospect 1", member, priority=1)
    lead(stages, "Client C", member, priority=3, client=folder)
    agenda = load_agenda(AgendaFilter(owner_id=member.id), DAY)
    assert titles(agenda.follow_ups) == ["Client C", "Prospect 1"]
    assert agenda.follow_ups.entries[0].mark.label == "C"


def test_ordering_by_date_puts_the_oldest_first_whatever_the_priority(stages, member):
    lead(stages, "P1 today", member, days=0, priority=1)
    lead(stages, "P3 late", member, days=-4, priority=3)
    agenda = load_agenda(AgendaFilter(owner_id=member.id, sort="next_action"), DAY)
    assert titles(agenda.follow_ups) == ["P3 late", "P1 today"]


def test_overdue_follow_ups_are_counted_and_marked(stages, member):
    lead(stages, "Late", member, days=-2)
    lead(stages, "Today", member, days=0)
    agenda = load_agenda(AgendaFilter(owner_id=member.id), DAY)
    assert agenda.follow_ups.overdue == 1
    assert [entry.is_overdue for entry in agenda.follow_ups.entries] == [True, False]


def test_standby_closed_and_other_peoples_leads_are_left_out(stages, member):
    lead(stages, "Later", member, days=3, kind="standby")
    lead(stages, "Won", member, status="won")
    lead(stages, "Colleague's", UserFactory())
    agenda = load_agenda(AgendaFilter(owner_id=member.id), DAY)
    assert titles(agenda.follow_ups) == [] and agenda.coming_back == 1


def test_the_whole_teams_agenda_holds_everyones_leads(stages, member):
    lead(stages, "Mine", member)
    lead(stages, "Colleague's", UserFactory())
    agenda = load_agenda(AgendaFilter(owner_id=None), DAY)
    assert sorted(titles(agenda.follow_ups)) == ["Colleague's", "Mine"]


def test_each_line_carries_its_latest_touch_not_the_systems_entries(stages, member):
    item = lead(stages, "Called", member)
    ActivityFactory(lead=item, kind="call", body="Older call",
                    created_at=datetime(2026, 11, 1, tzinfo=UTC))
    ActivityFactory(lead=item, kind="email", body="Newest email",
                    created_at=datetime(2026, 11, 20, tzinfo=UTC))
    ActivityFactory(lead=item, kind="system", body="Lead created",
                    created_at=datetime(2026, 11, 25, tzinfo=UTC))
    [entry] = load_agenda(AgendaFilter(owner_id=member.id), DAY).follow_ups.entries
    assert entry.last_touch.body == "Newest email"


def test_a_long_agenda_shows_a_page_and_counts_the_rest(stages, member):
    for index in range(5):
        lead(stages, f"Lead {index}", member)
    agenda = load_agenda(AgendaFilter(owner_id=member.id), DAY, limit=3)
    assert len(agenda.follow_ups.entries) == 3
    assert agenda.follow_ups.total == 5 and agenda.follow_ups.has_more


def test_starred_and_priority_filters_narrow_the_agenda(stages, member):
    lead(stages, "Starred", member, starred=True, priority=2)
    lead(stages, "First", member, priority=1)
    only_starred = load_agenda(AgendaFilter(owner_id=member.id, starred=True), DAY)
    only_first = load_agenda(AgendaFilter(owner_id=member.id, priority="1"), DAY)
    assert titles(only_starred.follow_ups) == ["Starred"]
    assert titles(only_first.follow_ups) == ["First"]


# The page ------------------------------------------------------------------------------


def test_the_agenda_is_the_home_page(member_client):
    assert member_client.get("/").headers["Location"].endswith("/agenda")


def test_the_agenda_page_shows_overdue_in_red_and_the_last_note(member_client, member,
                                                                 pipeline):
    late = LeadFactory(stage=pipeline.stages[0], owner=member, title="Padaria printers",
                       next_action_date=TODAY - timedelta(days=2),
                       next_action_text="Send the quote")
    ActivityFactory(lead=late, kind="call", body="They want <b>three</b> printers")
    html = member_client.get("/agenda").text
    assert 'class="agenda-item is-overdue"' in html
    assert "Overdue since" in html and "Send the quote" in html
    assert "They want &lt;b&gt;three&lt;/b&gt; printers" in html
    assert f'href="/leads/{late.id}?return_to=/agenda#log-touch"' in html


def test_logging_a_touch_from_the_agenda_goes_back_to_it(member_client, member, pipeline):
    item = LeadFactory(stage=pipeline.stages[0], owner=member)
    response = member_client.post(f"/leads/{item.id}/notes", data={
        "kind": "call", "body": "Spoke to Joana", "follow_up": "next_week",
        "return_to": "/agenda",
    })
    assert response.headers["Location"] == "/agenda"
    db.session.expire_all()
    assert db.session.get(Lead, item.id).next_action_kind == "standby"


def test_the_saved_message_ends_with_one_full_stop_after_a_russian_date(
        member_client, member, pipeline):
    item = LeadFactory(stage=pipeline.stages[0], owner=member, title="Ромашка")
    page = member_client.post(f"/leads/{item.id}/notes", data={
        "kind": "call", "body": "Позвонил", "follow_up": "next_week", "return_to": "/agenda",
    }, headers={"Accept-Language": "ru"}, follow_redirects=True).text
    assert "Ромашка вернётся" in page and "г.</p>" in page and "г..</p>" not in page


def test_a_note_on_a_lead_due_later_says_when_it_is_due(member_client, member, pipeline):
    item = LeadFactory(stage=pipeline.stages[0], owner=member, title="Lemonade",
                       next_action_kind="todo", next_action_date=date.today() + timedelta(days=5))
    page = member_client.post(f"/leads/{item.id}/notes", data={
        "kind": "note", "body": "Their buyer is away", "return_to": "/agenda",
    }, follow_redirects=True).text
    assert "Saved. Lemonade is due on" in page and "comes back" not in page


def test_a_refused_touch_reopens_its_form_on_the_agenda_with_what_was_typed(
    member_client, member, pipeline
):
    item = LeadFactory(stage=pipeline.stages[0], owner=member)
    response = member_client.post(f"/leads/{item.id}/notes", data={
        "kind": "call", "body": "Spoke to Joana", "return_to": "/agenda?sort=next_action",
    })
    assert response.status_code == 422
    assert "Choose when to follow up next." in response.text
    assert "Spoke to Joana</textarea>" in response.text
    assert f'id="touch-{item.id}-body"' in response.text


@pytest.mark.parametrize("return_to", [
    "//evil.example/agenda", "https://evil.example/", "/\\evil.example", "/\t/evil.example",
    "/agenda\r\nSet-Cookie: x=1",
])
def test_touch_posted_with_a_return_address_off_this_site_is_refused_unsaved(
    member_client, member, pipeline, return_to
):
    item = LeadFactory(stage=pipeline.stages[0], owner=member)
    response = member_client.post(f"/leads/{item.id}/notes", data={
        "kind": "note", "body": "x", "return_to": return_to})
    assert response.status_code == 400
    assert "This form came with a wrong return address." in response.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Activity.id)).where(
        Activity.lead_id == item.id, Activity.kind == "note")) == 0


@pytest.mark.parametrize("return_to", ["/agenda\x00", "/agenda\x7f"])
def test_touch_posted_with_a_return_address_that_cannot_be_stored_is_refused_unsaved(
    member_client, member, pipeline, return_to
):
    item = LeadFactory(stage=pipeline.stages[0], owner=member)
    response = member_client.post(f"/leads/{item.id}/notes", data={
        "kind": "note", "body": "x", "return_to": return_to})
    assert response.status_code == 422
    assert "return_to" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Activity.id)).where(
        Activity.lead_id == item.id, Activity.kind == "note")) == 0


def test_star_posted_with_a_return_address_with_control_characters_is_refused_unsaved(
    member_client, member, pipeline
):
    item = LeadFactory(stage=pipeline.stages[0], owner=member)
    response = member_client.post(f"/leads/{item.id}/star", data={
        "starred": "1", "return_to": "/agenda\n"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Lead, item.id).starred is False


def test_star_goes_back_to_the_page_it_was_posted_from(member_client, member, pipeline):
    item = LeadFactory(stage=pipeline.stages[0], owner=member)
    response = member_client.post(f"/leads/{item.id}/star", data={
        "starred": "1", "return_to": "/agenda?sort=next_action"})
    assert response.headers["Location"] == "/agenda?sort=next_action"


@pytest.mark.parametrize(("query", "message"), [
    ("owner_id=ana", "Must be a number."),
    ("owner_id=999999", "This person is not on the team."),
    ("priority=Z", "Use 1, 2 or 3 for prospects, A, B, C or D for clients."),
    ("sort=colour", "Sort by priority or by date."),
])
def test_bad_agenda_choices_get_a_400_in_plain_words(member_client, query, message):
    response = member_client.get(f"/agenda?{query}")
    assert response.status_code == 400
    assert message in response.text


def test_plugins_add_notices_to_the_agenda(member_client, register_plugin):
    class Reminder:
        @hookimpl
        def kanban_ui_agenda_notices(self, user):
            return [Notice(f"<b>2</b> things for {user.name}", "/somewhere", tone="warning")]

    register_plugin(Reminder())
    html = member_client.get("/agenda").text
    assert '<a href="/somewhere">&lt;b&gt;2&lt;/b&gt; things for' in html
    assert 'class="agenda-notice notice-warning"' in html


def test_the_agenda_needs_a_login(client):
    assert client.get("/agenda").status_code == 302


def test_the_agenda_of_a_colleague_who_left_names_them_in_the_choice(member_client, pipeline):
    left = UserFactory(name="Ivan Left", active=False)
    LeadFactory(stage=pipeline.stages[0], owner=left, title="Ivan's lead")

    page = member_client.get(f"/agenda?owner_id={left.id}").text

    assert f'<option value="{left.id}" selected>Ivan Left</option>' in page
