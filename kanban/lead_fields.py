"""The lead's fields, once: what each is called, what it holds, how long it may be, who
may set it.

The validation (``kanban.services.lead_input``), the lead form's fields and labels, the
API's input schema, the JSON a lead is sent as and the CSV columns (export and import)
are derived from this table, so adding a field touches the model, a migration, this table
and the translations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

# What a field holds; each kind has one cleaner (lead_input) and one API schema (schemas).
TEXT, EMAIL, PHONE, AMOUNT, CURRENCY, USER, PRIORITY, FLAG, CLIENT, TAGS, CUSTOM, NEXT_KIND, \
    DATE, TIME = ("text", "email", "phone", "amount", "currency", "user", "priority", "flag",
                  "client", "tags", "custom", "next_action_kind", "date", "time")


@dataclass(frozen=True)
class LeadField:
    name: str
    label: Any  # a lazy string, translated when shown
    kind: str
    limit: int | None = None  # the most characters a text may have
    editable: bool = True  # people, the API and sources may set it
    on_form: bool = True  # the lead's form posts it as a field of its own
    exported: bool = True  # a column of the CSV export, and a column the import can fill
    help: str = ""  # what the API document says of it, beside its type


FIELDS = (
    LeadField("title", _l("Title"), TEXT, 200, help="Required when creating."),
    LeadField("contact_name", _l("Contact name"), TEXT, 200),
    LeadField("company", _l("Company"), TEXT, 200),
    LeadField("email", _l("Email"), EMAIL, 254),
    LeadField("phone", _l("Phone"), PHONE, 64,
              help="Text with the number's digits, such as \"+351 912 345 678\"."),
    LeadField("value", _l("Value"), AMOUNT,
              help="A positive amount, such as 1500 or \"1500.50\"."),
    LeadField("currency", _l("Currency"), CURRENCY),
    LeadField("source", _l("Source"), TEXT, 120, on_form=False),
    LeadField("owner_id", _l("Owner"), USER, help=(
        "An active user. Only managers and admins give a lead to someone else (else 403).")),
    LeadField("priority", _l("Priority"), PRIORITY,
              help="1, 2 or 3 (1 is the most promising); high, normal and low also work."),
    # A box: absent from a form when unticked.
    LeadField("starred", _l("Starred"), FLAG, on_form=False, exported=False),
    LeadField("client_id", _l("Client folder"), CLIENT,
              help="A client folder, or null for none."),
    LeadField("tags", _l("Tags"), TAGS,
              help="A list of words, or one text with commas between them."),
    LeadField("description", _l("Description"), TEXT, 20_000),
    LeadField("custom_fields", _l("Custom fields"), CUSTOM, on_form=False, exported=False),
    LeadField("next_action_kind", _l("Next action kind"), NEXT_KIND,
              help="standby needs a next_action_date, when the lead comes back to todo."),
    LeadField("next_action_date", _l("Next action date"), DATE),
    LeadField("next_action_time", _l("Next action time"), TIME,
              help="A time of day in the team's time zone, such as 09:30; null: any time."),
    LeadField("next_action_text", _l("What to do"), TEXT, 255),
    LeadField("lost_reason", _l("Lost reason"), TEXT, 255, editable=False, on_form=False),
)
BY_NAME = {field.name: field for field in FIELDS}
EDITABLE = tuple(field.name for field in FIELDS if field.editable)
FORM_FIELDS = tuple(field.name for field in FIELDS if field.editable and field.on_form)
LIMITS = {field.name: field.limit for field in FIELDS if field.limit is not None}
LABELS = {field.name: field.label for field in FIELDS}
EXPORTED = tuple(field for field in FIELDS if field.exported)
