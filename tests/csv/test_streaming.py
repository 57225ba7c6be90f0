"""Exports stream: memory stays flat however many leads are exported."""

from __future__ import annotations

import gc
import tracemalloc

from kanban_csv.export import DEFAULT_COLUMNS
from sqlalchemy import delete

from kanban.extensions import db
from kanban.models import Lead, LeadTag
from tests.csv.bulk import insert_leads


def peak_while_downloading(client, expected_rows: int) -> int:
    """Download the export chunk by chunk, keeping nothing; return the peak memory."""
    gc.collect()  # garbage left by earlier steps must not count as the export's
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.get("/csv/export/download", buffered=False, query_string={
            "format": "excel", "locale": "pt", "columns": DEFAULT_COLUMNS + ["custom:Budget"]})
        lines = 0
        for chunk in response.response:
            lines += chunk.count(b"\r\n")
        response.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines >= expected_rows + 1
    return peak


def test_export_memory_does_not_grow_with_the_number_of_leads(manager_client, pipeline):
    stage = pipeline.stages[0]
    insert_leads(stage, 2_000)
    peak_while_downloading(manager_client, 2_000)  # first use loads modules and catalogues
    small = peak_while_downloading(manager_client, 2_000)
    db.session.execute(delete(LeadTag))
    db.session.execute(delete(Lead))
    db.session.commit()
    insert_leads(stage, 20_000)
    large = peak_while_downloading(manager_client, 20_000)
    # Ten times the rows: a file held in memory would need about ten times the peak.
    assert large < small * 1.5 + 512 * 1024, (small, large)
