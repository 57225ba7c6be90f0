"""``kanban prospects import`` and ``list`` from the server's command line."""

from __future__ import annotations


def test_a_file_is_imported_into_a_new_list_and_listed(runner, member, tmp_path):
    path = tmp_path / "fair.csv"
    path.write_text("Empresa;Telefone\nPadaria;912 345 678\nCafé;913 000 000\n",
                    encoding="cp1252")
    made = runner.invoke(args=["prospects", "import", str(path), "--name", "Feira",
                               "--user", member.email])
    assert made.exit_code == 0 and "2 rows" in made.output
    listed = runner.invoke(args=["prospects", "list"])
    assert "Feira\trows 2\tcontacted 0\tleads 0\twon 0" in listed.output


def test_an_unknown_owner_is_named(runner, tmp_path):
    path = tmp_path / "fair.csv"
    path.write_text("Company\nPadaria\n")
    answer = runner.invoke(args=["prospects", "import", str(path), "--name", "Feira",
                                 "--user", "nobody@example.com"])
    assert answer.exit_code != 0 and "nobody@example.com" in answer.output


def test_a_file_that_is_no_table_is_refused_in_plain_words(runner, member, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    answer = runner.invoke(args=["prospects", "import", str(path), "--name", "Feira",
                                 "--user", member.email])
    assert answer.exit_code != 0 and "Save the sheet as CSV" in answer.output
