"""The rules behind the admin pages: the team and the pipelines."""

from __future__ import annotations

import pytest

from kanban.errors import PermissionDenied, ValidationError
from kanban.extensions import db
from kanban.models import Pipeline, Role, Stage, User
from kanban.services import pipelines as pipeline_service
from kanban.services import users as user_service
from tests.factories import LeadFactory, PipelineFactory, UserFactory

# ---------------------------------------------------------------------------
# Team
# ---------------------------------------------------------------------------


def test_create_user_stores_a_lowercase_email_and_a_working_password(app, admin):
    person = user_service.create_user(
        email=" Ana.Silva@Example.com ", name="Ana Silva", role="manager",
        password="s3cret-enough", user=admin,
    )
    assert person.email == "ana.silva@example.com"
    assert person.role == Role.MANAGER
    assert person.check_password("s3cret-enough")


def test_create_user_refuses_an_email_already_on_the_team(app, admin):
    UserFactory(email="joana@example.com")
    with pytest.raises(ValidationError) as caught:
        user_service.create_user(email="JOANA@example.com", password="long enough", user=admin)
    assert "email" in caught.value.fields


def test_create_user_names_every_bad_field(app, admin):
    with pytest.raises(ValidationError) as caught:
        user_service.create_user(email="not-an-email", role="boss", password="short", user=admin)
    assert set(caught.value.fields) == {"email", "role", "password"}


def test_create_user_refuses_a_name_with_a_nul_character(app, admin):
    with pytest.raises(ValidationError) as caught:
        user_service.create_user(email="x@example.com", name="A\x00B", password="long enough",
                                 user=admin)
    assert set(caught.value.fields) == {"name"}


def test_create_user_is_refused_to_a_manager(app, manager):
    with pytest.raises(PermissionDenied):
        user_service.create_user(email="x@example.com", password="long enough", user=manager)


def test_generated_passwords_are_long_and_differ(app):
    first, second = user_service.generate_password(), user_service.generate_password()
    assert first != second
    assert len(first) >= user_service.MIN_PASSWORD_LENGTH


def test_change_role_promotes_a_member(app, admin, member):
    user_service.change_role(member, "manager", user=admin)
    assert db.session.get(User, member.id).role == Role.MANAGER


def test_the_last_admin_cannot_be_demoted(app, admin):
    with pytest.raises(ValidationError) as caught:
        user_service.change_role(admin, "member", user=admin)
    assert "role" in caught.value.fields
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_an_admin_can_be_demoted_while_another_remains(app, admin):
    other = UserFactory(role="admin")
    user_service.change_role(other, "member", user=admin)
    assert other.role == Role.MEMBER


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(app, admin):
    UserFactory(role="admin", active=False)
    with pytest.raises(ValidationError):
        user_service.change_role(admin, "manager", user=admin)


def test_change_role_refuses_an_unknown_role(app, admin, member):
    with pytest.raises(ValidationError) as caught:
        user_service.change_role(member, "owner", user=admin)
    assert "role" in caught.value.fields


def test_deactivate_stops_a_member(app, admin, member):
    user_service.deactivate_user(member, user=admin)
    assert db.session.get(User, member.id).active is False


def test_an_admin_cannot_deactivate_themselves(app, admin):
    UserFactory(role="admin")
    with pytest.raises(ValidationError):
        user_service.deactivate_user(admin, user=admin)
    assert db.session.get(User, admin.id).active is True


def test_the_last_admin_cannot_be_deactivated(app, admin):
    with pytest.raises(ValidationError):
        user_service.deactivate_user(admin, user=None)
    assert db.session.get(User, admin.id).active is True


def test_reactivate_lets_a_person_back_in(app, admin):
    person = UserFactory(active=False)
    user_service.reactivate_user(person, user=admin)
    assert person.active is True


def test_member_cannot_deactivate_anyone(app, member):
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        user_service.deactivate_user(other, user=member)


# ---------------------------------------------------------------------------
# Pipelines and stages
# ---------------------------------------------------------------------------


def test_create_pipeline_keeps_stage_order_and_proposal_flags(app, admin):
    created = pipeline_service.create_pipeline(
        "Renewals", ["Due", ("Offer sent", True), "Signed"], user=admin
    )
    stages = db.session.get(Pipeline, created.id).stages
    assert [(s.name, s.position, s.is_proposal) for s in stages] == [
        ("Due", 0, False), ("Offer sent", 1, True), ("Signed", 2, False)
    ]


def test_create_pipeline_without_name_or_stages_names_both(app, admin):
    with pytest.raises(ValidationError) as caught:
        pipeline_service.create_pipeline("  ", ["", "  "], user=admin)
    assert set(caught.value.fields) == {"name", "stages"}


def test_create_pipeline_refuses_two_stages_with_one_name(app, admin):
    with pytest.raises(ValidationError) as caught:
        pipeline_service.create_pipeline("Sales", ["New", "new"], user=admin)
    assert "stages" in caught.value.fields


