"""factory-boy factories for every core model, bound to the application's session."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import (
    Activity,
    ApiToken,
    Client,
    Lead,
    LeadTag,
    Pipeline,
    Role,
    Stage,
    User,
)
from kanban.ranking import rank_between

PASSWORD = "correct horse battery"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@team.internal")
    name = factory.Faker("name")
    role = Role.MEMBER.value
    active = True
    password_hash = factory.LazyFunction(lambda: _hashed(PASSWORD))


def _hashed(password: str) -> str:
    # One cheap hash per test run: the default scrypt cost would slow every test.
    from werkzeug.security import generate_password_hash

    if not hasattr(_hashed, "cache"):
        _hashed.cache = generate_password_hash(password, method="pbkdf2:sha256:1000")
    return _hashed.cache


class PipelineFactory(BaseFactory):
    class Meta:
        model = Pipeline

    name = factory.Sequence(lambda n: f"Pipeline {n}")
    position = factory.Sequence(int)

    @factory.post_generation
    def stages(self, create, extracted, **kwargs):
        names = extracted if extracted is not None else ["New", "Contacted", "Proposal", "Won?"]
        for index, name in enumerate(names):
            self.stages.append(Stage(name=name, position=index, is_proposal=name == "Proposal"))
        if create:
            db.session.commit()


class StageFactory(BaseFactory):
    class Meta:
        model = Stage

    pipeline = factory.SubFactory(PipelineFactory, stages=[])
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(int)


def _next_rank(stage: Stage) -> str:
    db.session.flush()
    last = db.session.scalar(select(func.max(Lead.rank)).where(Lead.stage_id == stage.id))
    return rank_between(last, None)


class LeadFactory(BaseFactory):
    class Meta:
        model = Lead

    title = factory.Sequence(lambda n: f"Lead {n}")
    value = Decimal("1000.00")
    currency = "EUR"
    contact_name = factory.Faker("name")
    company = factory.Faker("company")
    email = factory.Sequence(lambda n: f"contact{n}@client.example")
    stage = factory.SubFactory(StageFactory)
    rank = factory.LazyAttribute(lambda lead: _next_rank(lead.stage))
    owner = None

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tag_rows = [LeadTag(tag=t) for t in extracted]
            if create:
                db.session.commit()


class ClientFactory(BaseFactory):
    class Meta:
        model = Client

    name = factory.Faker("company")
    rating = None


class ActivityFactory(BaseFactory):
    class Meta:
        model = Activity

    lead = factory.SubFactory(LeadFactory)
    kind = "note"
    body = factory.Faker("sentence")
    payload = factory.LazyFunction(dict)


class ApiTokenFactory(BaseFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "Test token"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    prefix = "kbn_test"
