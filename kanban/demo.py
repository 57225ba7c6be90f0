"""A demo pipeline with realistic leads, for a first look and for benchmarks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update

from kanban.config import N_
from kanban.extensions import db
from kanban.i18n import in_team_language
from kanban.models import (
    Activity,
    ActivityKind,
    Client,
    Lead,
    LeadStatus,
    Pipeline,
    Stage,
    User,
)
from kanban.models.base import today as today_
from kanban.models.base import utcnow
from kanban.ranking import rank_between
from kanban.services.lead_batches import create_leads
from kanban.services.lead_input import clean_lead_data
from kanban.services.pipelines import create_pipeline

# The demo speaks the team's language: every text below is translated when it is written.
PIPELINE = N_("Sales")
STAGES = [(N_("New"), False), (N_("Contacted"), False), (N_("Qualified"), False),
          (N_("Proposal"), True), (N_("Negotiation"), True)]
# Days without a touch after which a lead of the stage is stale, by stage (in order).
STALE_DAYS = [None, 14, 21, 10, 7]
NOTES = [
    N_("Called: they compare three offers, decision at the end of the month."),
    N_("Sent the quote by email; they asked for delivery dates."),
    N_("Meeting at their office: the owner wants a demo for the team."),
    N_("No answer; left a voicemail."),
    N_("They need the budget approved first; call back after the board meeting."),
]
TEAM = [
    ("ana.silva@example.com", "Ana Silva", "pt"),
    ("marco.rossi@example.com", "Marco Rossi", "it"),
    ("lucia.garcia@example.com", "Lucía García", "es"),
    ("dmitry.ivanov@example.com", "Дмитрий Иванов", "ru"),
]
COMPANIES = [
    ("Padaria Lisboeta", "Joana Ferreira", N_("Lisbon")),
    ("Vinhos do Douro Lda", "Rui Costa", N_("Porto")),
    ("Tipografia Milanese", "Giulia Bianchi", N_("Milan")),
    ("Ferramenta Lombarda", "Luca Ferrari", N_("Milan")),
    ("Café Gran Vía", "Carmen López", N_("Madrid")),
    ("Talleres Hernández", "Javier Hernández", N_("Madrid")),
    ("ООО «Казанский текстиль»", "Ольга Смирнова", N_("Kazan")),
    ("Волга Логистик", "Сергей Кузнецов", N_("Kazan")),
    ("Clínica Sorriso", "Marta Sousa", N_("Coimbra")),
    ("Studio Architettura Conti", "Paolo Conti", N_("Turin")),
    ("Hotel Alameda", "Lucía Martín", N_("Seville")),
    ("Pastelaria Belém", "Tiago Almeida", N_("Lisbon")),
    ("Officina Moretti", "Sara Moretti", N_("Bergamo")),
    ("Frutas Valencia SL", "Pablo Sánchez", N_("Valencia")),
    ("ТатАгроСнаб", "Айгуль Хасанова", N_("Kazan")),
]
WHAT = [N_("Website redesign"), N_("Annual maintenance"), N_("CRM onboarding"),
        N_("Printer fleet"), N_("Training"), N_("Office furniture"), N_("Delivery contract"),
        N_("Point-of-sale terminals"), N_("Cloud backup"), N_("Marketing package")]
TAGS = [N_("referral"), N_("trade fair"), N_("renewal"), N_("urgent"), N_("web"),
        N_("cold call")]
WEB_FORM = "web form"
SOURCES = ["manual", "api", WEB_FORM, "email", "import: trade-fair.csv"]
CONTACT_FORM = N_("Contact")  # the demo's web form, named in the team's language
NEXT_ACTIONS = [N_("Call back"), N_("Send proposal"), N_("Send samples"), N_("Visit the shop"),
                N_("Follow-up email")]


def demo_team() -> list[User]:
    """Return the demo salespeople, creating them if needed."""
    users = []
    for email, name, locale in TEAM:
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            # Demo colleagues have no password: they fill the board, nobody logs in as them.
            user = User(email=email, name=name, locale=locale, password_hash="")
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def demo_pipeline() -> Pipeline:
    pipeline = db.session.scalars(select(Pipeline).order_by(Pipeline.id)).first()
    if pipeline is None:
        with in_team_language():
            pipeline = create_pipeline(_(PIPELINE), [(_(name), is_proposal)
                                                     for name, is_proposal in STAGES])
        ordered = sorted(pipeline.stages, key=lambda stage: stage.position)
        for stage, stale_days in zip(ordered, STALE_DAYS, strict=True):
            stage.stale_days = stale_days
        db.session.commit()
    return pipeline


def _source(rng: random.Random) -> str:
    source = rng.choice(SOURCES)
    return f"{WEB_FORM}: {_(CONTACT_FORM)}" if source == WEB_FORM else source


def _title(rng: random.Random, company: str) -> str:
    return f"{_(rng.choice(WHAT))} – {company}"


def create_demo_data(count: int, *, owner: User | None = None, seed: int = 7,
                     stage: Stage | None = None) -> int:
    """Add ``count`` open leads spread over the demo pipeline (or all in ``stage``), written
    in the team's language."""
    with in_team_language():
        return _create_demo_data(count, owner=owner, seed=seed, stage=stage)


