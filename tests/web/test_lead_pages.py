"""The lead pages: create, edit, detail with its timeline and the actions on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.services import leads as lead_service
from kanban.services.ordering import column_order
from tests.conftest import log_in
from tests.factories import ActivityFactory, LeadFactory, UserFactory

HOSTILE = '<script>alert("x")</script>'


def lead_count() -> int:
    return db.session.scalar(select(func.count(Lead.id)))


def form_for(pipeline, **overrides) -> dict[str, str]:
    data = {
        "title": "Printer fleet – Padaria Lisboeta",
        "value": "1500.50",
        "currency": "EUR",
        "contact_name": "Joana Ferreira",
        "company": "Padaria Lisboeta",
        "email": "joana@padaria.example",
        "phone": "+351 912 345 678",
        "owner_id": "",
        "priority": "high",
        "tags": "referral, Lisbon",
        "description": "Three shops, one printer each.",
        "next_action_kind": "todo",
        "next_action_date": "",
        "next_action_text": "Call Joana",
        "stage_id": str(pipeline.stages[1].id),
    }
    data.update(overrides)
    return data


def reload(lead: Lead) -> Lead:
    db.session.expire_all()
    return db.session.get(Lead, lead.id)


# ---------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------


def test_new_lead_form_preselects_the_stage_from_the_board(member_client, pipeline):
    stage = pipeline.stages[2]
    response = member_client.get(f"/leads/new?stage_id={stage.id}")
    assert response.status_code == 200
    assert f'<option selected value="{stage.id}">' in response.text
    assert '<label class="field-label" for="title">' in response.text


def test_new_lead_form_makes_the_current_user_the_owner(manager_client, manager, pipeline):
    response = manager_client.get("/leads/new")
    assert f'<option selected value="{manager.id}">' in response.text


def test_create_lead_saves_every_field_and_shows_the_lead(member_client, member, pipeline):
    response = member_client.post(
        "/leads/new", data=form_for(pipeline, owner_id=str(member.id))
    )
    assert response.status_code == 302
    lead = db.session.scalars(select(Lead)).one()
    assert response.headers["Location"].endswith(f"/leads/{lead.id}")
    assert (lead.title, str(lead.value), lead.stage_id, lead.owner_id, lead.priority) == (
        "Printer fleet – Padaria Lisboeta", "1500.50", pipeline.stages[1].id, member.id, 1
    )
    assert lead.tags == ["lisbon", "referral"]
    assert lead.next_action_text == "Call Joana"


@pytest.mark.parametrize(("language", "typed", "stored"), [
    ("es", "12.000", "12000.00"), ("pt", "25.000", "25000.00"), ("it", "1.500", "1500.00"),
    ("ru", "12.000", "12000.00"), ("es", "12.000,50", "12000.50"), ("es", "12.5", "12.50"),
    ("en", "12.50", "12.50"), ("en", "12,000", "12000.00"),
])
def test_an_amount_is_read_in_the_language_of_the_person_typing_it(
    app, pipeline, language, typed, stored
):
    client = log_in(app.test_client(), UserFactory(locale=language, role="member"))
    assert client.post("/leads/new", data=form_for(pipeline, value=typed)).status_code == 302
    assert str(db.session.scalars(select(Lead)).one().value) == stored


def test_an_amount_that_may_be_thousands_or_decimals_to_its_reader_is_refused(app, pipeline):
    client = log_in(app.test_client(), UserFactory(locale="en", role="member"))

    response = client.post("/leads/new", data=form_for(pipeline, value="12.000"))

    assert response.status_code == 422
    assert "12.000 may be thousands or decimals: write 12000 for thousands" in response.text
    assert db.session.scalars(select(Lead)).first() is None


@pytest.mark.parametrize(("language", "shown"), [("es", 'value="12000,50"'),
                                               ("en", 'value="12000.50"')])
def test_the_edit_form_writes_the_amount_as_the_person_types_it(
    app, pipeline, language, shown
):
    person = UserFactory(locale=language, role="member")
    lead = LeadFactory(stage=pipeline.stages[0], owner=person, value=12000.5)
    client = log_in(app.test_client(), person)
    page = client.get(f"/leads/{lead.id}/edit").text
    assert shown in page


def test_create_lead_without_title_is_refused_with_422_and_keeps_the_input(
    member_client, pipeline
):
    response = member_client.post("/leads/new", data=form_for(pipeline, title=""))
    assert response.status_code == 422
    assert "A lead needs a title." in response.text
    assert 'id="title-error"' in response.text
    assert 'value="Joana Ferreira"' in response.text
    assert "Three shops, one printer each." in response.text
    assert lead_count() == 0


def test_create_lead_with_a_bad_email_names_the_email_field(member_client, pipeline):
    response = member_client.post("/leads/new", data=form_for(pipeline, email="joana@"))
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert "This is not a valid email address." in response.text
    assert 'value="joana@"' in response.text
    assert lead_count() == 0


def test_create_lead_with_a_phone_without_digits_names_the_phone_field(member_client, pipeline):
    response = member_client.post("/leads/new", data=form_for(pipeline, phone="abc"))
    assert response.status_code == 422
    assert 'id="phone-error"' in response.text
    assert "A phone number needs digits." in response.text
    assert lead_count() == 0


def test_create_lead_in_standby_without_a_date_is_refused(member_client, pipeline):
    response = member_client.post(
        "/leads/new", data=form_for(pipeline, next_action_kind="standby", next_action_date="")
    )
    assert response.status_code == 422
    assert 'id="next_action_date-error"' in response.text
    assert lead_count() == 0


def test_create_lead_in_an_unknown_stage_names_the_stage(member_client, pipeline):
    response = member_client.post("/leads/new", data=form_for(pipeline, stage_id="999999"))
    assert response.status_code == 422
    assert 'id="stage_id-error"' in response.text
    assert lead_count() == 0


# ---------------------------------------------------------------------------
# Edit
# ---------------------------------------------------------------------------


def test_edit_form_carries_the_version(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.get(f"/leads/{lead.id}/edit")
    assert response.status_code == 200
    assert f'name="version" type="hidden" value="{lead.version}"' in response.text


def test_edit_lead_records_the_changed_fields_on_the_timeline(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], title="Old title", value=100)
    data = form_for(pipeline, title="New title", value="250", version=str(lead.version))
    del data["owner_id"], data["stage_id"]
    response = member_client.post(f"/leads/{lead.id}/edit", data=data)
    assert response.status_code == 302
    assert reload(lead).title == "New title"
    page = member_client.get(f"/leads/{lead.id}").text
    assert "Old title → New title" in page
    assert "€100.00 → €250.00" in page


def test_edit_with_a_stale_version_is_refused_with_409_and_current_values(
    member_client, member, pipeline
):
    lead = LeadFactory(stage=pipeline.stages[0], title="First title")
    stale = lead.version
    lead_service.update_lead(lead, {"title": "Changed meanwhile"}, user=member)
    data = form_for(pipeline, title="My title", version=str(stale))
    del data["owner_id"], data["stage_id"]
    response = member_client.post(f"/leads/{lead.id}/edit", data=data)
    assert response.status_code == 409
    assert "Someone else changed this lead a moment ago" in response.text
    assert 'value="Changed meanwhile"' in response.text
    assert "My title" in response.text  # what the person typed is not lost
    assert reload(lead).title == "Changed meanwhile"


def test_edit_with_bad_input_is_refused_with_422_and_keeps_the_input(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], title="Kept")
    data = form_for(pipeline, title="Typed", value="a lot", version=str(lead.version))
    del data["owner_id"], data["stage_id"]
    response = member_client.post(f"/leads/{lead.id}/edit", data=data)
    assert response.status_code == 422
    assert 'id="value-error"' in response.text
    assert 'value="a lot"' in response.text
    assert reload(lead).title == "Kept"


def test_member_sees_the_owner_read_only(member_client, pipeline):
    owner = UserFactory(name="Marco Rossi")
    lead = LeadFactory(stage=pipeline.stages[0], owner=owner)
    response = member_client.get(f"/leads/{lead.id}/edit")
    assert 'name="owner_id"' not in response.text
    assert "Marco Rossi" in response.text


def test_member_reassigning_someone_elses_lead_is_refused_with_403(
    member_client, member, pipeline
):
    owner = UserFactory()
    lead = LeadFactory(stage=pipeline.stages[0], owner=owner)
    response = member_client.post(
        f"/leads/{lead.id}/edit",
        data={"title": lead.title, "owner_id": str(member.id), "version": str(lead.version)},
    )
    assert response.status_code == 403
    assert reload(lead).owner_id == owner.id


def test_manager_reassigns_a_lead(manager_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=UserFactory())
    response = manager_client.post(
        f"/leads/{lead.id}/edit",
        data={"title": lead.title, "owner_id": str(member.id), "version": str(lead.version)},
    )
    assert response.status_code == 302
    assert reload(lead).owner_id == member.id


# ---------------------------------------------------------------------------
# Detail and timeline
# ---------------------------------------------------------------------------


def test_unknown_lead_is_404(member_client, pipeline):
    assert member_client.get("/leads/424242").status_code == 404


def test_detail_shows_an_overdue_next_action_in_red(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_date=date.today() - timedelta(3),
                       next_action_text="Send samples")
    response = member_client.get(f"/leads/{lead.id}")
    assert "next-action is-overdue" in response.text
    assert "Overdue since" in response.text
    assert "Send samples" in response.text


def test_detail_marks_a_lead_in_standby(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=date.today() + timedelta(10))
    response = member_client.get(f"/leads/{lead.id}")
    assert "is-standby" in response.text
    assert "Standby until" in response.text
    assert "is-overdue" not in response.text


def test_detail_shows_the_timeline_newest_first(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    ActivityFactory(lead=lead, body="First call", kind="call")
    ActivityFactory(lead=lead, body="Second note")
    text = member_client.get(f"/leads/{lead.id}").text
    assert text.index("Second note") < text.index("First call")


def test_the_timeline_starts_with_the_leads_creation_though_an_entry_is_dated_before_it(
        member_client, member, pipeline):
    lead = lead_service.create_lead({"title": "Printer fleet"}, user=member, source="email",
                                    stage=pipeline.stages[0])
    # The email the lead was made from, dated when it was sent: a moment before.
    lead_service.add_note(lead, "Hello Paula, here is our offer.", user=member, kind="email",
                          created_at=lead.created_at - timedelta(seconds=20))

    text = member_client.get(f"/leads/{lead.id}").text

    assert text.index("Hello Paula") < text.index("Lead created (")


def test_an_email_logged_as_a_touch_reads_as_a_touch_not_as_a_received_message(
        member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    ActivityFactory(lead=lead, body="Sent the price list", kind="email")
    text = member_client.get(f"/leads/{lead.id}").text
    assert "Sent the price list" in text
    assert "(no subject)" not in text and "received" not in text


@pytest.mark.parametrize(("language", "named"), [("en", "Changes"), ("es", "Cambios"),
                                               ("ru", "Изменения")])
def test_the_timeline_names_an_edit_with_a_noun_not_the_button_verb(app, pipeline, language,
                                                                    named):
    lead = LeadFactory(stage=pipeline.stages[0])
    ActivityFactory(lead=lead, kind="edit", body="", payload={"changes": {"title": ["a", "b"]}})
    client = log_in(app.test_client(), UserFactory(locale=language, role="member"))
    page = client.get(f"/leads/{lead.id}").text
    assert f'<span class="entry-kind">{named}</span>' in page


def test_hostile_text_is_escaped_on_the_detail_page_and_timeline(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], title=HOSTILE, company=HOSTILE,
                       description=HOSTILE, tags=["<b>bold</b>"])
    ActivityFactory(lead=lead, body=HOSTILE)
    ActivityFactory(lead=lead, kind="stage_change", body="",
                    payload={"from": HOSTILE, "to": "Won"})
    ActivityFactory(lead=lead, kind="edit", body="",
                    payload={"changes": {"title": [HOSTILE, "x"]}})
    text = member_client.get(f"/leads/{lead.id}").text
    assert "<script>" not in text
    assert "<b>bold</b>" not in text
    assert "&lt;script&gt;" in text


def test_hostile_title_is_escaped_on_the_edit_form(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], title=HOSTILE)
    text = member_client.get(f"/leads/{lead.id}/edit").text
    assert "<script>" not in text


def test_detail_renders_plugin_lead_panels(member_client, pipeline, register_plugin):
    from markupsafe import Markup

    from kanban import hookimpl

    class Panel:
        @hookimpl
        def kanban_ui_lead_panels(self, lead, user):
            return [Markup("<div class='from-plugin'>Panel for #%d</div>") % lead.id]

    register_plugin(Panel())
    lead = LeadFactory(stage=pipeline.stages[0])
    text = member_client.get(f"/leads/{lead.id}").text
    assert f"<div class='from-plugin'>Panel for #{lead.id}</div>" in text


class CallLog:
    """A plugin that logs phone calls and says them from what it stored."""

    from kanban import hookimpl

    @hookimpl
    def kanban_ui_timeline_text(self, kind, body, payload):
        call = payload.get("call_log")
        return f"Call of {call['minutes']} minutes (said now)" if call else None


def test_a_plugins_timeline_entry_is_said_by_the_plugin(member_client, pipeline,
                                                         register_plugin):
    register_plugin(CallLog())
    lead = LeadFactory(stage=pipeline.stages[0])
    ActivityFactory(lead=lead, kind="call", body="Call of 12 minutes (stored)",
                    payload={"call_log": {"minutes": 12}})
    ActivityFactory(lead=lead, kind="note", body="Their own words", payload={"x": 1})
    text = member_client.get(f"/leads/{lead.id}").text
    assert "Call of 12 minutes (said now)" in text and "(stored)" not in text
    assert "Their own words" in text  # an entry no plugin says shows as written


def test_without_the_plugin_its_entry_shows_as_stored(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    ActivityFactory(lead=lead, kind="call", body="Call of 12 minutes (stored)",
                    payload={"call_log": {"minutes": 12}})
    assert "Call of 12 minutes (stored)" in member_client.get(f"/leads/{lead.id}").text


# ---------------------------------------------------------------------------
# Notes and next action
# ---------------------------------------------------------------------------


def test_add_a_call_and_set_the_next_action_at_once(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    later = date.today() + timedelta(14)
    response = member_client.post(f"/leads/{lead.id}/notes", data={
        "kind": "call", "body": "Joana asks to call back in two weeks",
        "follow_up": "date", "follow_up_date": later.isoformat(),
        "next_action_text": "Call back Joana",
    })
    assert response.status_code == 302
    lead = reload(lead)
    assert (lead.next_action_kind, lead.next_action_date, lead.next_action_text) == (
        "standby", later, "Call back Joana")
    assert [a.kind for a in lead.activities] == ["call"]


def test_a_call_without_a_follow_up_is_refused_and_keeps_what_was_typed(member_client,
                                                                         pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/notes", data={
        "kind": "call", "body": "Spoke to Joana",
    })
    assert response.status_code == 422
    assert "Choose when to follow up next." in response.text
    assert "Spoke to Joana" in response.text
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_the_touch_form_starts_with_the_current_next_step(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_text="Send the quote")
    page = member_client.get(f"/leads/{lead.id}").text
    assert 'name="next_action_text" maxlength="255" value="Send the quote"' in page


def test_a_note_may_keep_the_current_next_action(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_text="Send the quote")
    response = member_client.post(f"/leads/{lead.id}/notes", data={
        "kind": "note", "body": "Their accountant is called Rui", "follow_up": "keep",
    })
    assert response.status_code == 302
    assert reload(lead).next_action_text == "Send the quote"


def test_an_empty_note_is_refused_and_nothing_is_saved(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/notes", data={
        "kind": "note", "body": "  ", "next_action_text": "Call back",
    })
    assert response.status_code == 422
    assert 'id="note-body-error"' in response.text
    assert reload(lead).next_action_text == ""
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_a_follow_up_on_a_past_date_saves_nothing_and_names_the_date(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/notes", data={
        "kind": "call", "body": "Spoke to Joana", "follow_up": "date",
        "follow_up_date": (date.today() - timedelta(days=1)).isoformat(),
    })
    assert response.status_code == 422
    assert 'id="note-follow_up_date-error"' in response.text
    assert "Pick today or a later date." in response.text
    assert 'Spoke to Joana' in response.text
    assert db.session.scalar(select(func.count(Activity.id))) == 0


# ---------------------------------------------------------------------------
# Move, close, reopen, delete
# ---------------------------------------------------------------------------


def test_moving_with_the_stage_selector_records_a_stage_change(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    LeadFactory(stage=pipeline.stages[2])
    response = member_client.post(f"/leads/{lead.id}/move", data={
        "stage_id": str(pipeline.stages[2].id), "version": str(lead.version),
    })
    assert response.status_code == 302
    assert column_order(pipeline.stages[2].id)[-1] == lead.id
    text = member_client.get(f"/leads/{lead.id}").text
    assert "New → Proposal" in text


def test_moving_with_a_stale_version_is_refused_with_409(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    stale = lead.version
    lead_service.update_lead(lead, {"title": "Changed"}, user=member)
    response = member_client.post(f"/leads/{lead.id}/move", data={
        "stage_id": str(pipeline.stages[1].id), "version": str(stale),
    })
    assert response.status_code == 409
    assert reload(lead).stage_id == pipeline.stages[0].id


def test_close_as_won(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/close", data={
        "status": "won", "version": str(lead.version),
    })
    assert response.status_code == 302
    assert reload(lead).status == "won"


def test_close_as_lost_joins_the_chosen_and_written_reasons(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    member_client.post(f"/leads/{lead.id}/close", data={
        "status": "lost", "lost_reason": "Price", "lost_reason_text": "20% above the other offer",
        "version": str(lead.version),
    })
    lead = reload(lead)
    assert (lead.status, lead.lost_reason) == ("lost", "Price: 20% above the other offer")


def test_lost_without_a_reason_is_refused_and_nothing_is_saved(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/close", data={
        "status": "lost", "lost_reason": "", "lost_reason_text": " ",
        "version": str(lead.version),
    })
    assert response.status_code == 422
    assert 'id="close-lost_reason-error"' in response.text
    assert reload(lead).status == "open"
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_closing_with_a_stale_version_is_refused_with_409(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    stale = lead.version
    lead_service.update_lead(lead, {"title": "Changed"}, user=member)
    response = member_client.post(f"/leads/{lead.id}/close", data={
        "status": "won", "version": str(stale),
    })
    assert response.status_code == 409
    assert "Someone else changed this lead a moment ago" in response.text
    assert f'value="{reload(lead).version}"' in response.text
    assert reload(lead).status == "open"


def test_reopen_puts_a_closed_lead_back(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], status="cancelled")
    response = member_client.post(f"/leads/{lead.id}/reopen", data={"version": lead.version})
    assert response.status_code == 302
    assert reload(lead).status == "open"


@pytest.mark.parametrize("role_client", ["manager_client", "admin_client"])
def test_managers_and_admins_delete_after_confirming(request, role_client, pipeline):
    client = request.getfixturevalue(role_client)
    lead = LeadFactory(stage=pipeline.stages[0])
    detail = client.get(f"/leads/{lead.id}").text
    assert f'href="/leads/{lead.id}/delete"' in detail
    assert client.get(f"/leads/{lead.id}/delete").status_code == 200
    assert client.post(f"/leads/{lead.id}/delete").status_code == 302
    assert lead_count() == 0


def test_member_does_not_see_delete_and_posting_it_is_403(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    assert f'href="/leads/{lead.id}/delete"' not in member_client.get(f"/leads/{lead.id}").text
    assert member_client.get(f"/leads/{lead.id}/delete").status_code == 403
    assert member_client.post(f"/leads/{lead.id}/delete").status_code == 403
    assert lead_count() == 1


# ---------------------------------------------------------------------------
# CSRF
# ---------------------------------------------------------------------------


class TestWithCsrfOn:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_post_without_the_token_is_refused_and_changes_nothing(
        self, member_client, pipeline
    ):
        response = member_client.post("/leads/new", data=form_for(pipeline))
        assert response.status_code == 400
        assert lead_count() == 0

    def test_the_form_carries_a_token_that_lets_the_post_through(self, member_client, pipeline):
        page = member_client.get("/leads/new").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = member_client.post(
            "/leads/new", data={**form_for(pipeline), "csrf_token": token}
        )
        assert response.status_code == 302
        assert lead_count() == 1


def test_detail_page_ids_are_unique_so_labels_find_their_input(member_client, pipeline):
    import re

    lead = LeadFactory(stage=pipeline.stages[0])
    ids = re.findall(r'\sid="([^"]+)"', member_client.get(f"/leads/{lead.id}").text)
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------------------
# In a real browser, on a phone
# ---------------------------------------------------------------------------

AXE_RUN = """async () => (await axe.run()).violations.map(
    v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""


def audit_on_a_phone(page, user, paths: list[str]) -> dict[str, list]:
    """Log in, open each page 375 px wide; return axe violations and sideways scrolling."""
    from tests.live import ASSETS, log_in

    if not (ASSETS / "axe.min.js").exists():
        pytest.fail("Run `make test-assets` first: the accessibility check needs axe-core.")
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, user.email)
    found = {}
    for path in paths:
        page.goto(path)
        page.add_script_tag(url="/_assets/axe.min.js")
        problems = page.evaluate(AXE_RUN)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            problems.append("the page scrolls sideways")
        found[path] = problems
    return found


