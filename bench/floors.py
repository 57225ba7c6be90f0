"""What a page asks the database, and how long that takes run bare: the benchmarks' floor.

Nothing here is imported at load time but the standard library: the benchmarks import
this module first, while their own folder is on the path (it holds a csv.py that takes
itself off the path as soon as anything imports the real csv module).
"""

from __future__ import annotations

import statistics
import time


def statements_of(engine, client, url: str) -> list[tuple[str, object]]:
    """Return the SQL statements (with their parameters) one GET of ``url`` sends."""
    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    client.get(url)
    event.remove(engine, "before_cursor_execute", record)
    return statements


def bare_ms(engine, statements: list[tuple[str, object]], runs: int) -> float:
    """Run statements on the DB-API connection itself, no ORM or Flask; median ms."""
    times = []
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for _run in range(runs):
            start = time.perf_counter()
            for statement, parameters in statements:
                cursor = raw.cursor()
                cursor.execute(statement, parameters)
                cursor.fetchall()
                cursor.close()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def page_beside_bare(engine, client, url: str, runs: int) -> tuple[float, float, int, int]:
    """Time GET ``url`` and, right after each GET, the statements it sends run bare: the
    two see the same moment of a noisy machine. Return (page ms, bare ms) medians, the
    number of statements and the page's size."""
    for _warm_up in range(2):
        assert client.get(url).status_code == 200, url
    statements = statements_of(engine, client, url)
    pages, bare, size = [], [], 0
    for _run in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        pages.append(time.perf_counter() - start)
        size = len(response.data)
        bare.append(bare_ms(engine, statements, 1))
    return statistics.median(pages) * 1000, statistics.median(bare), len(statements), size


def insert_in_batches(engine, statement, rows, size: int = 500) -> None:
    """The import floors' writes: one ``executemany`` of ``statement`` per ``size`` rows,
    each batch committed on its own."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            with engine.begin() as connection:
                connection.execute(statement, batch)
            batch = []
    if batch:
        with engine.begin() as connection:
            connection.execute(statement, batch)
