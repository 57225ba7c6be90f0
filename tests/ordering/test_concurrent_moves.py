"""Many people dragging cards at once, from several threads and several server processes.

Every drag either lands or is refused cleanly; afterwards every lead is in exactly one
stage, ranks are distinct, no lead is lost or doubled, and each accepted drag put the
card next to the neighbour asked for, in the order the drags were committed.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import random
import threading
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event, func, select

from kanban import ranking
from kanban.auth.tokens import create_token
from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import Lead, LeadStatus, Role
from kanban.services.leads import (
    close_lead,
    create_lead,
    get_lead,
    move_lead,
    reopen_lead,
)
from kanban.services.ordering import column_order
from tests.factories import PipelineFactory, UserFactory
from tests.ordering.servers import serve

THREADS = 4
MOVES_PER_THREAD = 30


@dataclass
class Drag:
    lead_id: int
    stage_id: int
    after_id: int | None
    before_id: int | None
    order_at_commit: list[int] = field(default_factory=list)
    open_at_commit: list[int] = field(default_factory=list)
    accepted: bool = False


@dataclass
class Board:
    """The leads of a busy pipeline and of a quiet one, created through the services."""

    stage_ids: list[int]
    lead_ids: list[int]
    quiet_stage_id: int
    quiet_lead_ids: list[int]
    orders: dict[int, list[int]]

    @property
    def hot_stage_id(self) -> int:
        return self.stage_ids[1]


def make_board() -> Board:
    busy = PipelineFactory(stages=["New", "Contacted", "Proposal"])
    quiet = PipelineFactory(stages=["Elsewhere"])
    stage_ids = [stage.id for stage in busy.stages]
    lead_ids = [
        create_lead({"title": f"Lead {n}"}, user=None, stage=busy.stages[n % 3]).id
        for n in range(18)
    ]
    quiet_ids = [
        create_lead({"title": f"Quiet {n}"}, user=None, stage=quiet.stages[0]).id
        for n in range(3)
    ]
    orders = {sid: column_order(sid) for sid in stage_ids}
    return Board(stage_ids, lead_ids, quiet.stages[0].id, quiet_ids, orders)


def choose_drag(rng: random.Random, board: Board, lead_id: int) -> Drag:
    """Pick a drop mostly into the same gaps of the same column, as a busy team would."""
    stage_id = board.hot_stage_id if rng.random() < 0.7 else rng.choice(board.stage_ids)
    others = [i for i in column_order(stage_id) if i != lead_id]
    how = rng.choice(["below top", "above top", "both top", "bottom", "anywhere"])
    if not others or how == "bottom":
        return Drag(lead_id, stage_id, None, None)
    if how == "below top":
        return Drag(lead_id, stage_id, others[0], None)
    if how == "above top":
        return Drag(lead_id, stage_id, None, others[0])
    if how == "both top":
        return Drag(lead_id, stage_id, others[0], others[1] if len(others) > 1 else None)
    return Drag(lead_id, stage_id, rng.choice(others), None)


def current_version(lead_id: int) -> int:
    return db.session.scalar(select(Lead.version).where(Lead.id == lead_id))


def assert_board_intact(board: Board) -> None:
    """Every lead once, in a stage of its own pipeline, with distinct ranks in each stage."""
    db.session.rollback()
    rows = db.session.execute(
        select(Lead.id, Lead.stage_id, Lead.rank).where(
            Lead.id.in_(board.lead_ids + board.quiet_lead_ids)
        )
    ).all()
    assert sorted(row.id for row in rows) == sorted(board.lead_ids + board.quiet_lead_ids)
    assert {row.stage_id for row in rows if row.id in board.lead_ids} <= set(board.stage_ids)
    assert {row.stage_id for row in rows if row.id in board.quiet_lead_ids} == {
        board.quiet_stage_id
    }
    for stage_id in board.stage_ids:
        ranks = [row.rank for row in rows if row.stage_id == stage_id]
        assert len(ranks) == len(set(ranks))
        stored = list(
            db.session.scalars(
                select(Lead.rank).where(Lead.stage_id == stage_id).order_by(Lead.rank)
            )
        )
        assert stored == sorted(ranks)
    per_pipeline = db.session.scalar(
        select(func.count(Lead.id)).where(Lead.stage_id.in_(board.stage_ids))
    )
    assert per_pipeline == len(board.lead_ids)


def replay(board: Board, drags: list[Drag]) -> dict[int, list[int]]:
    """Apply the accepted drags, in commit order, to the starting order."""
    orders = {sid: list(ids) for sid, ids in board.orders.items()}
    for drag in drags:
        for ids in orders.values():
            if drag.lead_id in ids:
                ids.remove(drag.lead_id)
        column = orders[drag.stage_id]
        if drag.after_id is not None:
            column.insert(column.index(drag.after_id) + 1, drag.lead_id)
        elif drag.before_id is not None:
            column.insert(column.index(drag.before_id), drag.lead_id)
        else:
            column.append(drag.lead_id)
    return orders


def lands_where_asked(drag: Drag) -> bool:
    """Right below ``after_id``, right above ``before_id`` (the next open card when both)."""
    order = drag.order_at_commit
    at = order.index(drag.lead_id)
    if drag.after_id is not None:
        if at == 0 or order[at - 1] != drag.after_id:
            return False
        if drag.before_id is not None:
            visible = drag.open_at_commit
            below = visible.index(drag.lead_id) + 1
            return below < len(visible) and visible[below] == drag.before_id
        return True
    if drag.before_id is not None:
        return at + 1 < len(order) and order[at + 1] == drag.before_id
    return at == len(order) - 1


@pytest.fixture
def commit_log(app):
    """Record each drag's column, read inside its transaction just before it commits.

    The mover holds the column's lock then, so this list is in commit order and each
    entry's order is the column as the drag made it.
    """
    log: list[Drag] = []
    guard = threading.Lock()

    def before_commit(session):
        drag = session.info.pop("drag", None)
        if drag is None:
            return
        session.flush()
        rows = session.execute(
            select(Lead.id, Lead.status).where(Lead.stage_id == drag.stage_id).order_by(Lead.rank)
        ).all()
        drag.order_at_commit = [row.id for row in rows]
        drag.open_at_commit = [row.id for row in rows if row.status == LeadStatus.OPEN]
        with guard:
            log.append(drag)

    event.listen(db.session, "before_commit", before_commit)
    yield log
    event.remove(db.session, "before_commit", before_commit)


def drag_in_thread(app, board: Board, seed: int, failures: list[str]) -> None:
    rng = random.Random(seed)
    known: dict[int, int] = {}
    with app.app_context():
        for _ in range(MOVES_PER_THREAD):
            lead_id = rng.choice(board.lead_ids)
            stale = lead_id in known and rng.random() < 0.3
            version = known[lead_id] if stale else current_version(lead_id)
            if rng.random() < 0.15:
                close_or_reopen(lead_id, version, failures)
                continue
            drag = choose_drag(rng, board, lead_id)
            db.session.info["drag"] = drag
            try:
                lead = move_lead(
                    lead_id, stage_id=drag.stage_id, version=version, user=None,
                    after_id=drag.after_id, before_id=drag.before_id,
                )
                drag.accepted = True
                known[lead_id] = lead.version
            except (Conflict, ValidationError):
                db.session.rollback()
            except Exception as exc:  # noqa: BLE001 - any other outcome is the bug sought
                failures.append(f"{type(exc).__name__}: {exc}")
                db.session.rollback()
            finally:
                db.session.info.pop("drag", None)


def close_or_reopen(lead_id: int, version: int, failures: list[str]) -> None:
    """Close an open card as won, or put a closed one back: both keep its place."""
    try:
        lead = get_lead(lead_id)
        if lead.is_open:
            close_lead(lead, "won", user=None, version=version)
        else:
            reopen_lead(lead, user=None, version=version)
    except (Conflict, ValidationError):
        db.session.rollback()
    except Exception as exc:  # noqa: BLE001 - any other outcome is the bug sought
        failures.append(f"{type(exc).__name__}: {exc}")
        db.session.rollback()


def test_drags_from_many_threads_keep_every_card_in_place(app, commit_log, monkeypatch):
    # Short keys make busy gaps rebalance the column while others drag into it.
    monkeypatch.setattr(ranking, "MAX_RANK_LENGTH", 2)
    board = make_board()
    failures: list[str] = []
    threads = [
        threading.Thread(target=drag_in_thread, args=(app, board, seed, failures))
        for seed in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    accepted = [drag for drag in commit_log if drag.accepted]
    assert accepted, "no drag landed"
    assert [drag for drag in accepted if not lands_where_asked(drag)] == []
    assert_board_intact(board)
    expected = replay(board, accepted)
    assert {sid: full_order(sid) for sid in board.stage_ids} == expected


def full_order(stage_id: int) -> list[int]:
    """Every card of the stage top to bottom, closed ones in the place they keep."""
    return list(
        db.session.scalars(select(Lead.id).where(Lead.stage_id == stage_id).order_by(Lead.rank))
    )


def test_drag_with_a_stale_version_after_a_colleague_moved_the_card_is_refused(app):
    board = make_board()
    lead_id = board.orders[board.hot_stage_id][0]
    version = current_version(lead_id)
    move_lead(lead_id, stage_id=board.stage_ids[0], version=version, user=None)
    with pytest.raises(Conflict) as refused:
        move_lead(lead_id, stage_id=board.stage_ids[2], version=version, user=None)
    assert refused.value.extra["lead"]["version"] == version + 1
    assert_board_intact(board)


# ---------------------------------------------------------------------------
# Two server processes on one database
# ---------------------------------------------------------------------------


@pytest.fixture
def two_servers(app, app_config, tmp_path):
    """Two real server processes (each with its own threads) serving the test database."""
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    processes = [
        context.Process(
            target=serve, args=(app_config, str(tmp_path / "instance"), ports), daemon=True
        )
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    try:
        yield [ports.get(timeout=60) for _ in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)


def post_move(port: int, token: str, lead_id: int, body: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST", f"/api/v1/leads/{lead_id}/move", body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        payload = json.loads(response.read() or b"{}")
    finally:
        connection.close()
    if response.status == 200:
        assert payload["stage_id"] == body["stage_id"]
    return response.status


def drag_over_http(app, board, ports, token, seed, statuses, failures) -> None:
    rng = random.Random(seed)
    known: dict[int, int] = {}
    with app.app_context():
        for n in range(MOVES_PER_THREAD):
            lead_id = rng.choice(board.lead_ids)
            stale = lead_id in known and rng.random() < 0.3
            version = known[lead_id] if stale else current_version(lead_id)
            drag = choose_drag(rng, board, lead_id)
            db.session.rollback()
            body = {"stage_id": drag.stage_id, "version": version}
            if drag.after_id is not None:
                body["after_id"] = drag.after_id
            if drag.before_id is not None:
                body["before_id"] = drag.before_id
            try:
                status = post_move(ports[(seed + n) % len(ports)], token, lead_id, body)
            except Exception as exc:  # noqa: BLE001 - a dropped request is a failure too
                failures.append(f"{type(exc).__name__}: {exc}")
                continue
            statuses.append(status)
            if status == 200:
                known[lead_id] = version + 1


def test_drags_through_two_server_processes_keep_the_board_intact(app, two_servers):
    board = make_board()
    _token, secret = create_token(UserFactory(role=Role.MEMBER.value), "drag test")
    statuses: list[int] = []
    failures: list[str] = []
    threads = [
        threading.Thread(
            target=drag_over_http,
            args=(app, board, two_servers, secret, seed, statuses, failures),
        )
        for seed in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert set(statuses) <= {200, 409, 422}, statuses
    assert statuses.count(200) > 0
    assert_board_intact(board)
    # The hot column ends as the last accepted drags left it: no card twice, none lost.
    visible = [i for sid in board.stage_ids for i in column_order(sid)]
    assert sorted(visible) == sorted(board.lead_ids)