def _create_demo_data(count: int, *, owner: User | None, seed: int, stage: Stage | None) -> int:
    rng = random.Random(seed)
    pipeline = demo_pipeline()
    owners = demo_team() + ([owner] if owner else [])
    stages = [stage] if stage else pipeline.stages
    today = today_()
    per_stage: dict[int, list[dict]] = {s.id: [] for s in stages}
    for index in range(count):
        company, contact, city = rng.choice(COMPANIES)
        target = rng.choice(stages)
        # Follow-ups due today or late are to do; later ones wait in standby.
        due = today + timedelta(days=rng.choice([-6, -2, -1, 0, 0, 0, 1, 3, 8, 20, 45]))
        per_stage[target.id].append(clean_lead_data({
            "title": _title(rng, company),
            "value": Decimal(rng.randrange(500, 60000, 50)),
            "currency": "EUR",
            "contact_name": contact,
            "company": company,
            "email": f"contact{index}@{company.split()[0].lower().strip('«»')}.example",
            "phone": f"+351 21 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "source": _source(rng),
            "owner_id": rng.choice(owners).id,
            "priority": rng.choice([1, 2, 2, 3]),
            "description": _("%(contact)s (%(city)s) asked about: %(what)s.", contact=contact,
                             city=_(city), what=_(rng.choice(WHAT))),
            "next_action_kind": "standby" if due > today else "todo",
            "next_action_date": due.isoformat(),
            "next_action_text": _(rng.choice(NEXT_ACTIONS)),
            "tags": [_(t) for t in rng.sample(TAGS, rng.randint(0, 2))],
        }))
    owners_of: dict[int, int] = {}  # each new lead's owner, by id (in the rows' order)
    for stage_id, rows in per_stage.items():
        created = create_leads(rows, stage=db.session.get(Stage, stage_id), user=None,
                               source="demo", tell_people=False)
        owners_of.update(zip(created.ids, (row["owner_id"] for row in rows), strict=True))
    ids = list(owners_of)
    now = utcnow()
    touched = {}  # some leads were last touched long ago: they show as stale
    for lead_id in ids:
        touched[lead_id] = now - timedelta(days=rng.choice([0, 1, 3, 6, 12, 25]))
    db.session.execute(
        update(Lead.__table__).where(Lead.__table__.c.id == bindparam("lead_id"))
        .values(touched_at=bindparam("touched")),
        [{"lead_id": lead_id, "touched": moment} for lead_id, moment in touched.items()],
    )
    db.session.add_all(
        Activity(lead_id=lead_id, author_id=owners_of[lead_id],
                 kind=rng.choice(["call", "email"]), body=_(rng.choice(NOTES)), payload={},
                 created_at=touched[lead_id])
        for lead_id in ids if rng.random() < 0.6
    )
    db.session.commit()
    return len(ids)


def create_demo_history(count: int, *, months: int = 6, seed: int = 11) -> int:
    """Add ``count`` closed leads over the last ``months``, won and lost, in client folders.

    They give the results page and the client folders something to show.
    """
    with in_team_language():
        return _create_demo_history(count, months=months, seed=seed)


