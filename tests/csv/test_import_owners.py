"""Importing is creating: a member's imported leads are their own; only managers and admins
share an import among other people."""

from __future__ import annotations

from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Lead
from tests.csv.test_import_pages import mapping_form, upload
from tests.factories import UserFactory

PROSPECTS = "Company;Email;Owner email\nCafé Olé;jose@ole.es;{owner}\n"


def lead_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Lead.id)))


def test_a_member_ticking_a_colleague_as_owner_is_refused_with_403(member_client, pipeline):
    colleague = UserFactory()
    location = upload(member_client, PROSPECTS.format(owner="").encode()).headers["Location"]
    form = {**mapping_form(member_client.get(location).text), "owner": str(colleague.id),
            "stage_id": str(pipeline.stages[0].id), "action": "import"}
    response = member_client.post(location, data=form)
    assert response.status_code == 403
    assert "Only a manager or an admin can give a lead to someone else." in response.text
    assert lead_count() == 0


def test_a_member_sees_no_owner_choice_on_the_import_page(member_client, member, pipeline):
    location = upload(member_client, PROSPECTS.format(owner="").encode()).headers["Location"]
    page = member_client.get(location).text
    assert f'type="hidden" name="owner" value="{member.id}"' in page
    assert 'type="checkbox" name="owner"' not in page


def test_a_members_row_owned_by_a_colleague_is_left_out_with_a_reason(
    member_client, member, pipeline
):
    colleague = UserFactory()
    content = PROSPECTS.format(owner=colleague.email).encode()
    location = upload(member_client, content).headers["Location"]
    form = {**mapping_form(member_client.get(location).text), "owner": str(member.id),
            "stage_id": str(pipeline.stages[0].id), "action": "import"}
    response = member_client.post(location, data=form)
    assert "Only a manager or an admin can give leads to someone else." in response.text
    assert lead_count() == 0


def test_a_manager_imports_rows_owned_by_a_colleague(manager_client, manager, pipeline):
    colleague = UserFactory()
    content = PROSPECTS.format(owner=colleague.email).encode()
    location = upload(manager_client, content).headers["Location"]
    form = {**mapping_form(manager_client.get(location).text), "owner": str(manager.id),
            "stage_id": str(pipeline.stages[0].id), "action": "import"}
    manager_client.post(location, data=form)
    db.session.expire_all()
    assert db.session.scalars(select(Lead)).one().owner_id == colleague.id