@pytest.mark.browser
def test_lead_and_profile_pages_pass_axe_on_a_phone(page, manager, pipeline):
    lead = LeadFactory(
        stage=pipeline.stages[0], owner=manager, title="Printer fleet for three shops " * 3,
        next_action_date=date.today() - timedelta(2), next_action_text="Call Joana",
        description="A long description without breaks " * 20, tags=["referral", "lisbon"],
    )
    ActivityFactory(lead=lead, kind="call", body="Called: wants a quote " * 10)
    ActivityFactory(lead=lead, kind="edit", body="",
                    payload={"changes": {"owner_id": [None, manager.id]}})
    paths = [f"/leads/{lead.id}", "/leads/new", f"/leads/{lead.id}/edit",
             f"/leads/{lead.id}/delete", "/profile"]
    found = audit_on_a_phone(page, manager, paths)
    assert found == {path: [] for path in paths}


def test_bad_input_is_summed_up_with_links_to_each_field(member_client, pipeline):
    response = member_client.post(
        "/leads/new", data=form_for(pipeline, title="", email="nope", value="many")
    )
    assert response.status_code == 422
    for name in ("title", "email", "value"):
        assert f'<a href="#{name}">' in response.text


def test_saving_a_lead_whose_owner_left_keeps_that_owner(manager_client, pipeline):
    former = UserFactory(name="Former Seller", active=False)
    lead = LeadFactory(stage=pipeline.stages[0], owner=former, title="Before")
    page = manager_client.get(f"/leads/{lead.id}/edit").text
    assert f'<option selected value="{former.id}">Former Seller</option>' in page
    response = manager_client.post(f"/leads/{lead.id}/edit", data={
        "title": "After", "owner_id": str(former.id), "version": str(lead.version),
    })
    assert response.status_code == 302
    lead = reload(lead)
    assert (lead.title, lead.owner_id) == ("After", former.id)
