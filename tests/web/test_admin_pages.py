"""The admin pages: the team and the pipelines, for admins only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from kanban.auth.tokens import create_token
from kanban.extensions import db
from kanban.models import Lead, Pipeline, Stage, User
from tests.factories import LeadFactory, PipelineFactory, UserFactory

ADMIN_PAGES = ["/admin/team", "/admin/pipelines"]


def reload(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def stage_names(pipeline_id: int) -> list[str]:
    return [s.name for s in reload(Pipeline, pipeline_id).stages]


# ---------------------------------------------------------------------------
# Who may come in
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("role_client", ["member_client", "manager_client"])
def test_non_admins_get_403(app, request, role_client, path):
    assert request.getfixturevalue(role_client).get(path).status_code == 403


def test_a_manager_posting_a_new_user_gets_403_and_nobody_is_added(manager_client):
    response = manager_client.post("/admin/team", data={
        "email": "intruder@example.com", "role": "admin", "password": "long enough",
    })
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).where(User.email == "intruder@example.com")) == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/team")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admins_see_the_admin_pages(admin_client, pipeline, path):
    assert admin_client.get(path).status_code == 200


def test_admin_sees_the_admin_link_and_a_member_does_not(admin_client, member_client, pipeline):
    assert 'href="/admin/"' in admin_client.get("/board").text
    assert 'href="/admin/"' not in member_client.get("/board").text


# ---------------------------------------------------------------------------
# The team
# ---------------------------------------------------------------------------


def test_adding_a_person_with_a_generated_password_shows_it_once(admin_client):
    response = admin_client.post("/admin/team", data={
        "email": "Marco.Rossi@example.com", "name": "Marco Rossi", "role": "manager",
        "password": "",
    })
    assert response.status_code == 200
    password = re.search(r'<code id="new-password">([^<]+)</code>', response.text).group(1)
    person = db.session.scalars(select(User).where(User.email == "marco.rossi@example.com")).one()
    assert person.role == "manager"
    assert person.check_password(password)
    assert 'id="new-password"' not in admin_client.get("/admin/team").text


def test_adding_a_person_with_a_typed_password(admin_client):
    admin_client.post("/admin/team", data={
        "email": "lucia@example.com", "role": "member", "password": "typed by the admin",
    })
    person = db.session.scalars(select(User).where(User.email == "lucia@example.com")).one()
    assert person.check_password("typed by the admin")


def test_a_duplicate_email_is_refused_with_the_field_named(admin_client):
    UserFactory(email="ana@example.com")
    response = admin_client.post("/admin/team", data={
        "email": "ANA@example.com", "name": "Second Ana", "role": "member", "password": "",
    })
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert "already uses this email" in response.text
    assert 'value="Second Ana"' in response.text
    assert db.session.scalar(select(func.count()).where(User.name == "Second Ana")) == 0


def test_a_short_typed_password_is_refused(admin_client):
    response = admin_client.post("/admin/team", data={
        "email": "short@example.com", "role": "member", "password": "abc",
    })
    assert response.status_code == 422
    assert 'id="password-error"' in response.text


def test_changing_a_role(admin_client, member):
    response = admin_client.post(f"/admin/team/{member.id}/role", data={"role": "manager"})
    assert response.status_code == 302
    assert reload(User, member.id).role == "manager"


def test_the_last_admin_cannot_be_demoted(admin_client, admin):
    response = admin_client.post(f"/admin/team/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 422
    assert "last admin" in response.text
    assert reload(User, admin.id).role == "admin"


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    UserFactory(role="admin")
    response = admin_client.post(f"/admin/team/{admin.id}/deactivate")
    assert response.status_code == 422
    assert reload(User, admin.id).active is True


def test_the_last_admin_cannot_be_deactivated_by_anyone(app, admin):
    from tests.conftest import log_in

    other_admin = UserFactory(role="admin")
    client = log_in(app.test_client(), other_admin)
    client.post(f"/admin/team/{admin.id}/deactivate")  # one of two admins: allowed
    assert reload(User, admin.id).active is False
    response = client.post(f"/admin/team/{other_admin.id}/deactivate")
    assert response.status_code == 422
    assert reload(User, other_admin.id).active is True


def test_deactivate_and_reactivate_a_member(admin_client, member):
    assert admin_client.post(f"/admin/team/{member.id}/deactivate").status_code == 302
    assert reload(User, member.id).active is False
    assert admin_client.post(f"/admin/team/{member.id}/reactivate").status_code == 302
    assert reload(User, member.id).active is True


def test_a_deactivated_member_is_logged_out(member_client, member, admin_client):
    admin_client.post(f"/admin/team/{member.id}/deactivate")
    assert member_client.get("/board").status_code == 302


def test_unknown_person_is_404(admin_client):
    assert admin_client.post("/admin/team/99999/deactivate").status_code == 404


def test_the_team_page_links_to_each_persons_email_and_password(admin_client, member):
    assert f'href="/admin/team/{member.id}"' in admin_client.get("/admin/team").text


def test_an_admin_sets_a_temporary_password_and_the_person_is_logged_out(
        admin_client, member_client, member):
    response = admin_client.post(f"/admin/team/{member.id}/password",
                                 data={"password": "temporary pass"})
    assert response.status_code == 200
    assert reload(User, member.id).check_password("temporary pass")
    assert '<code id="new-password">temporary pass</code>' in response.text
    assert "tell them to change this one on their profile page" in response.text
    assert member_client.get("/board").status_code == 302


def test_an_empty_new_password_is_generated_and_shown_once(admin_client, member):
    response = admin_client.post(f"/admin/team/{member.id}/password", data={"password": ""})
    password = re.search(r'<code id="new-password">([^<]+)</code>', response.text).group(1)
    assert reload(User, member.id).check_password(password)
    assert 'id="new-password"' not in admin_client.get(f"/admin/team/{member.id}").text


def test_a_short_new_password_is_refused_with_the_field_named(admin_client, member):
    old_hash = member.password_hash
    response = admin_client.post(f"/admin/team/{member.id}/password", data={"password": "abc"})
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert reload(User, member.id).password_hash == old_hash


def test_an_admin_changes_their_own_password_on_the_profile_page(admin_client, admin):
    old_hash = admin.password_hash
    response = admin_client.post(f"/admin/team/{admin.id}/password",
                                 data={"password": "temporary pass"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profile")
    assert reload(User, admin.id).password_hash == old_hash


def test_a_manager_cannot_set_someone_elses_password(manager_client, member):
    old_hash = member.password_hash
    response = manager_client.post(f"/admin/team/{member.id}/password",
                                   data={"password": "taken over!"})
    assert response.status_code == 403
    assert reload(User, member.id).password_hash == old_hash


def test_setting_the_password_of_an_unknown_person_is_404(admin_client):
    response = admin_client.post("/admin/team/99999/password", data={"password": "long enough"})
    assert response.status_code == 404


def test_an_admin_corrects_a_persons_email(admin_client, member):
    response = admin_client.post(f"/admin/team/{member.id}/email",
                                 data={"email": " Ana.Silva@Example.com "})
    assert response.status_code == 302
    assert reload(User, member.id).email == "ana.silva@example.com"


def test_an_email_another_person_uses_is_refused_with_the_field_named(admin_client, member):
    UserFactory(email="taken@example.com")
    response = admin_client.post(f"/admin/team/{member.id}/email",
                                 data={"email": "TAKEN@example.com"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert "already uses this email" in response.text
    assert 'value="TAKEN@example.com"' in response.text
    assert reload(User, member.id).email != "taken@example.com"


def test_a_person_keeping_their_own_email_is_not_a_duplicate(admin_client, member):
    response = admin_client.post(f"/admin/team/{member.id}/email",
                                 data={"email": member.email.upper()})
    assert response.status_code == 302


def test_an_email_that_is_not_an_address_is_refused(admin_client, member):
    email = member.email
    response = admin_client.post(f"/admin/team/{member.id}/email", data={"email": "ana at home"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert reload(User, member.id).email == email


def test_a_manager_cannot_change_someones_email(manager_client, member):
    email = member.email
    response = manager_client.post(f"/admin/team/{member.id}/email",
                                   data={"email": "elsewhere@example.com"})
    assert response.status_code == 403
    assert reload(User, member.id).email == email


def test_hostile_names_are_escaped_on_the_team_page(admin_client):
    UserFactory(name='<script>alert("x")</script>')
    text = admin_client.get("/admin/team").text
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text


# ---------------------------------------------------------------------------
# Pipelines and stages
# ---------------------------------------------------------------------------


def test_creating_a_pipeline_with_its_stages(admin_client):
    response = admin_client.post("/admin/pipelines", data={
        "name": "Renewals", "stages": "Due\r\nOffer sent\r\n\r\nSigned\r\n",
    })
    assert response.status_code == 302
    pipeline = db.session.scalars(select(Pipeline).where(Pipeline.name == "Renewals")).one()
    assert stage_names(pipeline.id) == ["Due", "Offer sent", "Signed"]


def test_creating_a_pipeline_without_stages_names_the_field(admin_client):
    response = admin_client.post("/admin/pipelines", data={"name": "Empty", "stages": " "})
    assert response.status_code == 422
    assert 'id="stages-error"' in response.text
    assert 'value="Empty"' in response.text
    assert db.session.scalar(select(func.count(Pipeline.id))) == 0


def test_renaming_a_pipeline(admin_client, pipeline):
    admin_client.post(f"/admin/pipelines/{pipeline.id}/rename", data={"name": "Lisbon sales"})
    assert reload(Pipeline, pipeline.id).name == "Lisbon sales"


def test_adding_a_proposal_stage(admin_client, pipeline):
    admin_client.post(f"/admin/pipelines/{pipeline.id}/stages",
                      data={"name": "Contract", "is_proposal": "1"})
    stage = reload(Pipeline, pipeline.id).stages[-1]
    assert (stage.name, stage.is_proposal) == ("Contract", True)


def test_renaming_a_stage_to_a_name_in_use_is_refused(admin_client, pipeline):
    response = admin_client.post(f"/admin/stages/{pipeline.stages[0].id}/rename",
                                 data={"name": "Proposal"})
    assert response.status_code == 422
    assert "already has a stage called Proposal" in response.text
    assert stage_names(pipeline.id)[0] == "New"


def test_a_refused_stage_name_stays_in_its_field_named_and_focused(admin_client, pipeline):
    stage = pipeline.stages[0]
    page = admin_client.post(f"/admin/stages/{stage.id}/rename",
                             data={"name": "proposal"}).text

    field = re.search(rf'<input id="stage-{stage.id}-name"[^>]*>', page).group(0)
    assert 'value="proposal"' in field
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert f'id="stage-{stage.id}-name-error"' in page and "Choose another name." in page


def test_only_the_refused_field_keeps_what_was_typed(admin_client, pipeline):
    page = admin_client.post(f"/admin/stages/{pipeline.stages[0].id}/rename",
                             data={"name": "Proposal"}).text

    other = re.search(rf'<input id="stage-{pipeline.stages[1].id}-name"[^>]*>', page).group(0)
    assert 'value="Contacted"' in other and "aria-invalid" not in other
    assert page.count("autofocus") == 1


def test_a_refused_new_stage_keeps_its_typed_name(admin_client, pipeline):
    page = admin_client.post(f"/admin/pipelines/{pipeline.id}/stages",
                             data={"name": "Negotiation"}).text

    field = re.search(rf'<input id="pipeline-{pipeline.id}-new-stage"[^>]*>', page).group(0)
    assert 'value="Negotiation"' in field and 'aria-invalid="true"' in field


def test_a_refused_win_probability_keeps_what_was_typed(admin_client, pipeline):
    stage = pipeline.stages[1]
    page = admin_client.post(f"/admin/stages/{stage.id}/probability",
                             data={"win_probability": "150"}).text

    field = re.search(rf'<input id="stage-{stage.id}-probability"[^>]*>', page).group(0)
    assert 'value="150"' in field and 'aria-invalid="true"' in field
    assert "From 0 to 100." in page


def test_moving_a_stage_down(admin_client, pipeline):
    admin_client.post(f"/admin/stages/{pipeline.stages[0].id}/move", data={"direction": "down"})
    assert stage_names(pipeline.id) == ["Contacted", "New", "Proposal", "Negotiation"]


@pytest.mark.parametrize(("position", "direction", "focused"), [
    (0, "down", "Move New right"), (2, "up", "Move Proposal left"),
    (1, "up", "Move Contacted right"),  # now first: the way back is the one left
    (2, "down", "Move Proposal left"),  # now last
])
def test_after_moving_a_stage_the_keyboard_is_on_its_button_again(
        admin_client, pipeline, position, direction, focused):
    stage = pipeline.stages[position]
    response = admin_client.post(f"/admin/stages/{stage.id}/move", data={"direction": direction},
                                 follow_redirects=True)
    assert "The stage has moved." in response.text
    assert re.findall(r"<button type=\"submit\" autofocus>([^<]*)</button>", response.text) == [
        focused]


def test_marking_a_stage_as_proposal(admin_client, pipeline):
    stage_id = pipeline.stages[3].id
    admin_client.post(f"/admin/stages/{stage_id}/proposal", data={"is_proposal": "1"})
    assert reload(Stage, stage_id).is_proposal is True
    admin_client.post(f"/admin/stages/{stage_id}/proposal", data={"is_proposal": "0"})
    assert reload(Stage, stage_id).is_proposal is False


def test_deleting_an_empty_stage(admin_client, pipeline):
    stage_id = pipeline.stages[3].id
    assert admin_client.post(f"/admin/stages/{stage_id}/delete").status_code == 302
    assert reload(Stage, stage_id) is None


def test_a_stage_with_leads_cannot_be_deleted_and_the_page_says_so(admin_client, pipeline):
    stage = pipeline.stages[1]
    LeadFactory(stage=stage)
    page = admin_client.get("/admin/pipelines").text
    assert f'action="/admin/stages/{stage.id}/delete"' not in page
    response = admin_client.post(f"/admin/stages/{stage.id}/delete")
    assert response.status_code == 422
    assert "still holds 1 open lead. Move it to another stage first." in response.text
    assert reload(Stage, stage.id) is not None


def test_a_stage_holding_only_closed_leads_is_deleted_and_they_keep_their_close(
        admin_client, pipeline):
    before, stage = pipeline.stages[0], pipeline.stages[1]
    closed_at = datetime(2026, 3, 10, 15, tzinfo=UTC)
    won = LeadFactory(stage=stage, status="won", closed_at=closed_at)
    LeadFactory(stage=stage, status="lost", lost_reason="Price", closed_at=closed_at)
    LeadFactory(stage=before)  # the board's own cards stay as they are

    response = admin_client.post(f"/admin/stages/{stage.id}/delete", follow_redirects=True)

    assert "The stage is deleted; its 2 closed leads are now in New." in response.text
    assert reload(Stage, stage.id) is None
    won = reload(Lead, won.id)
    assert (won.stage_id, won.status, won.closed_at) == (before.id, "won", closed_at)


def test_the_api_deletes_a_stage_holding_only_closed_leads(admin, pipeline, client):
    stage, after = pipeline.stages[0], pipeline.stages[1]
    lead = LeadFactory(stage=stage, status="cancelled", closed_at=datetime.now(UTC))
    _token, secret = create_token(admin, "x")

    response = client.delete(f"/api/v1/stages/{stage.id}",
                             headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 204
    assert reload(Lead, lead.id).stage_id == after.id  # the first stage's go to the next


def test_a_stage_counts_its_open_leads_as_the_board_does_and_the_closed_apart(admin_client,
                                                                              pipeline):
    stage = pipeline.stages[1]
    LeadFactory.create_batch(2, stage=stage)
    LeadFactory(stage=stage, status="won")
    page = admin_client.get("/admin/pipelines").text
    assert "2 open leads (1 closed)" in page


def test_a_pipeline_with_leads_cannot_be_deleted(admin_client, pipeline):
    LeadFactory(stage=pipeline.stages[0])
    response = admin_client.post(f"/admin/pipelines/{pipeline.id}/delete")
    assert response.status_code == 422
    assert reload(Pipeline, pipeline.id) is not None


def test_an_empty_pipeline_is_deleted(admin_client, pipeline):
    assert admin_client.post(f"/admin/pipelines/{pipeline.id}/delete").status_code == 302
    assert reload(Pipeline, pipeline.id) is None


def test_hostile_stage_names_are_escaped_on_the_pipelines_page(admin_client):
    PipelineFactory(name="<i>Sales</i>", stages=['"><script>alert(1)</script>'])
    text = admin_client.get("/admin/pipelines").text
    assert "<script>alert(1)" not in text
    assert "<i>Sales</i>" not in text
    assert "&lt;script&gt;" in text


def test_unknown_stage_is_404(admin_client):
    assert admin_client.post("/admin/stages/99999/delete").status_code == 404


def test_admin_page_ids_are_unique_so_labels_find_their_input(admin_client, pipeline, member):
    for path in ADMIN_PAGES:
        ids = re.findall(r'\sid="([^"]+)"', admin_client.get(path).text)
        assert len(ids) == len(set(ids)), path


class TestWithCsrfOn:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_role_change_without_the_token_is_refused(self, admin_client, member):
        response = admin_client.post(f"/admin/team/{member.id}/role", data={"role": "admin"})
        assert response.status_code == 400
        assert reload(User, member.id).role == "member"


@pytest.mark.browser
def test_admin_pages_pass_axe_on_a_phone(page, admin, pipeline):
    from tests.web.test_lead_pages import audit_on_a_phone

    UserFactory(name="Deactivated Person", active=False)
    LeadFactory(stage=pipeline.stages[0])
    found = audit_on_a_phone(page, admin, ADMIN_PAGES)
    assert found == {path: [] for path in ADMIN_PAGES}
