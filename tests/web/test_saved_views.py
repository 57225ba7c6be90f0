"""Saved views: a person keeps the board's filters under a name, shares or deletes them."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import SavedView
from tests.conftest import log_in
from tests.factories import UserFactory


def view_links(html: str) -> dict[str, str]:
    """Return {name: address} of the saved views listed beside the filters."""
    block = re.search(r'<ul class="view-links">.*?</ul>', html, re.S)
    if not block:
        return {}
    return {unescape(name).strip(): unescape(href) for href, name in
            re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)', block.group(0))}


def save(client, name: str, query: str, **extra):
    return client.post("/board/views", data={"name": name, "query": query, **extra})


def count_views() -> int:
    return db.session.scalar(select(func.count(SavedView.id)))


@pytest.fixture
def colleague_client(app):
    return log_in(app.test_client(), UserFactory(name="Carla Colleague"))


def test_saving_a_view_keeps_the_filters_and_goes_back_to_them(member_client, pipeline):
    query = f"pipeline_id={pipeline.id}&tag=renewal&q=printer&sort=value"

    response = save(member_client, "Printer renewals", query)

    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).query == query
    view = db.session.scalars(select(SavedView)).one()
    assert (view.name, view.query, view.shared) == ("Printer renewals", query, False)


def test_saved_views_are_listed_beside_the_filters_as_links(member_client, pipeline):
    save(member_client, "Mine", f"pipeline_id={pipeline.id}&owner_id=none")

    links = view_links(member_client.get("/board").text)

    assert links == {"Mine": f"/board?pipeline_id={pipeline.id}&owner_id=none"}


def test_opening_a_view_shows_the_same_filters(member_client, pipeline):
    save(member_client, "Starred todo", f"pipeline_id={pipeline.id}&starred=1&attention=todo")
    address = view_links(member_client.get("/board").text)["Starred todo"]

    html = member_client.get(address).text

    assert 'id="f-starred" name="starred" value="1" checked' in html
    assert '<option value="todo" selected>' in html
    assert '<a href="' + address.replace("&", "&amp;") + '" aria-current="true">' in html


def test_a_saved_query_keeps_only_the_boards_own_filters(member_client, pipeline):
    save(member_client, "Clean", f"?pipeline_id={pipeline.id}&q=ab&utm_source=mail&status=open")
    assert db.session.scalars(select(SavedView.query)).one() == f"pipeline_id={pipeline.id}&q=ab"


def test_another_persons_private_view_is_not_listed(member_client, colleague_client, pipeline):
    save(colleague_client, "Carla's own", f"pipeline_id={pipeline.id}")
    assert "Carla's own" not in view_links(member_client.get("/board").text)


def test_a_shared_view_is_listed_for_everyone_and_marked_shared(
    member_client, colleague_client, pipeline
):
    save(colleague_client, "Team hot leads", f"pipeline_id={pipeline.id}&priority=1",
         shared="1")

    html = member_client.get("/board").text

    assert view_links(html) == {"Team hot leads": f"/board?pipeline_id={pipeline.id}&priority=1"}
    assert 'title="Shared by Carla Colleague">shared</span>' in html


def test_the_owner_shares_a_view_later_and_stops_sharing_it(
    member_client, colleague_client, pipeline
):
    save(colleague_client, "Later", f"pipeline_id={pipeline.id}")
    view = db.session.scalars(select(SavedView)).one()

    colleague_client.post(f"/board/views/{view.id}/share", data={"shared": "1"})
    assert "Later" in view_links(member_client.get("/board").text)

    colleague_client.post(f"/board/views/{view.id}/share", data={"shared": "0"})
    assert "Later" not in view_links(member_client.get("/board").text)


def test_the_owner_deletes_a_view(member_client, pipeline):
    save(member_client, "Gone soon", f"pipeline_id={pipeline.id}")
    view_id = db.session.scalars(select(SavedView.id)).one()

    response = member_client.post(f"/board/views/{view_id}/delete")

    assert response.status_code == 303
    assert count_views() == 0
    assert "The view Gone soon is deleted." in member_client.get("/board").text


def test_someone_else_cannot_delete_a_shared_view(member_client, colleague_client, pipeline):
    save(colleague_client, "Shared", f"pipeline_id={pipeline.id}", shared="1")
    view_id = db.session.scalars(select(SavedView.id)).one()

    response = member_client.post(f"/board/views/{view_id}/delete")

    assert response.status_code == 403
    assert "Only Carla Colleague, who saved this view" in response.text
    assert count_views() == 1


def test_someone_else_cannot_unshare_a_shared_view(member_client, colleague_client, pipeline):
    save(colleague_client, "Shared", f"pipeline_id={pipeline.id}", shared="1")
    view_id = db.session.scalars(select(SavedView.id)).one()

    response = member_client.post(f"/board/views/{view_id}/share", data={"shared": "0"})

    assert response.status_code == 403
    assert db.session.scalars(select(SavedView.shared)).one() is True


def test_another_persons_private_view_is_404(member_client, colleague_client, pipeline):
    save(colleague_client, "Private", f"pipeline_id={pipeline.id}")
    view_id = db.session.scalars(select(SavedView.id)).one()

    assert member_client.post(f"/board/views/{view_id}/delete").status_code == 404
    assert member_client.post(f"/board/views/{view_id}/share",
                              data={"shared": "1"}).status_code == 404
    assert count_views() == 1


def test_an_unknown_view_is_404(member_client):
    assert member_client.post("/board/views/9999/delete").status_code == 404


def test_only_the_owners_views_offer_share_and_delete(member_client, colleague_client, pipeline):
    save(colleague_client, "Theirs", f"pipeline_id={pipeline.id}", shared="1")
    save(member_client, "Mine", f"pipeline_id={pipeline.id}")

    html = member_client.get("/board").text

    assert "Delete Mine" in html and "Share Mine with the team" in html
    assert "Delete Theirs" not in html


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "A name is needed."), ("   ", "A name is needed."),
     ("x" * 81, "At most 80 characters.")],
    ids=["empty", "blank", "too long"],
)
def test_a_bad_name_is_refused_with_the_field_named(member_client, pipeline, name, message):
    response = save(member_client, name, f"pipeline_id={pipeline.id}&q=kept")

    assert response.status_code == 422
    assert f'<span class="field-error" id="view-name-error">{message}</span>' in response.text
    assert 'id="view-name" name="name"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="kept"' in response.text  # the board keeps the filters being saved
    assert count_views() == 0


@pytest.mark.parametrize(("shared", "ticked"), [({"shared": "1"}, True), ({}, False)])
def test_a_refused_view_keeps_its_share_with_the_team_box_as_it_was(
    member_client, pipeline, shared, ticked
):
    response = save(member_client, "", f"pipeline_id={pipeline.id}", **shared)
    box = re.search(r'<input type="checkbox" id="view-shared"[^>]*>', response.text).group(0)
    assert ("checked" in box) is ticked


def test_a_name_already_used_by_the_person_is_refused(member_client, pipeline):
    save(member_client, "Twice", f"pipeline_id={pipeline.id}")

    response = save(member_client, "Twice", f"pipeline_id={pipeline.id}&q=x")

    assert response.status_code == 422
    assert "You already have a view called Twice." in response.text
    assert count_views() == 1


def test_two_people_may_use_the_same_name(member_client, colleague_client, pipeline):
    save(member_client, "Hot", f"pipeline_id={pipeline.id}")
    assert save(colleague_client, "Hot", f"pipeline_id={pipeline.id}").status_code == 303


def test_a_view_with_bad_filters_is_refused_naming_them(member_client, pipeline):
    response = save(member_client, "Broken", f"pipeline_id={pipeline.id}&priority=7")

    assert response.status_code == 422
    assert "These filters are not valid, so they cannot be saved." in response.text
    assert count_views() == 0


def test_a_view_with_too_long_filters_is_refused(member_client, pipeline):
    response = save(member_client, "Long", "q=" + "a" * 2100)
    assert response.status_code == 422
    assert count_views() == 0


def test_saving_a_view_needs_a_login(client):
    assert client.post("/board/views", data={"name": "X"}).status_code == 302


class TestWithCsrfOn:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_saving_without_the_token_is_refused(self, member_client, pipeline):
        response = save(member_client, "No token", f"pipeline_id={pipeline.id}")
        assert response.status_code == 400
        assert count_views() == 0

    def test_the_board_sends_the_token_with_each_view_form(self, member_client, pipeline):
        save_form = re.search(r'<form method="post" action="/board/views".*?</form>',
                              member_client.get("/board").text, re.S).group(0)
        assert 'name="csrf_token"' in save_form


@pytest.fixture
def left_view(app, pipeline):
    """A view a colleague shared before leaving the team."""
    colleague = UserFactory(name="Ivan Left")
    view = SavedView(owner_id=colleague.id, name="Ivan view", query=f"pipeline_id={pipeline.id}",
                     shared=True)
    db.session.add(view)
    colleague.active = False
    db.session.commit()
    return view


def test_a_manager_deletes_the_shared_view_of_a_colleague_who_left(manager_client, left_view):
    html = manager_client.get("/board").text
    assert "Delete Ivan view" in html

    manager_client.post(f"/board/views/{left_view.id}/delete")

    assert count_views() == 0


def test_a_member_may_not_delete_the_shared_view_of_a_colleague_who_left(member_client,
                                                                          left_view):
    assert member_client.post(f"/board/views/{left_view.id}/delete").status_code == 403
    assert count_views() == 1


def test_a_manager_may_not_delete_the_shared_view_of_a_colleague_still_here(
        manager_client, colleague_client, pipeline):
    save(colleague_client, "Theirs", f"pipeline_id={pipeline.id}", shared="1")
    view = db.session.scalars(select(SavedView)).one()

    assert manager_client.post(f"/board/views/{view.id}/delete").status_code == 403
    assert count_views() == 1
