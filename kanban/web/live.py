"""The live board: open boards hear of other people's changes as server-sent events.

The stream reads the lead event outbox (``kanban.services.outbox``) from the last event
the board saw, so every worker process serves every change whichever process wrote it,
and a board that reconnects (``Last-Event-ID``) misses nothing. A stream ends after
``LIVE_STREAM_SECONDS`` and the browser reconnects by itself: a request never outlives the
server's worker timeout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import suppress

from flask import Response, current_app, request, stream_with_context

from kanban.api.helpers import MAX_ID, whole_number
from kanban.extensions import db
from kanban.outages import is_unavailable
from kanban.services import outbox
from kanban.services.health import redis_url
from kanban.services.live_wakeup import Waker, waker_for
from kanban.web import bp

HEARTBEAT_SECONDS = 10


@bp.get("/board/events")
def board_events() -> Response:
    pipeline_id = whole_number(request.args.get("pipeline"), 0, MAX_ID)
    after = whole_number(request.headers.get("Last-Event-ID") or request.args.get("after"), 0,
                         MAX_ID)
    newest = outbox.last_event_id()
    # A board ahead of the newest event (a database restored from a backup) reads on from
    # the newest, or it would miss every change until ids catch up.
    after = newest if after is None else min(after, newest)
    poll, seconds = (current_app.config[name] for name in ("LIVE_POLL_SECONDS",
                                                          "LIVE_STREAM_SECONDS"))
    waker = waker_for(current_app.config["SQLALCHEMY_DATABASE_URI"], redis_url())
    db.session.rollback()  # no transaction is held open between two reads
    return Response(
        stream_with_context(_stream(after, pipeline_id, poll, seconds, waker)),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _stream(after: int, pipeline_id: int | None, poll: float, seconds: float,
            waker: Waker | None) -> Iterator[str]:
    yield "retry: 1000\n\n"  # reconnect after a second when the stream ends
    started = last_sent = time.monotonic()
    generation = 0
    while time.monotonic() - started < seconds:
        try:
            found = outbox.events_after(after)
            db.session.rollback()
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            with suppress(Exception):  # the connection may be gone with the database
                db.session.rollback()
            return  # the browser reconnects in a second and reads on from ``after``
        for event in found:
            after = event.id
            if pipeline_id is None or event.pipeline_id == pipeline_id:
                yield f"id: {event.id}\ndata: {json.dumps(outbox.event_json(event))}\n\n"
                last_sent = time.monotonic()
        if found:
            yield f"id: {after}\n: read up to here\n\n"  # resume after what was skipped
        elif time.monotonic() - last_sent >= HEARTBEAT_SECONDS:
            yield ": still here\n\n"
            last_sent = time.monotonic()
        remaining = max(0.01, seconds - (time.monotonic() - started))
        if waker is not None:  # woken by the next commit; looks anyway while not listening
            pause = HEARTBEAT_SECONDS if waker.listening else poll
            generation = waker.wait(generation, min(pause, remaining))
        else:
            time.sleep(min(poll, remaining))

