"""Factories for the web-form plugin's models."""

from __future__ import annotations

import factory
from kanban_webform.models import WebForm

from kanban.extensions import db
from kanban.services.owner_rules import set_rule
from tests.factories import BaseFactory

STANDARD = [
    {"key": "name", "label": "Name", "required": True, "custom": False},
    {"key": "email", "label": "Email", "required": True, "custom": False},
    {"key": "phone", "label": "Phone", "required": False, "custom": False},
    {"key": "company", "label": "Company", "required": False, "custom": False},
    {"key": "message", "label": "Message", "required": False, "custom": False},
    {"key": "budget", "label": "Budget", "required": False, "custom": True},
]


class WebFormFactory(BaseFactory):
    class Meta:
        model = WebForm

    name = factory.Sequence(lambda n: f"Contact {n}")
    slug = factory.Sequence(lambda n: f"contact-{n}")
    enabled = True
    fields = factory.LazyFunction(lambda: [dict(field) for field in STANDARD])
    stage = None
    tags = factory.LazyFunction(list)
    thank_you_message = ""
    redirect_url = ""
    allowed_origins = factory.LazyFunction(list)
    duplicate_days = None

    @classmethod
    def _create(cls, model_class, *args, owner_rule="none", owner=None,
                round_robin_user_ids=(), **kwargs):
        """``owner_rule`` with ``owner`` or ``round_robin_user_ids``: the form's rule, kept by
        the core."""
        form = super()._create(model_class, *args, **kwargs)
        people = [owner.id] if owner is not None else list(round_robin_user_ids)
        set_rule(form.owner_source, owner_rule, people)
        db.session.commit()
        return form
