"""Wake-ups of open boards are sent from a thread of their own: every commit is followed by
one, and commits that come while one is being sent share the next."""

from __future__ import annotations

import threading
import time

from kanban.services.live_wakeup import Announcer


class Sender:
    """Counts wake-ups; the first one waits until the test lets it go."""

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


def test_a_commit_is_followed_by_a_wake_up():
    sender = Sender()
    sender.go_on.set()

    Announcer(sender).poke()

    assert sender.wait_for(1) == 1


def test_commits_made_while_a_wake_up_is_sent_share_the_next_one():
    sender = Sender()
    announcer = Announcer(sender)
    announcer.poke()
    sender.started.wait(5)

    for _ in range(20):
        announcer.poke()
    sender.go_on.set()

    assert sender.wait_for(2) == 2


def test_an_idle_announcer_stops_its_thread_and_a_later_commit_starts_another(monkeypatch):
    monkeypatch.setattr(Announcer, "IDLE_SECONDS", 0.05)
    sender = Sender()
    sender.go_on.set()
    announcer = Announcer(sender)
    announcer.poke()
    sender.wait_for(1)
    deadline = time.monotonic() + 5
    while announcer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert announcer._thread is None

    announcer.poke()

    assert sender.wait_for(2) == 2


def test_a_process_that_ends_sends_what_is_due():
    sender = Sender()
    sender.go_on.set()
    announcer = Announcer(sender)
    announcer._due.set()  # a commit whose wake-up the thread has not sent yet

    announcer.flush()

    assert sender.sent == 1


def test_a_wake_up_that_fails_does_not_stop_the_next_ones(caplog):
    sent = []
    done = threading.Event()

    def send() -> None:
        sent.append(len(sent))
        if len(sent) == 1:
            raise OSError("the listener's server is restarting")
        done.set()

    announcer = Announcer(send)
    announcer.poke()
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)
    announcer.poke()

    assert done.wait(5)
    assert "Open boards were not woken" in caplog.text


def test_a_forked_server_process_sends_its_own_wake_ups():
    import os

    sender = Sender()
    announcer = Announcer(sender)
    announcer.poke()
    sender.started.wait(5)  # the parent's thread is busy sending when the process forks
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the new process: its parent's thread is not there
        announcer._send = lambda: os.write(writing, b"sent")
        announcer.poke()
        time.sleep(1)
        os._exit(0)
    os.close(writing)
    sender.go_on.set()
    try:
        assert os.read(reading, 4) == b"sent"
    finally:
        os.waitpid(child, 0)
        os.close(reading)
