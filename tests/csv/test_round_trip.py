"""An export imported again gives the same leads, in every preset."""

from __future__ import annotations

from datetime import date

import pytest
from kanban_csv.export import LEAD_COLUMNS
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from tests.factories import ClientFactory

FIELDS = ("title", "contact_name", "company", "email", "phone", "value", "currency", "source",
          "priority", "tags", "description", "custom_fields", "next_action_date",
          "next_action_text", "owner_id", "client_id")


def snapshot() -> list[tuple]:
    db.session.expire_all()
    leads = db.session.scalars(select(Lead).order_by(Lead.email)).all()
    return [tuple(getattr(lead, name) for name in FIELDS) for lead in leads]


@pytest.mark.parametrize("preset, locale, suffix", [
    ("excel", "pt", "csv"), ("excel", "en", "csv"), ("csv", "en", "csv"), ("tsv", "ru", "tsv"),
])
def test_exported_leads_import_back_as_the_same_leads(manager_client, runner, leads, pipeline,
                                                      tmp_path, preset, locale, suffix):
    leads[1].next_action_date = date(2026, 4, 1)
    leads[1].next_action_text = "Call back -> send the offer"
    leads[1].priority = 2
    leads[2].client = ClientFactory(name="Padaria Ação")
    db.session.commit()
    before = snapshot()
    columns = [c.key for c in LEAD_COLUMNS] + ["custom:Budget", "custom:How did you hear"]
    response = manager_client.get("/csv/export/download", query_string={
        "format": preset, "locale": locale, "status": "all", "columns": columns})
    path = tmp_path / f"leads.{suffix}"
    path.write_bytes(response.data)
    for lead in db.session.scalars(select(Lead)).all():
        db.session.delete(lead)
    db.session.commit()

    result = runner.invoke(args=["import", str(path), "--stage", str(pipeline.stages[0].id)])

    assert result.exit_code == 0, result.output
    assert "Created: 6 in New\nDuplicates (left out): 0\nInvalid rows (left out): 0" in (
        result.output)
    assert snapshot() == before


def test_an_export_with_portuguese_headers_imports_back(manager_client, runner, leads, pipeline,
                                                         tmp_path):
    leads[0].client = ClientFactory(name="Café Central")
    db.session.commit()
    before = snapshot()
    columns = [c.key for c in LEAD_COLUMNS] + ["custom:Budget", "custom:How did you hear"]
    response = manager_client.get(
        "/csv/export/download", headers={"Accept-Language": "pt"},
        query_string={"format": "excel", "status": "all", "columns": columns})
    header = response.data.decode("utf-8-sig").split("\r\n")[0]
    assert header.startswith("Id do lead;Título;Nome do contacto;Empresa;Email;Telefone;Valor")
    path = tmp_path / "leads.csv"
    path.write_bytes(response.data)
    for lead in db.session.scalars(select(Lead)).all():
        db.session.delete(lead)
    db.session.commit()

    result = runner.invoke(args=["import", str(path), "--stage", "New"])

    assert result.exit_code == 0, result.output
    assert snapshot() == before
