"""Forms of the lead and admin pages.

They render fields and carry the CSRF token; the rules live in the services, whose
ValidationError fields are put back on the form with ``show_errors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput, TimeInput

from kanban.models import Client, Pipeline, User

PRIORITY_CHOICES = [
    SelectChoice("1", _l("1: can bring a lot, quickly")),
    SelectChoice("2", _l("2: medium, or harder to win")),
    SelectChoice("3", _l("3: small, or far off")),
]
RATING_CHOICES = [
    SelectChoice("", _l("No class yet")),
    SelectChoice("A", _l("A: a main client who carries us")),
    SelectChoice("B", _l("B: small now, could become big")),
    SelectChoice("C", _l("C: small, will grow")),
    SelectChoice("D", _l("D: small, little room to grow")),
]
NEXT_ACTION_CHOICES = [
    SelectChoice("todo", _l("To do")), SelectChoice("standby", _l("Standby until the date"))
]
ROLE_CHOICES = [
    SelectChoice("member", _l("Member")), SelectChoice("manager", _l("Manager")),
    SelectChoice("admin", _l("Admin")),
]


class LeadForm(FlaskForm):
    title = StringField(_l("Title"))
    value = StringField(_l("Value"))
    currency = StringField(_l("Currency"))
    contact_name = StringField(_l("Contact name"))
    company = StringField(_l("Company"))
    email = EmailField(_l("Email"))
    phone = TelField(_l("Phone"))
    owner_id = SelectField(_l("Owner"), choices=[], validate_choice=False)
    priority = SelectField(
        _l("Priority as a prospect"), choices=PRIORITY_CHOICES, validate_choice=False,
        description=_l("Clients (a contact with a won lead) are rated A to D in their folder."),
    )
    starred = BooleanField(_l("Starred: make it stand out"))
    client_id = SelectField(_l("Client folder"), choices=[], validate_choice=False)
    tags = StringField(_l("Tags"), description=_l("Separate tags with commas."))
    description = TextAreaField(_l("Description"))
    next_action_kind = SelectField(
        _l("Next action"), choices=NEXT_ACTION_CHOICES, validate_choice=False
    )
    next_action_date = StringField(_l("Date"), widget=DateInput())
    next_action_time = StringField(_l("Time (optional)"), widget=TimeInput())
    next_action_text = StringField(_l("What to do"))
    stage_id = SelectField(_l("Stage"), choices=[], validate_choice=False)


class LeadEditForm(LeadForm):
    version = HiddenField()


class ClientForm(FlaskForm):
    name = StringField(_l("Client name"))
    rating = SelectField(_l("Class"), choices=RATING_CHOICES, validate_choice=False)
    notes = TextAreaField(_l("Notes"))


class DuplicateForm(FlaskForm):
    purpose = SelectField(
        _l("Why a new lead?"),
        choices=[SelectChoice("renewal", _l("Renewal")), SelectChoice("upsell", _l("Upsell"))],
        validate_choice=False,
    )
    title = StringField(_l("Title"), description=_l(
        "Empty: this lead's title after “Renewal:” or “Upsell:”, as chosen above."))
    value = StringField(_l("Value"))
    standby_until = StringField(_l("In standby until"), widget=DateInput(),
                                description=_l("The lead comes back to to do on this day."))


class MoveForm(FlaskForm):
    stage_id = SelectField(_l("Stage"), choices=[], validate_choice=False)
    version = HiddenField()


class CloseForm(FlaskForm):
    status = SelectField(
        _l("Outcome"),
        choices=[SelectChoice("won", _l("Won")), SelectChoice("lost", _l("Lost")),
                 SelectChoice("cancelled", _l("Cancelled"))],
        validate_choice=False,
    )
    lost_reason = SelectField(_l("Why was it lost?"), choices=[], validate_choice=False)
    lost_reason_text = StringField(_l("In your words"))
    version = HiddenField()


class VersionForm(FlaskForm):
    version = HiddenField()


class UserForm(FlaskForm):
    email = EmailField(_l("Email"))
    name = StringField(_l("Name"))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validate_choice=False)
    password = StringField(
        _l("Password"), description=_l("Leave empty to generate one. It is shown once.")
    )


class PersonEmailForm(FlaskForm):
    email = EmailField(_l("Email"), description=_l("The address they log in with."))


class NewPasswordForm(FlaskForm):
    password = StringField(
        _l("New password"), description=_l("Leave empty to generate one. It is shown once.")
    )


class PipelineForm(FlaskForm):
    name = StringField(_l("Name"))
    stages = TextAreaField(_l("Stages"), description=_l("One stage per line, left to right."))


def owner_choices(users: Iterable[User]) -> list[SelectChoice]:
    """Return the owner select's options: nobody, then the active team."""
    return [SelectChoice("", _l("Nobody"))] + [SelectChoice(str(u.id), u.name) for u in users]


def client_choices(clients: Iterable[Client]) -> list[SelectChoice]:
    """Return the client-folder options: none, then every folder by name."""
    return [SelectChoice("", _l("None"))] + [SelectChoice(str(c.id), c.name) for c in clients]


def stage_choices(pipelines: Iterable[Pipeline]) -> list[SelectChoice]:
    """Return stage options, grouped by pipeline when there are several."""
    pipelines = list(pipelines)
    grouped = len(pipelines) > 1
    return [
        SelectChoice(str(stage.id), stage.name, optgroup=pipeline.name if grouped else None)
        for pipeline in pipelines
        for stage in pipeline.stages
    ]


def lost_reason_choices(reasons: Iterable[str]) -> list[SelectChoice]:
    """Return the lost-reason options: none chosen yet, then the configured reasons."""
    return [SelectChoice("", _l("Choose a reason"))] + [SelectChoice(r, _l(r)) for r in reasons]


def with_ids(form: FlaskForm, prefix: str) -> FlaskForm:
    """Give the form's inputs ids of their own, so several forms share a page."""
    for field in form:
        field.id = field.label.field_id = f"{prefix}-{field.name}"
    return form


def show_errors(form: FlaskForm, fields: Mapping[str, str]) -> dict[str, str]:
    """Put service field errors on the form; return those no field shows."""
    unshown = {}
    for name, message in fields.items():
        field = form._fields.get(name)
        if field is None:
            unshown[name] = message
        else:
            field.errors = [*list(field.errors or []), message]
    return unshown
