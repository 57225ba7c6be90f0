"""Reading prospect lists: any common encoding and delimiter, bad input named plainly."""

from __future__ import annotations

import codecs
import os
import random

import pytest
from kanban_csv.mapping import guess_mapping

from kanban.tables.reading import CsvProblem, open_table
from tests.csv.conftest import write_file
from tests.spreadsheets import xls_file, xlsx_file

LIST = ("Nome;Empresa;Telefone;E-mail;Valor\n"
        "João Gonçalves;Padaria Ação;912 345 678;joao@x.pt;1.500,50\n")


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),
    ("cp1252", "cp1252"),
])
def test_encoding_is_detected(tmp_path, encoding, expected):
    table = open_table(write_file(tmp_path / "list.csv", LIST, encoding))
    assert table.encoding == expected
    assert table.header == ["Nome", "Empresa", "Telefone", "E-mail", "Valor"]
    assert table.preview[0][:2] == ["João Gonçalves", "Padaria Ação"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_byte_order_mark_is_read_as_utf16(tmp_path, encoding):
    path = tmp_path / "list.csv"
    path.write_bytes(LIST.encode(encoding))  # no BOM: every other byte is NUL
    table = open_table(path)
    assert table.encoding == encoding
    assert table.header == ["Nome", "Empresa", "Telefone", "E-mail", "Valor"]
    assert list(table.rows()) == [(2, ["João Gonçalves", "Padaria Ação", "912 345 678",
                                       "joao@x.pt", "1.500,50"])]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_cyrillic_in_utf16_without_its_byte_order_mark_is_read(tmp_path, encoding):
    text = "Имя;Компания;Телефон\nИван Петров;ООО Ромашка;+7 912 000 11 22\n" * 3
    path = tmp_path / "ru.csv"
    path.write_bytes(text.encode(encoding))
    table = open_table(path)
    assert table.preview[0] == ["Иван Петров", "ООО Ромашка", "+7 912 000 11 22"]


def test_utf16_read_without_its_byte_order_mark_is_named_utf16(tmp_path):
    from kanban.tables.reading import encoding_label

    assert encoding_label("utf-16-le") == encoding_label("utf-16-be") == "UTF-16"


def test_binary_data_with_a_nul_for_every_other_byte_is_still_refused(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"\x01\x00\x07\x00" * 5000)
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert problem.value.message.startswith(BINARY)


def test_cyrillic_in_windows_1251_is_read(tmp_path):
    text = "Имя,Компания,Телефон\nИван Петров,ООО Ромашка,+7 912 000 11 22\n" * 3
    table = open_table(write_file(tmp_path / "ru.csv", text, "cp1251"))
    assert table.preview[0] == ["Иван Петров", "ООО Ромашка", "+7 912 000 11 22"]


def test_chosen_encoding_is_used_instead_of_detecting(tmp_path):
    path = write_file(tmp_path / "l.csv", "name\nJosé\n", "latin-1")
    assert open_table(path, encoding="latin-1").preview == [["José"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    rows = [["Name", "Company", "Value"], ["Ana", "Acme, Lda", "1,5"], ["Rui", "Beta", "2"]]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c or "," in c else c for c in r)
                     for r in rows) + "\n"
    table = open_table(write_file(tmp_path / "d.csv", text))
    assert table.delimiter == delimiter
    assert table.preview[0] == ["Ana", "Acme, Lda", "1,5"]


def test_single_column_file_is_read(tmp_path):
    table = open_table(write_file(tmp_path / "one.csv", "email\na@x.pt\nb@x.pt\n"))
    assert table.header == ["email"] and len(table.preview) == 2


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty."),
    (b"\n\n  \r\n", "The file is empty."),
    (codecs.BOM_UTF8, "The file is empty."),
    (b"Name,Email\n", "header row but no rows of data"),
    (b"Name,Email\n\n,\n", "header row but no rows of data"),
    (b"PK\x03\x04" + bytes(range(256)) * 4, "not a CSV file"),
    (bytes(range(256)) * 40, "not a CSV file"),
])
def test_bad_files_give_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert message in problem.value.message


