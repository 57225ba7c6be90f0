"""Work after commits (waking open boards, SQLite's checkpoints) is done by a thread of its
own: every poke is followed by a call, and pokes that come while one runs share the next."""

from __future__ import annotations

import threading
import time

from kanban.services.background_call import BackgroundCall


class Sender:
    """Counts calls; they wait until the test lets them go."""

    def __init__(self) -> None:
        self.sent = 0
        self.started = threading.Event()
        self.go_on = threading.Event()
        self.done = threading.Condition()

    def __call__(self) -> None:
        self.started.set()
        self.go_on.wait(5)
        with self.done:
            self.sent += 1
            self.done.notify_all()

    def wait_for(self, count: int) -> int:
        with self.done:
            self.done.wait_for(lambda: self.sent >= count, timeout=5)
        time.sleep(0.05)  # room for a wake-up too many to show
        return self.sent


def test_a_poke_is_followed_by_a_call():
    sender = Sender()
    sender.go_on.set()

    BackgroundCall(sender, what="Open boards were not woken").poke()

    assert sender.wait_for(1) == 1


def test_pokes_made_while_a_call_runs_share_the_next_one():
    sender = Sender()
    call = BackgroundCall(sender, what="Open boards were not woken")
    call.poke()
    sender.started.wait(5)

    for _ in range(20):
        call.poke()
    sender.go_on.set()

    assert sender.wait_for(2) == 2


def test_an_idle_call_stops_its_thread_and_a_later_commit_starts_another(monkeypatch):
    monkeypatch.setattr(BackgroundCall, "IDLE_SECONDS", 0.05)
    sender = Sender()
    sender.go_on.set()
    call = BackgroundCall(sender, what="Open boards were not woken")
    call.poke()
    sender.wait_for(1)
    deadline = time.monotonic() + 5
    while call._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert call._thread is None

    call.poke()

    assert sender.wait_for(2) == 2


def test_a_process_that_ends_makes_the_call_still_due():
    sender = Sender()
    sender.go_on.set()
    call = BackgroundCall(sender, what="Open boards were not woken")
    call._due.set()  # a commit whose wake-up the thread has not sent yet

    call.flush()

    assert sender.sent == 1


def test_flushing_waits_for_a_call_under_way():
    sender = Sender()
    call = BackgroundCall(sender, what="Open boards were not woken")
    call.poke()
    assert sender.started.wait(5)  # the thread's call has begun, and waits
    threading.Timer(0.2, sender.go_on.set).start()

    call.flush()

    assert sender.sent == 1  # flush came back once the call under way had ended


def test_a_call_that_fails_does_not_stop_the_next_ones(caplog):
    sent = []
    done = threading.Event()

    def send() -> None:
        sent.append(len(sent))
        if len(sent) == 1:
            raise OSError("the listener's server is restarting")
        done.set()

    call = BackgroundCall(send, what="Open boards were not woken")
    call.poke()
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)
    call.poke()

    assert done.wait(5)
    assert "Open boards were not woken" in caplog.text


def test_a_forked_server_process_makes_its_own_calls():
    import os

    sender = Sender()
    call = BackgroundCall(sender, what="Open boards were not woken")
    call.poke()
    sender.started.wait(5)  # the parent's thread is busy sending when the process forks
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the new process: its parent's thread is not there
        call._call = lambda: os.write(writing, b"sent")
        call.poke()
        time.sleep(1)
        os._exit(0)
    os.close(writing)
    sender.go_on.set()
    try:
        assert os.read(reading, 4) == b"sent"
    finally:
        os.waitpid(child, 0)
        os.close(reading)


def test_pokes_during_the_pause_after_a_call_share_the_next_one():
    sender = Sender()
    sender.go_on.set()
    call = BackgroundCall(sender, what="SQLite's log was not copied back", pause=0.5)
    call.poke()
    sender.wait_for(1)

    for _ in range(5):
        call.poke()

    assert sender.wait_for(2) == 2
