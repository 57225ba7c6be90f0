"""Working a row: its status, touches, who works it, and the one step to a lead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from kanban_prospects.lists import RowQuery, find_rows
from kanban_prospects.models import RowStatus
from kanban_prospects.working import (
    assign,
    log_touch,
    make_lead,
    note_on_lead,
    open_lead_for,
    set_status,
)

from kanban.errors import Conflict, PermissionDenied, ValidationError
from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.models.base import today
from kanban.words import timeline_text
from tests.factories import LeadFactory


def first_row(plist):
    return find_rows(plist, RowQuery()).rows[0]


def test_call_back_later_keeps_the_date(make_list, fair_rows, member):
    row = first_row(make_list(fair_rows))
    set_status(row, RowStatus.CALL_BACK, user=member, call_back_on=today() + timedelta(days=3))
    assert (row.status, row.call_back_on) == (RowStatus.CALL_BACK, today() + timedelta(days=3))
    assert row.contacted_at is not None


def test_call_back_needs_a_date_not_in_the_past(make_list, fair_rows, member):
    row = first_row(make_list(fair_rows))
    with pytest.raises(ValidationError) as no_date:
        set_status(row, RowStatus.CALL_BACK, user=member)
    with pytest.raises(ValidationError) as past:
        set_status(row, RowStatus.CALL_BACK, user=member, call_back_on=date(2020, 1, 1))
    assert "call_back_on" in no_date.value.fields and "call_back_on" in past.value.fields


def test_a_call_back_day_years_away_is_refused_as_a_follow_up_is(app, make_list, fair_rows,
                                                                 member):
    row = first_row(make_list(fair_rows))
    with pytest.raises(ValidationError) as caught:
        set_status(row, RowStatus.CALL_BACK, user=member, call_back_on=date(2099, 12, 31))
    assert caught.value.fields["call_back_on"].startswith("Pick a date within two years, by ")


def test_not_interested_needs_a_reason(make_list, fair_rows, member):
    row = first_row(make_list(fair_rows))
    with pytest.raises(ValidationError) as refused:
        set_status(row, RowStatus.NOT_INTERESTED, user=member, reason="  ")
    assert "reason" in refused.value.fields
    set_status(row, RowStatus.NOT_INTERESTED, user=member, reason="No budget")
    assert (row.status, row.reason, row.call_back_on) == (RowStatus.NOT_INTERESTED,
                                                          "No budget", None)


def test_a_row_goes_back_to_to_contact_without_its_date_or_reason(make_list, fair_rows, member):
    row = first_row(make_list(fair_rows))
    set_status(row, RowStatus.NOT_INTERESTED, user=member, reason="No need")
    set_status(row, RowStatus.TO_CONTACT, user=member)
    assert (row.status, row.reason) == (RowStatus.TO_CONTACT, "")


def test_became_a_lead_is_not_a_status_anyone_sets(make_list, fair_rows, member):
    row = first_row(make_list(fair_rows))
    with pytest.raises(ValidationError):
        set_status(row, RowStatus.LEAD, user=member)


def test_make_a_lead_fills_its_fields_and_keeps_the_extra_columns(make_list, fair_rows,
                                                                   member, pipeline):
    row = first_row(make_list(fair_rows))
    lead = make_lead(row, pipeline.stages[1], user=member)
    assert (lead.title, lead.company, lead.contact_name, lead.email, lead.phone) == (
        "Padaria Lisboa", "Padaria Lisboa", "Ana Sousa", "ana@padaria.example",
        "+351 912 345 678")
    assert lead.description == "City: Lisboa\nEmployees: 12"
    assert (lead.stage_id, lead.source, lead.owner_id) == (pipeline.stages[1].id, "prospects",
                                                          member.id)


def test_make_a_lead_links_the_row_and_says_where_it_came_from(make_list, fair_rows, member,
                                                                pipeline):
    plist = make_list(fair_rows)
    row = first_row(plist)
    lead = make_lead(row, pipeline.stages[0], user=member)
    assert (row.status, row.lead_id) == (RowStatus.LEAD, lead.id)
    entry = db.session.query(Activity).filter_by(lead_id=lead.id).order_by(Activity.id).first()
    assert timeline_text(entry.kind, entry.body, entry.payload) == (
        "Lead created (Prospect list) from row 1 of Trade fair 2026")


def test_touches_logged_on_a_row_are_carried_into_the_leads_timeline(make_list, fair_rows,
                                                                      member, pipeline):
    row = first_row(make_list(fair_rows))
    log_touch(row, "call", "Asked for prices; call again after the fair.", user=member)
    lead = make_lead(row, pipeline.stages[0], user=member)
    carried = db.session.query(Activity).filter_by(lead_id=lead.id, kind="call").one()
    assert (carried.body, carried.author_id) == ("Asked for prices; call again after the fair.",
                                                 member.id)


def test_a_second_click_makes_no_second_lead(make_list, fair_rows, member, pipeline):
    row = first_row(make_list(fair_rows))
    make_lead(row, pipeline.stages[0], user=member)
    with pytest.raises(Conflict):
        make_lead(row, pipeline.stages[0], user=member)
    assert db.session.query(Lead).count() == 1


def test_a_row_taken_meanwhile_leaves_no_lead(make_list, fair_rows, member, pipeline):
    row = first_row(make_list(fair_rows))
    make_lead(row, pipeline.stages[0], user=member)
    db.session.expunge(row)  # as another request read it before the first click's commit
    row.status = RowStatus.TO_CONTACT
    with pytest.raises(Conflict):
        make_lead(row, pipeline.stages[0], user=member)
    db.session.rollback()
    assert db.session.query(Lead).count() == 1


def test_a_row_whose_phone_is_on_an_open_lead_is_offered_that_lead(make_list, fair_rows,
                                                                     pipeline, member):
    known = LeadFactory(stage=pipeline.stages[2], phone="912-345-678", email="")
    row = first_row(make_list(fair_rows))
    assert open_lead_for(row).id == known.id


def test_a_closed_lead_is_not_offered(make_list, fair_rows, pipeline):
    LeadFactory(stage=pipeline.stages[2], email="ana@padaria.example", status="lost")
    assert open_lead_for(first_row(make_list(fair_rows))) is None


def test_a_note_on_the_open_lead_links_the_row_to_it(make_list, fair_rows, pipeline, member):
    known = LeadFactory(stage=pipeline.stages[2], email="ana@padaria.example")
    row = first_row(make_list(fair_rows))
    log_touch(row, "note", "Met at the stand.", user=member)
    note_on_lead(row, known.id, user=member)
    assert (row.status, row.lead_id) == (RowStatus.NOTED, known.id)
    texts = [timeline_text(a.kind, a.body, a.payload)
             for a in db.session.query(Activity).filter_by(lead_id=known.id)]
    assert "Also on row 1 of Trade fair 2026" in texts and "Met at the stand." in texts
    assert db.session.query(Lead).count() == 1


def test_a_row_noted_on_a_lead_cannot_become_a_lead_of_its_own(make_list, fair_rows, pipeline,
                                                                member):
    known = LeadFactory(stage=pipeline.stages[2], email="ana@padaria.example")
    row = first_row(make_list(fair_rows))
    note_on_lead(row, known.id, user=member)
    with pytest.raises(Conflict) as refused:
        make_lead(row, pipeline.stages[0], user=member)
    assert refused.value.message == "This row is already on an open lead."
    assert db.session.query(Lead).count() == 1


def test_a_touch_on_a_row_that_became_a_lead_goes_to_the_lead_too(make_list, fair_rows,
                                                                   member, pipeline):
    row = first_row(make_list(fair_rows))
    lead = make_lead(row, pipeline.stages[0], user=member)
    log_touch(row, "email", "Sent the catalogue.", user=member)
    assert db.session.query(Activity).filter_by(lead_id=lead.id, kind="email").count() == 1


def test_an_empty_touch_is_refused(make_list, fair_rows, member):
    with pytest.raises(ValidationError) as refused:
        log_touch(first_row(make_list(fair_rows)), "call", " ", user=member)
    assert "body" in refused.value.fields


def test_a_manager_gives_a_whole_list_to_a_salesperson(make_list, fair_rows, manager, member):
    plist = make_list(fair_rows)
    assert assign(plist, member.id, user=manager) == 3
    assert {r.assignee_id for r in find_rows(plist, RowQuery()).rows} == {member.id}


def test_only_managers_give_rows(make_list, fair_rows, member):
    with pytest.raises(PermissionDenied):
        assign(make_list(fair_rows), member.id, user=member)


def test_a_row_given_to_someone_becomes_their_lead(make_list, fair_rows, manager, member,
                                                   pipeline):
    plist = make_list(fair_rows, owner=manager)
    row = first_row(plist)
    assign([row], member.id, user=manager)
    db.session.refresh(row)
    assert make_lead(row, pipeline.stages[0], user=manager).owner_id == member.id


def test_deleting_a_list_keeps_the_leads_made_from_it(make_list, fair_rows, member, pipeline):
    from kanban_prospects.models import ProspectList, ProspectRow
    from kanban_prospects.working import delete_list

    plist = make_list(fair_rows)
    make_lead(first_row(plist), pipeline.stages[0], user=member)
    delete_list(plist, user=member)
    assert db.session.query(ProspectList).count() == 0
    assert db.session.query(ProspectRow).count() == 0
    assert db.session.query(Lead).count() == 1


def test_only_its_owner_or_a_manager_deletes_a_list(make_list, fair_rows, manager, member):
    from kanban_prospects.working import delete_list

    from tests.factories import UserFactory

    plist = make_list(fair_rows)
    with pytest.raises(PermissionDenied):
        delete_list(plist, user=UserFactory(role="member"))
    delete_list(plist, user=manager)


def test_a_note_on_a_lead_closed_meanwhile_is_refused(make_list, fair_rows, pipeline, member):
    closed = LeadFactory(stage=pipeline.stages[2], email="ana@padaria.example", status="won")
    with pytest.raises(ValidationError) as refused:
        note_on_lead(first_row(make_list(fair_rows)), closed.id, user=member)
    assert "existing_lead_id" in refused.value.fields
