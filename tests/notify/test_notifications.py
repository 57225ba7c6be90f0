"""The bell: each kind told once, to the right people, read, muted; plugins add kinds."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from kanban import hookimpl
from kanban.extensions import db
from kanban.models import Notification
from kanban.notify.overdue import tell_overdue
from kanban.notify.store import latest, notify, settle, text_of, unread_count
from kanban.services.assignment import take_lead
from kanban.services.lead_batches import create_leads
from kanban.services.leads import close_lead, create_lead, move_lead, update_lead
from kanban.services.owner_rules import set_rule
from kanban.ui import NotificationKind
from tests.conftest import log_in
from tests.factories import LeadFactory, UserFactory


def told(user) -> list[tuple[str, str]]:
    return [(item.kind, text_of(item)) for item in latest(user)]


def kinds(user) -> list[str]:
    return [item.kind for item in latest(user)]


def test_a_new_lead_nobody_owns_tells_the_whole_team_once(app, pipeline):
    ana, rui = UserFactory(), UserFactory()
    UserFactory(active=False)
    create_lead({"title": "Visitor from the site"}, user=None, source="web form: Contact")
    for person in (ana, rui):
        assert told(person) == [
            ("lead_unassigned", "New lead waiting for an owner: “Visitor from the site”.")]
    assert db.session.scalar(select(func.count(Notification.id))) == 2


def test_a_lead_taken_is_no_longer_unread_as_waiting_for_an_owner(app, pipeline):
    ana, rui = UserFactory(), UserFactory()
    lead = create_lead({"title": "Visitor from the site"}, user=None, source="web form: Contact")

    take_lead(lead.id, rui)

    assert unread_count(ana) == 0 and unread_count(rui) == 0
    assert kinds(ana) == ["lead_unassigned"]  # still listed, as read


def test_a_lead_closed_unowned_is_no_longer_unread_as_waiting_for_an_owner(app, pipeline,
                                                                            manager):
    ana = UserFactory()
    lead = create_lead({"title": "Visitor from the site"}, user=None, source="web form: Contact")

    close_lead(lead, "cancelled", user=manager)

    assert unread_count(ana) == 0


def test_a_lead_given_to_someone_leaves_other_notifications_unread(app, pipeline, manager,
                                                                    member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    notify("lead_moved", [member.id], lead=lead, actor=manager, payload={"stage": "New"})

    update_lead(lead, {"owner_id": manager.id}, user=manager)

    assert unread_count(member) == 1


def test_the_person_who_typed_an_unowned_lead_is_not_told(app, pipeline, manager):
    rui = UserFactory()
    create_lead({"title": "For the team", "owner_id": None}, user=manager)
    assert kinds(manager) == [] and kinds(rui) == ["lead_unassigned"]


def test_a_lead_given_by_an_owner_rule_tells_only_its_owner(app, pipeline):
    ana, rui = UserFactory(), UserFactory()
    set_rule("web form:1", "fixed", [ana.id])
    db.session.commit()
    create_lead({"title": "Quote request"}, user=None, assign_by="web form:1")
    assert told(ana) == [("lead_assigned", "“Quote request” is yours: a new lead.")]
    assert kinds(rui) == []


def test_handing_a_lead_over_tells_the_new_owner_who_did_it(app, pipeline, manager):
    rui = UserFactory(name="Rui")
    lead = LeadFactory(stage=pipeline.stages[0], owner=manager, title="Acme")
    update_lead(lead, {"owner_id": rui.id}, user=manager)
    assert told(rui) == [("lead_assigned", f"{manager.name} gave you “Acme”.")]


def test_taking_a_lead_yourself_tells_nobody(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=None)
    update_lead(lead, {"owner_id": member.id}, user=member)
    assert kinds(member) == []


def test_a_move_by_someone_else_tells_the_owner(app, pipeline, manager, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, title="Acme")
    move_lead(lead.id, stage_id=pipeline.stages[2].id, version=lead.version, user=manager)
    assert told(member) == [
        ("lead_moved", f"{manager.name} moved your lead “Acme” to Proposal.")]


def test_a_card_put_higher_in_its_own_column_tells_nobody(app, pipeline, manager, member):
    above = LeadFactory(stage=pipeline.stages[0], owner=manager)
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    move_lead(lead.id, stage_id=pipeline.stages[0].id, version=lead.version, user=manager,
              before_id=above.id)
    assert kinds(member) == []


def test_the_owners_own_move_tells_nobody(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    move_lead(lead.id, stage_id=pipeline.stages[1].id, version=lead.version, user=member)
    assert kinds(member) == []


def test_a_lead_closed_by_someone_else_tells_the_owner(app, pipeline, manager, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, title="Acme")
    close_lead(lead, "won", user=manager)
    assert told(member) == [("lead_closed", f"{manager.name} closed your lead “Acme” as won.")]


def test_an_import_tells_each_person_once_with_a_count(app, pipeline, manager):
    ana = UserFactory()
    rows = [{"title": f"Prospect {i}"} for i in range(30)]
    create_leads(rows, stage=pipeline.stages[0], user=manager)
    assert told(ana) == [("lead_unassigned", "30 new leads wait for an owner.")]
    assert kinds(manager) == []


def test_an_overdue_follow_up_is_told_once_per_date(app, pipeline, member):
    today = date.today()
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, title="Acme",
                       next_action_date=today - timedelta(days=2))
    LeadFactory(stage=pipeline.stages[0], owner=member, next_action_date=today)
    assert tell_overdue() == 1
    assert tell_overdue() == 0
    assert told(member) == [("follow_up_overdue", "Your follow-up on “Acme” is overdue.")]
    update_lead(lead, {"next_action_date": today - timedelta(days=1)}, user=member)
    assert tell_overdue() == 1


def test_a_closed_or_standby_lead_is_never_overdue(app, pipeline, member):
    today = date.today()
    LeadFactory(stage=pipeline.stages[0], owner=member, status="won",
                next_action_date=today - timedelta(days=3))
    LeadFactory(stage=pipeline.stages[0], owner=member, next_action_kind="standby",
                next_action_date=today + timedelta(days=3))
    assert tell_overdue() == 0


def test_a_muted_kind_is_not_stored(app, pipeline):
    ana = UserFactory(notification_settings={"lead_unassigned": {"app": False,
                                                                  "email": False}})
    create_lead({"title": "Visitor"}, user=None)
    assert kinds(ana) == []


def test_email_only_is_stored_read_and_left_for_the_mail(app, pipeline):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
    ana = UserFactory(notification_settings={"lead_unassigned": {"app": False, "email": True}})
    create_lead({"title": "Visitor"}, user=None)
    item = db.session.scalars(select(Notification)).one()
    assert item.user_id == ana.id and item.is_read and unread_count(ana) == 0
    assert item.email_state in ("pending", "failed") and item.email_attempts <= 1


def test_opening_a_notification_marks_it_read_and_goes_to_its_lead(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=None)
    notify("lead_unassigned", [member.id], lead=lead)
    client = log_in(app.test_client(), member)
    page = client.get("/agenda").get_data(as_text=True)
    assert 'class="bell-count">1' in page
    item = db.session.scalars(select(Notification)).one()
    response = client.post(f"/notifications/{item.id}/open")
    assert response.status_code == 303 and response.location.endswith(f"/leads/{lead.id}")
    assert unread_count(member) == 0
    assert "bell-count" not in client.get("/agenda").get_data(as_text=True)


def test_the_bells_count_is_answered_as_json_for_an_open_page(app, pipeline, member):
    for _ in range(2):
        notify("lead_unassigned", [member.id], lead=LeadFactory(stage=pipeline.stages[0]))
    notify("lead_unassigned", [UserFactory().id], lead=LeadFactory(stage=pipeline.stages[0]))

    response = log_in(app.test_client(), member).get("/notifications/unread")

    assert response.get_json() == {"unread": 2, "shown": "2", "words": "unread"}
    assert response.headers["Cache-Control"] == "no-store"


def test_the_bells_count_says_unread_in_the_readers_language(app, pipeline):
    reader = UserFactory(locale="ru")
    for _ in range(5):
        notify("lead_unassigned", [reader.id], lead=LeadFactory(stage=pipeline.stages[0]))

    answer = log_in(app.test_client(), reader).get("/notifications/unread").get_json()

    assert answer == {"unread": 5, "shown": "5", "words": "непрочитанных"}


def test_the_bells_count_past_99_is_written_99_plus(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0])
    for index in range(100):
        notify("lead_unassigned", [member.id], lead=lead, once_key=f"k{index}")

    answer = log_in(app.test_client(), member).get("/notifications/unread").get_json()

    assert answer["unread"] == 100 and answer["shown"] == "99+"


def test_the_bells_count_needs_a_login(client):
    assert client.get("/notifications/unread").status_code in (302, 401)


def test_someone_elses_notification_cannot_be_opened(app, pipeline, member):
    other = UserFactory()
    notify("lead_unassigned", [other.id], lead=LeadFactory(stage=pipeline.stages[0]))
    item = db.session.scalars(select(Notification)).one()
    response = log_in(app.test_client(), member).post(f"/notifications/{item.id}/open")
    assert response.status_code == 404
    assert unread_count(other) == 1


def test_mark_all_as_read(app, pipeline, member):
    for _ in range(3):
        notify("lead_unassigned", [member.id], lead=LeadFactory(stage=pipeline.stages[0]))
    client = log_in(app.test_client(), member)
    assert client.post("/notifications/read").status_code == 303
    assert unread_count(member) == 0
    assert "Mark all as read" not in client.get("/notifications").get_data(as_text=True)


def test_what_is_settled_is_read_by_everyone_told_of_it(app, pipeline, member, manager):
    lead = LeadFactory(stage=pipeline.stages[0])
    notify("lead_unassigned", [member.id, manager.id], lead=lead, once_key="waiting:1")

    assert settle(once_key="waiting:1") == 2
    assert (unread_count(member), unread_count(manager)) == (0, 0)


def test_settling_one_thing_leaves_the_others_unread(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0])
    notify("lead_unassigned", [member.id], lead=lead, once_key="waiting:1")
    notify("lead_unassigned", [member.id], lead=lead, once_key="waiting:2")

    assert settle(once_key="waiting:3") == 0
    settle(once_key="waiting:1")
    assert [item.once_key for item in latest(member) if not item.is_read] == ["waiting:2"]


def test_the_list_shows_each_notification_in_the_readers_language(app, pipeline):
    reader = UserFactory(locale="pt")
    notify("lead_unassigned", [reader.id], lead=LeadFactory(stage=pipeline.stages[0],
                                                            title="Acme"))
    page = log_in(app.test_client(), reader).get("/notifications").get_data(as_text=True)
    assert "Novo lead à espera de responsável: «Acme»." in page


def test_choices_saved_on_the_profile_are_kept(app, member):
    client = log_in(app.test_client(), member)
    response = client.post("/profile/notifications",
                           data={"lead_assigned:app": "on", "lead_moved:email": "on"})
    assert response.status_code == 303
    db.session.refresh(member)
    assert member.notification_settings["lead_assigned"] == {"app": True, "email": False}
    assert member.notification_settings["lead_moved"] == {"app": False, "email": True}
    assert member.notification_settings["digest"] is False
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="lead_moved:email" aria-labelledby="kind-lead_moved col-email" checked' in page


def test_a_plugin_adds_a_kind_of_its_own(app, register_plugin, member):
    class Reminders:
        @hookimpl
        def kanban_register_notification_kinds(self):
            return [NotificationKind("birthday", "A client's birthday",
                                     lambda payload: f"{payload['name']} turns {payload['age']}")]

    register_plugin(Reminders(), name="reminders")
    notify("birthday", [member.id], payload={"name": "Ana", "age": 40})
    assert told(member) == [("birthday", "Ana turns 40")]
    page = log_in(app.test_client(), member).get("/profile").get_data(as_text=True)
    assert "A client&#39;s birthday" in page


def test_a_managers_only_kind_never_reaches_a_member(app, register_plugin, member, manager):
    class Review:
        @hookimpl
        def kanban_register_notification_kinds(self):
            return [NotificationKind("review", "Review", lambda payload: "Review",
                                     managers_only=True)]

    register_plugin(Review(), name="review")
    notify("review", [member.id, manager.id])
    assert kinds(member) == [] and kinds(manager) == ["review"]


def test_a_failing_notification_never_stops_the_action(app, pipeline, monkeypatch):
    from kanban.notify import store

    app.config["PLUGINS_STRICT"] = False
    UserFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("the notifications table is gone")

    monkeypatch.setattr(store, "_notify", broken)  # what every other event goes through
    monkeypatch.setattr(store, "notification_rows", broken)  # a new lead's, in its commit
    lead = create_lead({"title": "Still created"}, user=None)
    assert lead.id is not None
    rows = [{"title": f"Row {i}"} for i in range(3)]
    assert len(create_leads(rows, stage=pipeline.stages[0], user=None).ids) == 3
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_notify_run_tells_overdue_follow_ups_and_sends(app, pipeline, member, runner):
    LeadFactory(stage=pipeline.stages[0], owner=member,
                next_action_date=date.today() - timedelta(days=1))
    result = runner.invoke(args=["notify", "run"])
    assert result.exit_code == 0, result.output
    assert "1 overdue follow-up(s) told" in result.output
    assert ("0 old notification(s), 0 old lead event(s) and 0 old or abandoned job(s) "
            "forgotten; 0 late job(s) run.") in result.output
    assert kinds(member) == ["follow_up_overdue"]


def test_old_read_notifications_are_forgotten(app, pipeline, member):
    from kanban.models.base import utcnow
    from kanban.notify.store import forget_old

    for _ in range(2):
        notify("lead_unassigned", [member.id], lead=LeadFactory(stage=pipeline.stages[0]))
    old, unread = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    old.read_at = utcnow() - timedelta(days=91)
    unread.created_at = utcnow() - timedelta(days=200)
    db.session.commit()
    assert forget_old(90) == 1
    assert [item.id for item in latest(member)] == [unread.id]


def test_demo_data_tells_nobody(app, pipeline):
    from kanban.demo import create_demo_data

    admin = UserFactory(role="admin")
    create_demo_data(10, owner=admin)
    assert latest(admin) == []


def test_a_new_leads_notifications_are_written_in_its_own_commit(app, pipeline):
    from sqlalchemy import event

    UserFactory()
    commits = []
    listener = event.listens_for(db.session, "after_commit")(lambda session: commits.append(1))
    try:
        create_lead({"title": "One commit"}, user=None)
    finally:
        event.remove(db.session, "after_commit", listener)
    assert len(commits) == 1
    assert db.session.scalar(select(func.count(Notification.id))) == 1
