"""A hand-built month of sales (November 2026) whose every number is worked out below."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from kanban.services.periods import Period
from tests.factories import ActivityFactory, LeadFactory, UserFactory

NOVEMBER = Period("custom", date(2026, 11, 1), date(2026, 12, 1))


def at(day: int, hour: int = 12, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def november() -> Period:
    return NOVEMBER


@pytest.fixture
def people(app):
    return SimpleNamespace(ana=UserFactory(name="Ana"), bruno=UserFactory(name="Bruno"))


def lead(stage, status, value="1000", *, source="manual", owner=None, created=None,
         closed=None, currency="EUR", reason="", title=None):
    return LeadFactory(
        title=title or f"{status} {source} {value}", stage=stage, status=status,
        value=None if value is None else Decimal(value), currency=currency, source=source,
        owner=owner, created_at=created or at(1, 0, month=10), closed_at=closed,
        lost_reason=reason,
    )


def entered(lead_, stage, when, *, created=False):
    """Record the lead entering ``stage`` on its timeline (a move, or created there)."""
    if created:
        return ActivityFactory(lead=lead_, kind="system", created_at=when,
                               payload={"event": "created", "stage_id": stage.id,
                                        "source": lead_.source})
    return ActivityFactory(lead=lead_, kind="stage_change", created_at=when,
                           payload={"from_stage_id": lead_.stage_id, "to_stage_id": stage.id,
                                    "from": "?", "to": stage.name})


@pytest.fixture
def month(pipeline, people):
    """November 2026 on the "Sales" pipeline (New, Contacted, Proposal, Negotiation).

    Won in November: 1 000 € + 2 500 € (web form, Ana: 10 and 3 days), 500 € (email,
    Bruno: 20 days) and $300 (email, Bruno: 8 days); one won just before and one just
    after the month. Lost in November: "Price: too dear" (web form, Ana), "Price"
    (email, nobody), a script tag (manual, Bruno), "Chose a competitor" (email, Ana),
    "Pricey" (manual, nobody); one lost just after. One cancelled (web form, Ana).
    Open: New 1 000 € (Ana) and $200, Proposal 3 000 € (Bruno), Negotiation without value.
    """
    new, _contacted, proposal, negotiation = pipeline.stages
    ana, bruno = people.ana, people.bruno
    web, email = "web form: Contact", "email"
    leads = SimpleNamespace(
        won_first=lead(negotiation, "won", "1000", source=web, owner=ana,
                       created=at(22, 0, month=10), closed=at(1, 0)),
        won_second=lead(negotiation, "won", "2500", source=web, owner=ana,
                        created=at(2, 12), closed=at(5, 12)),
        won_last_minute=lead(negotiation, "won", "500", source=email, owner=bruno,
                             created=at(10, 23, 59), closed=at(30, 23, 59)),
        won_dollars=lead(negotiation, "won", "300", source=email, owner=bruno,
                         currency="USD", created=at(1, 0), closed=at(9, 0)),
        won_after=lead(negotiation, "won", "9999", source=web, owner=ana,
                       created=at(1, 0), closed=datetime(2026, 12, 1, tzinfo=UTC)),
        won_before=lead(negotiation, "won", "7777", source=web, owner=ana,
                        created=at(1, 0, month=10),
                        closed=datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)),
        lost_price_details=lead(negotiation, "lost", "800", source=web, owner=ana,
                                closed=at(12), reason="Price: too dear"),
        lost_price=lead(negotiation, "lost", "100", source=email, closed=at(20),
                        reason="Price"),
        lost_hostile=lead(negotiation, "lost", "100", source="manual", owner=bruno,
                          closed=at(3), reason="<script>alert(1)</script>"),
        lost_competitor=lead(negotiation, "lost", "100", source=email, owner=ana,
                             closed=at(25), reason="Chose a competitor"),
        lost_pricey=lead(negotiation, "lost", "100", source="manual", closed=at(26),
                         reason="Pricey"),
        lost_after=lead(negotiation, "lost", "100", source="manual",
                        closed=datetime(2026, 12, 1, tzinfo=UTC), reason="Price"),
        cancelled=lead(negotiation, "cancelled", "100", source=web, owner=ana, closed=at(15)),
        open_new=lead(new, "open", "1000", owner=ana),
        open_dollars=lead(new, "open", "200", currency="USD"),
        open_proposal=lead(proposal, "open", "3000", owner=bruno),
        open_no_value=lead(negotiation, "open", None),
    )
    # Proposals made in November: the open one twice, the won one, the lost one created
    # straight into Proposal, the cancelled one. Not counted: before or after the month,
    # a move to another stage, a timeline entry that is not a creation.
    entered(leads.open_proposal, proposal, at(3))
    entered(leads.open_proposal, proposal, at(10))
    entered(leads.won_second, proposal, at(4))
    entered(leads.lost_price_details, proposal, at(6), created=True)
    entered(leads.cancelled, proposal, at(14))
    entered(leads.won_first, proposal, at(30, month=10))
    entered(leads.lost_pricey, proposal, datetime(2026, 12, 1, tzinfo=UTC))
    entered(leads.lost_competitor, negotiation, at(20))
    ActivityFactory(lead=leads.lost_price, kind="system", created_at=at(20),
                    payload={"event": "closed", "stage_id": proposal.id})
    entered(leads.open_new, new, at(7), created=True)
    return leads
