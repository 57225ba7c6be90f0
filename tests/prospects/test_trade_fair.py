"""The whole method, as a salesperson meets it: a 500-name trade-fair list imported, called
down from the list view, three interested people made leads in one click each, one of
them won, and the results page showing what the list brought in."""

from __future__ import annotations

import io
from datetime import timedelta

from kanban_prospects.models import ProspectList, ProspectRow, RowStatus

from kanban.extensions import db
from kanban.models import Lead
from kanban.models.base import today
from kanban.services.leads import close_lead


def fair_file() -> bytes:
    lines = ["Empresa;Nome;Telefone;E-mail;Stand visitado"]
    lines += [f"Empresa {n};Pessoa {n};+351 91{n:07d};pessoa{n}@feira.example;Stand {n % 7}"
              for n in range(1, 501)]
    return "\r\n".join(lines).encode("cp1252")


def test_a_trade_fair_list_from_import_to_results(member_client, member, pipeline):
    uploaded = member_client.post("/prospects/import", data={
        "file": (io.BytesIO(fair_file()), "feira.csv"), "name": "Feira 2026"},
        content_type="multipart/form-data")
    mapping = uploaded.headers["Location"]
    member_client.post(mapping, data={"name": "Feira 2026", "column-0": "company",
                                      "column-1": "contact_name", "column-2": "phone",
                                      "column-3": "email", "column-4": ""})
    plist = db.session.query(ProspectList).one()
    listed = member_client.get(f"/prospects/{plist.id}").get_data(as_text=True)
    assert "Rows found: 500." in listed
    rows = db.session.query(ProspectRow).order_by(ProspectRow.position).limit(6).all()
    # Calling down the list: no, later, yes; no, yes, yes.
    for row, answer in zip(rows, ["no", "later", "yes", "no", "yes", "yes"], strict=True):
        if answer == "no":
            member_client.post(f"/prospects/rows/{row.id}/status", data={
                "status": "not_interested", "reason": "No budget", "then": "next"})
        elif answer == "later":
            member_client.post(f"/prospects/rows/{row.id}/status", data={
                "status": "call_back", "call_back_on": (today() + timedelta(7)).isoformat(),
                "then": "next"})
        else:
            member_client.post(f"/prospects/rows/{row.id}/touches", data={
                "kind": "call", "body": "Interested: send a proposal."})
            member_client.post(f"/prospects/rows/{row.id}/lead",
                               data={"stage_id": str(pipeline.stages[0].id)})
    leads = db.session.query(Lead).order_by(Lead.id).all()
    assert [lead.title for lead in leads] == ["Empresa 3", "Empresa 5", "Empresa 6"]
    assert leads[0].description == "Stand visitado: Stand 3"
    leads[0].value = 4200
    db.session.commit()
    close_lead(leads[0], "won", user=member)
    results = member_client.get("/results").get_data(as_text=True)
    assert "Won from prospect lists" in results and "Feira 2026 (EUR)" in results
    index = member_client.get("/prospects/").get_data(as_text=True)
    assert "Feira 2026" in index
    counts = {status: db.session.query(ProspectRow).filter_by(status=status).count()
              for status in RowStatus.ALL}
    assert counts == {"to_contact": 494, "call_back": 1, "not_interested": 2, "lead": 3,
                      "noted": 0}