def _create_demo_history(count: int, *, months: int, seed: int) -> int:
    reasons = current_app.config["LOST_REASONS"]  # stored as keys, read in each one's words
    rng = random.Random(seed)
    pipeline = demo_pipeline()
    owners = demo_team()
    proposal = next((s for s in pipeline.stages if s.is_proposal), pipeline.stages[-1])
    last = max(pipeline.stages, key=lambda stage: stage.position)
    folders: dict[str, Client] = {}
    today = today_()
    closed = []
    key = db.session.scalar(select(func.max(Lead.rank)).where(Lead.stage_id == last.id))
    for _index in range(count):
        company, contact, _city = rng.choice(COMPANIES)
        created = today - timedelta(days=rng.randint(5, months * 30))
        closed_on = min(today, created + timedelta(days=rng.randint(3, 60)))
        status = rng.choice([LeadStatus.WON, LeadStatus.WON, LeadStatus.LOST,
                             LeadStatus.LOST, LeadStatus.CANCELLED])
        lead = Lead(
            title=_title(rng, company), value=Decimal(rng.randrange(500, 40000, 50)),
            currency="EUR", contact_name=contact, company=company,
            email=f"{contact.split()[0].lower()}@{company.split()[0].lower().strip('«»')}.example",
            source=_source(rng), owner_id=rng.choice(owners).id,
            priority=rng.choice([1, 2, 2, 3]), stage_id=last.id,
            rank=(key := rank_between(key, None)),
            status=status, lost_reason=rng.choice(reasons) if status == "lost" else "",
            created_at=_moment(created), closed_at=_moment(closed_on),
            updated_at=_moment(closed_on), touched_at=_moment(closed_on),
        )
        if status == LeadStatus.WON:
            if company not in folders:
                folders[company] = Client(name=company, rating=rng.choice("ABCCD"))
            lead.client = folders[company]
        closed.append(lead)
    db.session.add_all(closed)
    db.session.flush()
    # The deals in progress with those companies belong in their folders too.
    for lead in db.session.scalars(select(Lead).where(
            Lead.status == LeadStatus.OPEN, Lead.client_id.is_(None),
            Lead.company.in_(list(folders)))):
        lead.client = folders[lead.company]
    for lead in closed:
        made = lead.created_at + (lead.closed_at - lead.created_at) / 2
        db.session.add(Activity(
            lead_id=lead.id, author_id=lead.owner_id, kind=ActivityKind.STAGE_CHANGE,
            payload={"to_stage_id": proposal.id, "to": proposal.name}, created_at=made,
        ))
    db.session.commit()
    return len(closed)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10, 30), tzinfo=UTC)


@dataclass(frozen=True)
class DemoRemoved:
    leads: int
    people: int
    folders: int


def demo_lead_ids() -> list[int]:
    """The demo's leads: one of its companies, at an example address (``….example``, which
    no real contact has, see kanban.emails)."""
    companies = [company for company, _contact, _city in COMPANIES]
    return list(db.session.scalars(select(Lead.id).where(
        Lead.company.in_(companies), Lead.email.like("%.example"))))


def demo_people() -> list[User]:
    """The demo's colleagues: its addresses, with no password (nobody ever logged in)."""
    return list(db.session.scalars(select(User).where(
        User.email.in_([email for email, _name, _locale in TEAM]), User.password_hash == "")))


def remove_demo_data() -> DemoRemoved:
    """Delete the demo's leads (with their timelines), its colleagues and the client folders
    its leads leave empty; a real lead one of those colleagues owned is left without owner."""
    lead_ids = demo_lead_ids()
    people_ids = [person.id for person in demo_people()]
    folder_ids = set()
    for start in range(0, len(lead_ids), 500):
        folder_ids.update(db.session.scalars(select(Lead.client_id).where(
            Lead.id.in_(lead_ids[start:start + 500]), Lead.client_id.is_not(None))))
    for start in range(0, len(lead_ids), 500):
        db.session.execute(delete(Lead).where(Lead.id.in_(lead_ids[start:start + 500])))
    db.session.execute(update(Lead).where(Lead.owner_id.in_(people_ids)).values(owner_id=None))
    db.session.execute(delete(User).where(User.id.in_(people_ids)))
    folders = db.session.execute(delete(Client).where(
        Client.id.in_(folder_ids),
        ~select(Lead.id).where(Lead.client_id == Client.id).exists())).rowcount
    db.session.commit()
    db.session.expire_all()
    return DemoRemoved(len(lead_ids), len(people_ids), folders)
