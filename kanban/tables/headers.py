"""What a spreadsheet's column holds, guessed from its header in any of our languages."""

from __future__ import annotations

import re
import unicodedata

IGNORE = "ignore"

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
                "ditta", "ragione sociale", "razón social", "razao social", "compañía",
                "compania", "organización", "компания", "организация", "фирма",
                "название компании"],
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
              "бюджет", "valor do negócio", "valore della trattativa", "valor del negocio",
              "importe del negocio", "сумма сделки"],
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
                         "fecha de la próxima acción", "fecha próximo seguimiento",
                         "fecha de seguimiento", "data de seguimento", "data del follow up",
                         "data richiamo", "дата следующего действия", "дата следующего контакта",
                         "дата контакта"],
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


SYNONYM_GUESSES = {normalise(word): target for target, words in SYNONYMS.items()
                    for word in words}


def synonym_target(header: str) -> str | None:
    """Name the lead field (or ``IGNORE``) a header is a common name for, if any."""
    return SYNONYM_GUESSES.get(normalise(header))