def test_random_binary_junk_is_refused(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(os.urandom(20_000))
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert "not" in problem.value.message


BINARY = "This is not a CSV file: it holds binary data. Save the sheet as CSV"


@pytest.mark.parametrize("content", [xlsx_file(), xls_file()], ids=["xlsx", "xls"])
def test_an_excel_workbook_named_csv_is_told_to_be_saved_as_csv(tmp_path, content):
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert problem.value.message.startswith(BINARY)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_an_excel_workbook_is_named_so_whatever_encoding_is_chosen(tmp_path, encoding):
    path = tmp_path / "list.csv"
    path.write_bytes(xlsx_file())
    with pytest.raises(CsvProblem) as problem:
        open_table(path, encoding)
    assert problem.value.message.startswith(BINARY)


def test_other_binary_data_is_named_binary_not_an_unknown_encoding(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"\x01\x02" + random.Random(7).randbytes(20_000))
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert problem.value.message.startswith(BINARY)


def test_a_wrong_chosen_encoding_is_named_as_the_list_of_encodings_names_it(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("Компания\nРомашка\n".encode("cp1251") + b"\x98\n")  # not in cp1251
    with pytest.raises(CsvProblem) as problem:
        open_table(path, encoding="windows-1251")
    assert "(0x98) that is not Windows-1251 (Cyrillic)." in problem.value.message


def test_wrong_chosen_encoding_is_a_clear_message(tmp_path):
    path = write_file(tmp_path / "u16.csv", LIST, "utf-16")
    with pytest.raises(CsvProblem) as problem:
        open_table(path, encoding="utf-8")
    assert problem.value.message.startswith(
        "Line 1, character 1 of the file (as a text editor counts them, not spreadsheet "
        "rows) holds a byte (0xFF) that is not UTF-8.")


@pytest.mark.parametrize("good_lines", [0, 3, 20_000])  # in the sample, or far past it
def test_a_byte_that_is_not_utf8_is_named_with_its_line_and_character(tmp_path, good_lines):
    path = tmp_path / "mixed.csv"
    good = "".join(f"Loja {n},l{n}@x.pt\n" for n in range(good_lines))
    path.write_bytes(b"Empresa,Email\n" + good.encode() + "Padaria São,sao@x.pt\n".encode()
                     + "Café Olé,ole@x.es\n".encode("cp1252"))
    with pytest.raises(CsvProblem) as problem:
        table = open_table(path, encoding="utf-8")
        list(table.rows())
    assert problem.value.message.startswith(
        f"Line {good_lines + 3}, character 4 of the file (as a text editor counts them, not "
        "spreadsheet rows) holds a byte (0xE9) that is not UTF-8.")


def test_a_byte_that_is_not_utf8_is_named_by_its_place_in_the_file_past_quotes(tmp_path):
    path = tmp_path / "quoted.csv"
    good = "".join(f"Loja {n},l{n}@x.pt\n" for n in range(10_000))  # past the sample
    path.write_bytes(b"Empresa,Morada\n" + good.encode() + b'"Beta","Rua 1\n1000 Lisboa"\n'
                     + '"Gamma","Café"\n'.encode("cp1252"))
    with pytest.raises(CsvProblem) as problem:
        list(open_table(path, encoding="utf-8").rows())
    assert problem.value.message.startswith("Line 10004, character 13 of the file")


def test_a_file_in_no_encoding_we_read_names_the_encodings_tried(tmp_path, monkeypatch):
    import charset_normalizer
    from charset_normalizer import CharsetMatches

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda *args, **kwargs: CharsetMatches())
    path = tmp_path / "odd.csv"
    path.write_bytes("Empresa;Nota\nCafé;olé\n".encode("cp1252"))
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert ("(we tried UTF-8, UTF-16, Windows-1252 (Western Europe), Windows-1251 (Cyrillic), "
            "KOI8-R (Cyrillic), ISO8859-15, Latin-1 (ISO-8859-1))") in problem.value.message


def test_blank_and_repeated_header_names_are_told_apart(tmp_path):
    table = open_table(write_file(tmp_path / "h.csv", "Name,,Name\na,b,c\n"))
    assert table.header == ["Name", "Column 2", "Name (2)"]


@pytest.mark.parametrize("headers, expected", [
    (["Nome", "Empresa", "Telefone", "E-mail", "Valor"],
     ["contact_name", "company", "phone", "email", "value"]),
    (["Nombre", "Compañía", "Teléfono", "Correo electrónico", "Importe"],
     ["contact_name", "company", "phone", "email", "value"]),
    (["Nome", "Azienda", "Telefono", "Posta elettronica", "Valore"],
     ["contact_name", "company", "phone", "email", "value"]),
    (["Имя", "Компания", "Телефон", "Почта", "Сумма"],
     ["contact_name", "company", "phone", "email", "value"]),
    # What a Spanish or Russian spreadsheet also calls a company, an amount, a follow-up.
    (["Razón social", "Importe del negocio", "Fecha próximo seguimiento"],
     ["company", "value", "next_action_date"]),
    (["Фамилия", "Сумма сделки", "Дата следующего контакта"],
     ["last_name", "value", "next_action_date"]),
    (["Name", "Company", "Phone", "Email", "Value", "Budget"],
     ["contact_name", "company", "phone", "email", "value", "custom"]),
    (["First name", "Last name", "COMPANY ", "Mobile", "Tags", "Lead id", "Stage"],
     ["first_name", "last_name", "company", "phone", "tags", "ignore", "ignore"]),
    # An export's own headers, in any language: the core's field labels, translated.
    (["Время следующего действия", "Что сделать", "Тип следующего действия", "Ответственный"],
     ["next_action_time", "next_action_text", "ignore", "owner"]),
])
def test_columns_are_guessed_from_headers_in_five_languages(app, headers, expected):
    assert guess_mapping(headers) == expected


def test_a_field_is_guessed_for_one_column_only(app):
    assert guess_mapping(["Email", "E-mail", "Owner", "Owner email"]) == [
        "email", "custom", "owner", "ignore"]


@pytest.mark.parametrize("headers", [
    ["Empresa", "Nome", "Apelido", "Email"],
    ["Azienda", "Nome", "Cognome", "Email"],
    ["Empresa", "Nombre", "Apellidos", "Email"],
    ["Компания", "Имя", "Фамилия", "Email"],
    ["Company", "Name", "Surname", "Email"],
])
def test_a_name_column_beside_a_last_name_column_is_the_first_name(app, headers):
    assert guess_mapping(headers) == ["company", "first_name", "last_name", "email"]


def test_a_utf8_file_with_a_stray_byte_is_read_as_utf8_naming_the_byte(app, tmp_path):
    path = tmp_path / "list.csv"
    rows = "".join(f"Ácme {i},Zoë {i},z{i}@acme.pt\n" for i in range(40)).encode()
    path.write_bytes(b"Company,Name,Email\n" + rows + "Olé,Ana,a@b.es\n".encode("cp1252"))
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert problem.value.message.startswith(
        "Line 42, character 3 of the file (as a text editor counts them, not spreadsheet "
        "rows) holds a byte (0xE9) that is not UTF-8.")


def test_a_file_in_a_one_byte_encoding_is_not_taken_for_utf8(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("Empresa,Nome\nAção,João\nCafé,Zé\n".encode("cp1252"))
    assert open_table(path).encoding == "cp1252"


def test_a_quote_left_open_names_its_row_as_a_spreadsheet_numbers_it(app, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('Company,Address\nAcme,"Rua 1\n1000 Lisboa"\nBeta,"Bo\nGamma,Cy\nDelta,Di\n')
    with pytest.raises(CsvProblem) as problem:
        list(open_table(path).rows())
    assert problem.value.message == (
        "Row 3 opens a quote that is never closed: the rest of the file would be one cell. "
        "Check the quotes in that row.")


def test_a_last_row_over_several_lines_with_its_quote_closed_is_read(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('Company,Address\nAcme,Lisboa\nBeta,"Rua 1\n1000 Lisboa"\n')
    assert list(open_table(path).rows()) == [
        (2, ["Acme", "Lisboa"]), (3, ["Beta", "Rua 1\n1000 Lisboa"])]


def test_rows_are_numbered_as_a_spreadsheet_shows_them_whatever_lines_their_cells_take(
        tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('Company,Address\nBeta,"Rua 1\n1000\nLisboa"\n\nAcme,Porto\n')
    assert [row for row, _cells in open_table(path).rows()] == [2, 4]  # row 3 is empty


def test_a_cell_longer_than_any_field_names_its_row_after_the_rows_before_it(app, tmp_path):
    path = tmp_path / "list.csv"
    rows = "".join(f"Acme {n},Ann\n" for n in range(1, 8))
    path.write_text(f'Company,Name\nAcme 0,"Ann\nBo"\n{rows}Beta,"{"x" * 140_000}"\nGamma,Cy\n')
    table = open_table(path)
    read = []
    with pytest.raises(CsvProblem) as problem:
        read.extend(table.rows())
    assert [cells[0] for _row, cells in read] == [f"Acme {n}" for n in range(8)]
    assert problem.value.message == (
        "Row 10 has a cell of more than 131,072 characters, longer than any field of a lead: "
        "check the quotes in that row, or shorten that cell.")


def test_a_utf8_file_with_as_many_letters_as_stray_bytes_names_the_byte(app, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("Company,Name\nMüller GmbH,Ann\n".encode()
                     + b"".join(b"Firma %d,Bo\n" % n for n in range(8))
                     + "Firma Café,Cy\n".encode("cp1252"))
    with pytest.raises(CsvProblem) as problem:
        open_table(path)
    assert problem.value.message.startswith(
        "Line 11, character 10 of the file (as a text editor counts them, not spreadsheet "
        "rows) holds a byte (0xE9) that is not UTF-8.")


def test_unknown_headers_become_custom_fields(app):
    assert guess_mapping(["How did you hear about us", "Nome"]) == ["custom", "contact_name"]


def test_utf16_chosen_for_a_file_without_its_byte_order_mark_names_the_encoding(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"name,phone\nAna,9123\n")  # an even number of bytes
    with pytest.raises(CsvProblem) as problem:
        open_table(path, "utf-16")
    assert problem.value.message == "The file is not in UTF-16. Choose its encoding and try again."
