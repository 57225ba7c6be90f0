"""Writes asked for at once by several threads are made together, each thread getting
back its own result or error."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask

from kanban.services.together import Together, together


class Writes:
    """A write that records its groups; its first group waits until ``go`` is set."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.groups: list[list[str]] = []
        self.go = threading.Event()
        self.fail_on = fail_on

    def __call__(self, items: list[str]) -> list[str]:
        self.groups.append(list(items))
        if len(self.groups) == 1:
            assert self.go.wait(5)
        if self.fail_on in items:
            raise ValueError(f"cannot write {self.fail_on}")
        return [item.upper() for item in items]


def wait_until_waiting(writer: Together, count: int, seconds: float = 10) -> None:
    """Wait (at most ``seconds``) until ``count`` threads wait for ``writer``'s turn."""
    deadline = time.monotonic() + seconds
    while writer.waiting < count and time.monotonic() < deadline:
        time.sleep(0.001)


def ask_in_threads(writer: Together, items: list[str], writes: Writes) -> dict[str, object]:
    """Ask for the first item, then for the others while the first write runs."""
    outcomes: dict[str, object] = {}

    def ask(item: str) -> None:
        try:
            outcomes[item] = writer(item)
        except Exception as exc:
            outcomes[item] = exc

    first = threading.Thread(target=ask, args=(items[0],))
    first.start()
    while not writes.groups:
        time.sleep(0.001)
    others = [threading.Thread(target=ask, args=(item,)) for item in items[1:]]
    for thread in others:
        thread.start()
    wait_until_waiting(writer, len(others))
    writes.go.set()
    for thread in [first, *others]:
        thread.join(5)
    return outcomes


def test_a_thread_alone_writes_its_item_at_once():
    writes = Writes()
    writes.go.set()
    assert Together(writes)("ana") == "ANA"
    assert writes.groups == [["ana"]]


def test_items_asked_for_during_a_write_are_written_together_next():
    writes = Writes()
    outcomes = ask_in_threads(Together(writes), ["ana", "bea", "caio", "dora"], writes)
    assert outcomes == {"ana": "ANA", "bea": "BEA", "caio": "CAIO", "dora": "DORA"}
    assert writes.groups[0] == ["ana"]
    assert sorted(writes.groups[1]) == ["bea", "caio", "dora"]
    assert len(writes.groups) == 2


def test_a_shared_write_that_fails_is_made_again_item_by_item():
    writes = Writes(fail_on="caio")
    outcomes = ask_in_threads(Together(writes), ["ana", "bea", "caio", "dora"], writes)
    assert isinstance(outcomes.pop("caio"), ValueError)
    assert outcomes == {"ana": "ANA", "bea": "BEA", "dora": "DORA"}
    assert sorted(map(tuple, writes.groups[2:])) == [("bea",), ("caio",), ("dora",)]


def test_an_error_of_the_whole_write_is_every_items_answer_at_once():
    writes = Writes(fail_on="caio")
    writer = Together(writes, shared=(ValueError,))
    outcomes = ask_in_threads(writer, ["ana", "bea", "caio", "dora"], writes)
    assert outcomes.pop("ana") == "ANA"
    assert all(isinstance(error, ValueError) for error in outcomes.values())
    assert len(writes.groups) == 2  # nothing written again item by item


def test_a_failing_write_of_one_item_raises_in_its_thread():
    writes = Writes(fail_on="ana")
    writes.go.set()
    with pytest.raises(ValueError, match="cannot write ana"):
        Together(writes)("ana")


def test_at_most_so_many_items_are_written_together():
    writes = Writes()
    ask_in_threads(Together(writes, most=2), ["ana", "bea", "caio", "dora", "eva"], writes)
    assert [len(group) for group in writes.groups] == [1, 2, 2]


def test_each_app_has_its_own_writes():
    def write(items: list[str]) -> list[str]:
        return items

    first, second = Flask("first"), Flask("second")
    with first.app_context():
        mine = together(write)
        assert together(write) is mine
    with second.app_context():
        assert together(write) is not mine
