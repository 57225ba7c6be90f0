"""A list's progress, the agenda's call-back section and the results chart, against a
hand-built list."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from kanban_prospects.agenda import call_back_section, won_chart
from kanban_prospects.lists import RowQuery, find_rows
from kanban_prospects.models import RowStatus
from kanban_prospects.progress import progress_of
from kanban_prospects.working import assign, log_touch, make_lead, set_status

from kanban.extensions import db
from kanban.models.base import today, utcnow


def worked_list(make_list, member, pipeline):
    """Eight names: one called (no answer), two to call back, two not interested for one
    reason and one for another, two made leads of which one is won for 1,500 €."""
    plist = make_list([[f"Company {n}", f"Person {n}", "", f"p{n}@example.com", "", ""]
                       for n in range(1, 11)])
    rows = find_rows(plist, RowQuery()).rows
    log_touch(rows[0], "call", "No answer.", user=member)
    set_status(rows[1], RowStatus.CALL_BACK, user=member, call_back_on=today())
    set_status(rows[2], RowStatus.CALL_BACK, user=member, call_back_on=today() + timedelta(9))
    set_status(rows[3], RowStatus.NOT_INTERESTED, user=member, reason="No budget")
    set_status(rows[4], RowStatus.NOT_INTERESTED, user=member, reason="No budget")
    set_status(rows[5], RowStatus.NOT_INTERESTED, user=member, reason="No need")
    make_lead(rows[6], pipeline.stages[0], user=member)
    won = make_lead(rows[7], pipeline.stages[0], user=member)
    won.value, won.status, won.closed_at = Decimal("1500.00"), "won", utcnow()
    db.session.commit()
    return plist


def test_progress_counts_rows_contacted_leads_won_and_reasons(make_list, member, pipeline):
    plist = worked_list(make_list, member, pipeline)
    progress = progress_of([plist.id])[plist.id]
    assert (progress.rows, progress.contacted, progress.call_back, progress.leads,
            progress.won) == (10, 8, 2, 2, 1)
    assert progress.won_value == {"EUR": Decimal("1500.00")}
    assert progress.not_interested == {"No budget": 2, "No need": 1}


def test_a_row_noted_on_an_existing_lead_is_no_lead_made_nor_won_by_the_list(
        make_list, member, pipeline):
    from kanban_prospects.working import note_on_lead

    from tests.factories import LeadFactory

    known = LeadFactory(stage=pipeline.stages[0], email="p1@example.com",
                        value=Decimal("900.00"))
    plist = make_list([["Company 1", "Person 1", "", "p1@example.com", "", ""]])
    note_on_lead(find_rows(plist, RowQuery()).rows[0], known.id, user=member)
    known.status, known.closed_at = "won", utcnow()
    db.session.commit()

    progress = progress_of([plist.id])[plist.id]
    assert (progress.contacted, progress.leads, progress.won) == (1, 0, 0)
    assert progress.won_value == {}


def test_an_empty_list_has_nothing_to_show(make_list):
    plist = make_list()
    assert progress_of([plist.id])[plist.id].rows == 0


def test_rows_due_today_are_on_the_owners_agenda(make_list, member, pipeline, app):
    worked_list(make_list, member, pipeline)
    with app.test_request_context():
        section = call_back_section(member.id)
    assert section.total == 1
    assert section.items[0].text == "Company 2"
    assert not section.items[0].overdue


def test_rows_given_to_someone_are_on_their_agenda_not_the_owners(make_list, member, manager,
                                                                  pipeline, app):
    plist = worked_list(make_list, member, pipeline)
    assign(plist, manager.id, user=manager)
    with app.test_request_context():
        assert call_back_section(member.id).total == 0
        assert call_back_section(manager.id).total == 1


def test_the_agenda_page_shows_the_section_after_the_follow_ups(make_list, member, pipeline,
                                                                member_client):
    worked_list(make_list, member, pipeline)
    page = member_client.get("/agenda").get_data(as_text=True)
    assert page.index("follow-ups-title") < page.index("Prospects to call back")
    assert "Company 2" in page


def test_the_results_chart_shows_what_each_list_won(make_list, member, pipeline, app):
    worked_list(make_list, member, pipeline)
    with app.test_request_context():
        chart = won_chart(today() - timedelta(days=30), today() + timedelta(days=1))
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("Trade fair 2026 (EUR)", Decimal("1500.00"))]
