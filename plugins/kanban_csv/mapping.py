"""Which lead field each column of a prospect list fills, guessed from its header."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

IGNORE = "ignore"
CUSTOM = "custom"
# The fields a column can fill, in the order the mapping form lists them.
TARGETS = {
    "title": _l("Title"),
    "contact_name": _l("Contact name"),
    "first_name": _l("First name (joined to the contact name)"),
    "last_name": _l("Last name (joined to the contact name)"),
    "company": _l("Company"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "value": _l("Value"),
    "currency": _l("Currency"),
    "source": _l("Source"),
    "priority": _l("Priority"),
    "tags": _l("Tags"),
    "description": _l("Description"),
    "owner": _l("Owner (email or name of a user)"),
    "client": _l("Client folder (found by name, or created)"),
    "next_action_date": _l("Next action date"),
    "next_action_text": _l("Next action"),
    CUSTOM: _l("Custom field named after the column"),
    IGNORE: _l("Leave out"),
}
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
    # Columns of an export that say where a lead stood, not what to create.
    IGNORE: ["lead id", "id", "stage", "status", "created", "updated", "closed",
             "last activity date", "lost reason", "next action kind", "pipeline",
             "id do lead", "etapa", "estado", "criado", "atualizado", "fechado",
             "data da última atividade", "motivo da perda", "tipo da próxima ação"],
}


def normalise(header: str) -> str:
    """Fold a header for comparison: no accents, case, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


GUESSES = {normalise(word): target for target, words in SYNONYMS.items() for word in words}
GUESSES[normalise("owner email")] = GUESSES[normalise("email do responsável")] = "owner"


def guess_mapping(header: list[str]) -> list[str]:
    """Return a target per column; each field is guessed for one column at most."""
    mapping: list[str] = []
    taken: set[str] = set()
    for name in header:
        target = GUESSES.get(normalise(name), CUSTOM)
        if target not in (CUSTOM, IGNORE) and target in taken:
            target = IGNORE if target == "owner" else CUSTOM
        taken.add(target)
        mapping.append(target)
    return mapping