def test_create_pipeline_is_refused_to_a_manager(app, manager):
    with pytest.raises(PermissionDenied):
        pipeline_service.create_pipeline("Sales", ["New"], user=manager)


def test_rename_pipeline_refuses_an_empty_name(app, admin, pipeline):
    with pytest.raises(ValidationError):
        pipeline_service.rename_pipeline(pipeline, " ", user=admin)
    assert db.session.get(Pipeline, pipeline.id).name == "Sales"


def test_add_stage_goes_last(app, admin, pipeline):
    stage = pipeline_service.add_stage(pipeline, "Won?", user=admin)
    assert pipeline.stages[-1].id == stage.id


def test_add_stage_refuses_a_name_already_in_the_pipeline(app, admin, pipeline):
    with pytest.raises(ValidationError) as caught:
        pipeline_service.add_stage(pipeline, "contacted", user=admin)
    assert "name" in caught.value.fields


def test_rename_stage_keeps_its_own_name_allowed(app, admin, pipeline):
    stage = pipeline.stages[1]
    pipeline_service.rename_stage(stage, "CONTACTED", user=admin)
    assert stage.name == "CONTACTED"


def test_move_stage_up_swaps_it_with_the_one_before(app, admin, pipeline):
    stage = pipeline.stages[2]
    pipeline_service.move_stage(stage, "up", user=admin)
    db.session.expire_all()
    names = [s.name for s in db.session.get(Pipeline, pipeline.id).stages]
    assert names == ["New", "Proposal", "Contacted", "Negotiation"]


def test_move_the_first_stage_up_changes_nothing(app, admin, pipeline):
    pipeline_service.move_stage(pipeline.stages[0], "up", user=admin)
    db.session.expire_all()
    names = [s.name for s in db.session.get(Pipeline, pipeline.id).stages]
    assert names == ["New", "Contacted", "Proposal", "Negotiation"]


def test_move_stage_refuses_an_unknown_direction(app, admin, pipeline):
    with pytest.raises(ValidationError):
        pipeline_service.move_stage(pipeline.stages[0], "sideways", user=admin)


def test_set_stage_proposal_marks_the_stage(app, admin, pipeline):
    pipeline_service.set_stage_proposal(pipeline.stages[3], True, user=admin)
    assert db.session.get(Stage, pipeline.stages[3].id).is_proposal is True


def test_delete_an_empty_stage_closes_the_gap(app, admin, pipeline):
    stage_id = pipeline.stages[1].id
    pipeline_service.delete_stage(pipeline.stages[1], user=admin)
    db.session.expire_all()
    assert db.session.get(Stage, stage_id) is None
    stages = db.session.get(Pipeline, pipeline.id).stages
    assert [(s.name, s.position) for s in stages] == [
        ("New", 0), ("Proposal", 1), ("Negotiation", 2)
    ]


def test_a_stage_with_open_leads_cannot_be_deleted(app, admin, pipeline):
    stage = pipeline.stages[0]
    LeadFactory(stage=stage)
    LeadFactory(stage=stage, status="lost", lost_reason="Price")
    with pytest.raises(ValidationError) as caught:
        pipeline_service.delete_stage(stage, user=admin)
    assert "1" in caught.value.message
    assert db.session.get(Stage, stage.id) is not None


def test_the_last_stage_of_a_pipeline_cannot_be_deleted(app, admin):
    lonely = PipelineFactory(stages=["Only"])
    with pytest.raises(ValidationError):
        pipeline_service.delete_stage(lonely.stages[0], user=admin)


def test_a_pipeline_with_leads_cannot_be_deleted(app, admin, pipeline):
    LeadFactory(stage=pipeline.stages[2])
    with pytest.raises(ValidationError):
        pipeline_service.delete_pipeline(pipeline, user=admin)
    assert db.session.get(Pipeline, pipeline.id) is not None


def test_an_empty_pipeline_is_deleted_with_its_stages(app, admin, pipeline):
    pipeline_id = pipeline.id
    pipeline_service.delete_pipeline(pipeline, user=admin)
    assert db.session.get(Pipeline, pipeline_id) is None
    assert db.session.query(Stage).filter_by(pipeline_id=pipeline_id).count() == 0


def test_create_pipeline_refuses_a_stage_that_is_not_a_name(app, admin):
    with pytest.raises(ValidationError) as caught:
        pipeline_service.create_pipeline("Sales", ["New", 42], user=admin)
    assert "stages" in caught.value.fields


def test_names_with_a_nul_character_are_refused(app, admin, pipeline):
    with pytest.raises(ValidationError):
        pipeline_service.create_pipeline("Sales", ["New\x00"], user=admin)
    with pytest.raises(ValidationError):
        pipeline_service.rename_stage(pipeline.stages[0], "Ne\x00w", user=admin)
