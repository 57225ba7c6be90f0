"""A demo pipeline with realistic leads, for a first look and for benchmarks."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Activity, ActivityKind, Lead, LeadTag, Pipeline, Stage, User
from kanban.models.base import utcnow
from kanban.ranking import rank_between
from kanban.services.pipelines import create_pipeline

STAGES = [("New", False), ("Contacted", False), ("Qualified", False), ("Proposal", True),
          ("Negotiation", True)]
TEAM = [
    ("ana.silva@example.com", "Ana Silva", "pt"),
    ("marco.rossi@example.com", "Marco Rossi", "en"),
    ("lucia.garcia@example.com", "Lucía García", "en"),
    ("dmitry.ivanov@example.com", "Дмитрий Иванов", "en"),
]
COMPANIES = [
    ("Padaria Lisboeta", "Joana Ferreira", "Lisbon"),
    ("Vinhos do Douro Lda", "Rui Costa", "Porto"),
    ("Tipografia Milanese", "Giulia Bianchi", "Milan"),
    ("Ferramenta Lombarda", "Luca Ferrari", "Milan"),
    ("Café Gran Vía", "Carmen López", "Madrid"),
    ("Talleres Hernández", "Javier Hernández", "Madrid"),
    ("ООО «Казанский текстиль»", "Ольга Смирнова", "Kazan"),
    ("Волга Логистик", "Сергей Кузнецов", "Kazan"),
    ("Clínica Sorriso", "Marta Sousa", "Coimbra"),
    ("Studio Architettura Conti", "Paolo Conti", "Turin"),
    ("Hotel Alameda", "Lucía Martín", "Seville"),
    ("Pastelaria Belém", "Tiago Almeida", "Lisbon"),
    ("Officina Moretti", "Sara Moretti", "Bergamo"),
    ("Frutas Valencia SL", "Pablo Sánchez", "Valencia"),
    ("ТатАгроСнаб", "Айгуль Хасанова", "Kazan"),
]
WHAT = ["Website redesign", "Annual maintenance", "CRM onboarding", "Printer fleet", "Training",
        "Office furniture", "Delivery contract", "Point-of-sale terminals", "Cloud backup",
        "Marketing package"]
TAGS = ["referral", "trade-fair", "renewal", "urgent", "web", "cold-call"]
SOURCES = ["manual", "referral", "web form: Contact", "email", "import"]
NEXT_ACTIONS = ["Call back", "Send proposal", "Send samples", "Visit the shop", "Follow up email"]


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
    return pipeline or create_pipeline("Sales", STAGES)


def create_demo_data(count: int, *, owner: User | None = None, seed: int = 7,
                     stage: Stage | None = None) -> int:
    """Add ``count`` open leads spread over the demo pipeline (or all in ``stage``)."""
    rng = random.Random(seed)
    pipeline = demo_pipeline()
    owners = demo_team() + ([owner] if owner else [])
    stages = [stage] if stage else pipeline.stages
    today = date.today()
    per_stage: dict[int, list[Lead]] = {s.id: [] for s in stages}
    leads = []
    for index in range(count):
        company, contact, city = rng.choice(COMPANIES)
        target = rng.choice(stages)
        kind = rng.choice(["todo", "todo", "todo", "standby"])
        due = today + timedelta(days=rng.randint(-10, 30))
        if kind == "standby" and due <= today:
            due = today + timedelta(days=rng.randint(3, 40))
        lead = Lead(
            title=f"{rng.choice(WHAT)} – {company}",
            value=Decimal(rng.randrange(500, 60000, 50)),
            currency="EUR",
            contact_name=contact,
            company=company,
            email=f"contact{index}@{company.split()[0].lower().strip('«»')}.example",
            phone=f"+351 21 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            source=rng.choice(SOURCES),
            owner_id=rng.choice(owners).id,
            priority=rng.choice([0, 1, 1, 2]),
            description=f"{contact} ({city}) asked about {rng.choice(WHAT).lower()}.",
            stage_id=target.id,
            rank="",
            next_action_kind=kind,
            next_action_date=due,
            next_action_text=rng.choice(NEXT_ACTIONS),
        )
        lead.tag_rows = [LeadTag(tag=t) for t in rng.sample(TAGS, rng.randint(0, 2))]
        per_stage[target.id].append(lead)
        leads.append(lead)
    for stage_id, column in per_stage.items():
        existing = list(db.session.scalars(select(Lead.rank).where(Lead.stage_id == stage_id)))
        key = max(existing) if existing else None
        for lead in column:
            key = rank_between(key, None)
            lead.rank = key
    db.session.add_all(leads)
    db.session.flush()
    now = utcnow()
    db.session.add_all(
        Activity(lead_id=lead.id, kind=ActivityKind.SYSTEM, body="Lead created (demo data)",
                 payload={"event": "created", "source": "demo"}, created_at=now)
        for lead in leads
    )
    db.session.commit()
    return len(leads)
