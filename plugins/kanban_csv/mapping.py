"""Which lead field each column of a prospect list fills, guessed from its header."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from kanban import lead_fields
from kanban_csv.export import LEAD_COLUMNS

IGNORE = "ignore"
CUSTOM = "custom"
# Lead fields an import fills its own way: a person and a folder are found by name.
_BY_NAME = {
    "owner_id": ("owner", _l("Owner (email or name of a user)")),
    "client_id": ("client", _l("Client folder (found by name, or created)")),
}
# A lead comes in to be worked (to do), and a reason for losing it is given when it is lost.
_NOT_FROM_FILES = {"next_action_kind"}


def _targets() -> dict[str, Any]:
    targets: dict[str, Any] = {}
    for field in lead_fields.EXPORTED:
        if not field.editable or field.name in _NOT_FROM_FILES:
            continue
        key, label = _BY_NAME.get(field.name, (field.name, field.label))
        targets[key] = label
        if key == "contact_name":
            targets["first_name"] = _l("First name (joined to the contact name)")
            targets["last_name"] = _l("Last name (joined to the contact name)")
    targets[CUSTOM] = _l("Custom field named after the column")
    targets[IGNORE] = _l("Leave out")
    return targets


# The fields a column can fill, in the order the mapping form lists them: the core's lead
# fields, in the order of its table.
TARGETS = _targets()
SYNONYMS = {
    "title": ["title", "lead", "lead title", "deal", "deal name", "opportunity", "subject",
              "titulo", "título", "oportunidade", "negocio", "negócio", "titolo", "opportunità",
              "trattativa", "oportunidad", "название", "сделка", "заголовок", "лид"],
    "contact_name": ["name", "full name", "contact", "contact name", "contact person", "person",
                     "nome", "nome completo", "contato", "contacto", "pessoa de contato",
                     "nominativo", "referente", "persona di contatto", "nombre",
                     "nombre completo", "persona de contacto", "имя", "фио", "контакт",
                     "контактное лицо", "клиент", "nome do contacto", "nome do contato"],
    "first_name": ["first name", "firstname", "given name", "primeiro nome", "nome proprio",
                   "nome di battesimo", "nombre de pila"],
    "last_name": ["last name", "lastname", "surname", "family name", "sobrenome", "apelido",
                  "cognome", "apellido", "apellidos", "фамилия"],
    "company": ["company", "company name", "organization", "organisation", "business",
                "account", "empresa", "organização", "companhia", "azienda", "società",
                "ditta", "ragione sociale", "compañía", "compania", "organización", "компания",
                "организация", "фирма", "название компании"],
    "email": ["email", "e-mail", "mail", "email address", "e-mail address", "correio",
              "correio eletrónico", "correio eletrônico", "endereço de email", "posta",
              "posta elettronica", "indirizzo email", "correo", "correo electrónico",
              "почта", "электронная почта", "эл почта", "емейл", "имейл"],
    "phone": ["phone", "phone number", "telephone", "tel", "mobile", "cell", "cell phone",
              "telefone", "telemóvel", "telemovel", "celular", "telefono", "teléfono",
              "cellulare", "numero di telefono", "móvil", "movil", "número de teléfono",
              "телефон", "тел", "мобильный", "мобильный телефон", "номер телефона"],
    "value": ["value", "amount", "deal value", "budget", "valor", "montante", "orçamento",
              "valore", "importo", "importe", "monto", "presupuesto", "сумма", "стоимость",
              "бюджет"],
    "currency": ["currency", "moeda", "valuta", "divisa", "moneda", "валюта"],
    "source": ["source", "lead source", "origin", "origem", "fonte", "origine", "provenienza",
               "fuente", "origen", "источник"],
    "priority": ["priority", "prioridade", "priorità", "prioridad", "приоритет"],
    "tags": ["tags", "tag", "labels", "label", "etiquetas", "etiqueta", "etichette", "теги",
             "метки"],
    "description": ["description", "notes", "note", "comments", "comment", "descrição",
                    "notas", "observações", "comentários", "descrizione", "commenti",
                    "descripción", "comentarios", "observaciones", "описание", "комментарий",
                    "примечание", "заметки"],
    "owner": ["owner", "owner email", "assigned to", "responsible", "salesperson",
              "responsável", "vendedor", "responsabile", "commerciale", "responsable",
              "ответственный", "менеджер"],
    "client": ["client folder", "customer folder", "account folder", "pasta do cliente",
               "pasta de cliente", "cartella cliente", "carpeta de cliente",
               "carpeta del cliente", "папка клиента"],
    "next_action_date": ["next action date", "follow up", "follow-up", "follow up date",
                         "next contact", "data da próxima ação", "próximo contacto",
                         "data prossima azione", "fecha próxima acción",
                         "дата следующего действия"],
    "next_action_text": ["next action", "next step", "próxima ação", "próximo passo",
                         "prossima azione", "próxima acción", "следующее действие",
                         "следующий шаг"],
    # Columns of other tools' exports that say where a lead stood, not what to create.
    IGNORE: ["id", "pipeline", "funil", "pipeline di vendita", "embudo", "воронка"],
}


def normalise(header: str) -> str:
    """Fold a header for comparison: no accents, case, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


_SYNONYM_GUESSES = {normalise(word): target for target, words in SYNONYMS.items()
                    for word in words}


def _export_target(key: str) -> str:
    """Say what an exported column fills when the file comes back: a lead field, the owner
    (by email), or nothing (where the lead stood: its stage, status, dates)."""
    if key in TARGETS:
        return key
    return "owner" if key == "owner_email" else IGNORE


@lru_cache(maxsize=8)
def _guesses(languages: tuple[str, ...]) -> dict[str, str]:
    """Every export header in every offered language, then the synonyms (which win), so a
    file exported in any language imports back column for column."""
    guesses: dict[str, str] = {}
    for language in languages:
        with force_locale(language):
            for column in LEAD_COLUMNS:
                guesses.setdefault(normalise(str(column.label)), _export_target(column.key))
    return {**guesses, **_SYNONYM_GUESSES}


def guess_mapping(header: list[str]) -> list[str]:
    """Return a target per column; each field is guessed for one column at most."""
    mapping: list[str] = []
    taken: set[str] = set()
    guesses = _guesses(tuple(current_app.config["LANGUAGES"]))
    for name in header:
        target = guesses.get(normalise(name), CUSTOM)
        if target not in (CUSTOM, IGNORE) and target in taken:
            target = IGNORE if target == "owner" else CUSTOM
        taken.add(target)
        mapping.append(target)
    return mapping
