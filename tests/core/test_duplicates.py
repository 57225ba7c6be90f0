"""One duplicate rule for every source: the same email, or the same phone whatever its
punctuation, asked for one contact or for a whole batch."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from kanban.extensions import db
from kanban.hookspecs import hookimpl
from kanban.models import Lead
from kanban.phones import phone_key
from kanban.plugins import get_hook
from kanban.services.duplicates import Contact, Duplicate, DuplicateFinder
from tests.factories import LeadFactory


def find(email=None, phone=None):
    return get_hook("kanban_lead_find_duplicate")(email=email, phone=phone, since=None,
                                                  open_only=False)


@pytest.mark.parametrize("written", [
    "(912) 345 678", "+351 912-345-678", "912.345.678", "00351 912 345 678", "912/345/678",
])
def test_a_phone_is_found_whatever_its_punctuation(app, written):
    lead = LeadFactory(phone=written)
    assert find(phone="+351 912 345 678") == lead


@pytest.mark.parametrize("written", [
    "+351 912 345 678 ext. 12", "912 345 678 x5", "912-345-678 доб. 5", "912345678 int. 23",
    "(912) 345 678 ramal 3",
])
def test_a_phone_with_an_extension_is_found_by_its_number(app, written):
    lead = LeadFactory(phone=written)
    assert lead.phone_key.endswith("912345678")
    assert find(phone="+351 912 345 678") == lead


def test_a_phone_key_is_its_last_ten_digits(app):
    assert phone_key("+351 (912) 345-678") == "1912345678"
    assert phone_key("912 345 678") == "912345678"
    assert phone_key("21 345 678") == "21345678"


@pytest.mark.parametrize(("written", "first"), [
    ("+39 02 1234567 / 333 1234567", "+39 02 1234567"),
    ("+39 02 1234567; 333 1234567", "+39 02 1234567"),
    ("+39 02 1234567, 333 1234567", "+39 02 1234567"),
    ("+39 02 1234567 int. 23 / 333 1234567", "+39 02 1234567"),
    ("333 1234567 / +39 02 1234567", "333 1234567"),
])
def test_a_phone_holding_two_numbers_is_keyed_by_the_first(app, written, first):
    assert phone_key(written) == phone_key(first)


@pytest.mark.parametrize(("written", "key"), [
    ("912/345/678", "912345678"), ("030 / 1234 5678", "03012345678"[-10:]),
    ("912,345,678", "912345678"),
])
def test_a_slash_or_comma_inside_one_number_does_not_part_it(app, written, key):
    assert phone_key(written) == key


def test_a_lead_with_two_numbers_is_found_by_its_first(app):
    lead = LeadFactory(phone="+39 02 1234567 / 333 1234567")
    assert find(phone="02 1234567") == lead


@pytest.mark.parametrize("written", ["+7 912 345-67-89", "8 (912) 345-67-89", "912 345 67 89"])
def test_a_russian_number_is_found_with_its_country_code_its_trunk_zero_or_neither(
    app, written
):
    lead = LeadFactory(phone=written)
    assert find(phone="8 912 345 67 89") == lead


def test_two_numbers_that_differ_only_in_their_tenth_digit_from_the_end_are_two(app):
    LeadFactory(phone="+7 912 345-67-89")
    assert find(phone="+7 812 345-67-89") is None


@pytest.mark.parametrize("stored, asked", [
    ("+351 912 345 678", "912 345 678"), ("912 345 678", "+351 912 345 678"),
    ("+39 333 123 4567", "333 123 4567"), ("020 7946 0958", "+44 20 7946 0958"),
])
def test_a_number_is_found_with_or_without_its_country_code(app, stored, asked):
    lead = LeadFactory(phone=stored)
    assert find(phone=asked) == lead


@pytest.mark.parametrize("too_short", ["", "112", "12 34 5", "no phone"])
def test_a_number_of_fewer_than_six_digits_has_no_key_and_matches_nothing(app, too_short):
    LeadFactory(phone="112")
    assert phone_key(too_short) == ""
    assert find(phone=too_short) is None


def test_an_edited_phone_gets_its_new_key(app):
    lead = LeadFactory(phone="912 345 678")
    lead.phone = "(961) 111 222"
    db.session.commit()
    assert lead.phone_key == "961111222"
    assert find(phone="961111222") == lead
    assert find(phone="912345678") is None


def test_a_short_number_matches_the_end_of_a_longer_one(app):
    lead = LeadFactory(phone="+351 21 345 6789")
    assert find(phone="456789") == lead


def test_a_short_number_ending_several_stored_numbers_matches_none(app):
    LeadFactory(phone="+39 02 345 6789")
    LeadFactory(phone="+39 06 345 6789")
    assert find(phone="345 6789") is None


def test_a_short_number_matches_one_number_written_with_and_without_its_country_code(app):
    LeadFactory(phone="+351 213 456 789")
    lead = LeadFactory(phone="213 456 789")
    assert find(phone="345 6789") == lead


def test_a_short_number_matches_the_same_short_number_beside_longer_ones(app):
    LeadFactory(phone="+39 02 345 6789")
    LeadFactory(phone="+39 06 345 6789")
    same = LeadFactory(phone="345-6789")
    assert find(phone="345 6789") == same


def test_an_email_is_found_whatever_its_case(app):
    lead = LeadFactory(email="ana@shop.example")
    assert find(email="  ANA@Shop.example ") == lead


def test_a_batch_finds_stored_leads_by_email_and_by_phone(app):
    by_email = LeadFactory(email="ana@shop.example", phone="")
    by_phone = LeadFactory(email="", phone="(912) 345 678")
    found = DuplicateFinder().check([
        Contact("ANA@shop.example", "", 2),
        Contact("new@shop.example", "+351 912 345 678", 3),
        Contact("other@shop.example", "961 000 000", 4),
    ])
    assert found == [Duplicate("email", lead_id=by_email.id),
                     Duplicate("phone", lead_id=by_phone.id), None]


def test_a_batch_finds_contacts_met_earlier_in_the_same_run(app):
    finder = DuplicateFinder()
    assert finder.check([Contact("a@x.example", "912 345 678", 2)]) == [None]
    assert finder.check([
        Contact("A@X.example", "", 3),
        Contact("", "(912) 345-678", 4),
        Contact("b@x.example", "345678", 5),
    ]) == [Duplicate("email", ref=2), Duplicate("phone", ref=2), Duplicate("phone", ref=2)]


@pytest.mark.parametrize(("stored", "first", "other", "other_again"), [
    ("+7 912 345-67-89", "8 (912) 345-67-89", "+7 812 345-67-89", "8 812 345 67 89"),
    ("912 345 678", "+351 912 345 678", "+39 333 123 4567", "333 1234567"),
], ids=["tenth digit from the end", "country code"])
def test_a_batch_compares_numbers_on_their_last_ten_digits_or_nine_written_alone(
    app, stored, first, other, other_again
):
    lead = LeadFactory(email="", phone=stored)
    found = DuplicateFinder().check([
        Contact("", first, 2), Contact("", other, 3), Contact("", other_again, 4)])
    assert found == [Duplicate("phone", lead_id=lead.id), None, Duplicate("phone", ref=3)]


def test_a_batch_matches_a_short_number_to_no_stored_lead_when_several_numbers_end_with_it(app):
    LeadFactory(email="", phone="+39 02 345 6789")
    LeadFactory(email="", phone="+39 06 345 6789")
    assert DuplicateFinder().check([Contact("", "345 6789", 2)]) == [None]


def test_a_batch_matches_a_short_number_to_no_earlier_row_when_several_end_with_it(app):
    found = DuplicateFinder().check([
        Contact("", "+39 02 345 6789", 2), Contact("", "+39 06 345 6789", 3),
        Contact("", "345 6789", 4), Contact("", "+39 06 345 6789", 5)])
    assert found == [None, None, None, Duplicate("phone", ref=3)]


def test_a_batch_weighs_a_short_number_against_stored_leads_and_earlier_rows_together(app):
    LeadFactory(email="", phone="+39 02 345 6789")
    found = DuplicateFinder().check([Contact("", "+39 06 345 6789", 2),
                                     Contact("", "345 6789", 3)])
    assert found == [None, None]


def test_a_batch_matches_a_short_number_to_the_one_stored_number_ending_with_it(app):
    oldest = LeadFactory(email="", phone="+39 02 345 6789")
    LeadFactory(email="", phone="02 345 6789")
    assert DuplicateFinder().check([Contact("", "345 6789", 2)]) == [
        Duplicate("phone", lead_id=oldest.id)]


def test_a_batch_keys_a_cell_of_two_numbers_by_the_first(app):
    lead = LeadFactory(email="", phone="+39 02 1234567")
    found = DuplicateFinder().check([Contact("", "+39 02 1234567 / 333 1234567", 2),
                                     Contact("", "0039 02 1234567; 333 7654321", 3)])
    assert found == [Duplicate("phone", lead_id=lead.id), Duplicate("phone", lead_id=lead.id)]


def test_a_contact_without_email_or_phone_is_never_a_duplicate(app):
    LeadFactory(email="", phone="")
    assert DuplicateFinder().check([Contact("", "", 2), Contact("", "", 3)]) == [None, None]


def count_statements(action) -> int:
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_a_batch_asks_the_database_the_same_few_times_whatever_its_size(app):
    for n in range(20):
        LeadFactory(email=f"lead{n}@x.example", phone=f"91{n:07d}")

    def check(size):
        return lambda: DuplicateFinder().check(
            [Contact(f"lead{n}@x.example", f"91{n:07d}", n) for n in range(size)])

    assert count_statements(check(10)) == count_statements(check(400)) == 2


class EveryShopIsKnown:
    """Another plugin's rule: any address at shop.example is a known client."""

    @hookimpl
    def kanban_lead_find_duplicate(self, email, phone, since, open_only):
        if email and email.endswith("@shop.example"):
            return db.session.query(Lead).first()
        return None


def test_a_batch_asks_other_plugins_rules_too(app, register_plugin):
    lead = LeadFactory(email="boss@elsewhere.example")
    register_plugin(EveryShopIsKnown())
    found = DuplicateFinder().check([Contact("new@shop.example", "", 2),
                                     Contact("new@other.example", "", 3)])
    assert found == [Duplicate("email", lead_id=lead.id, other_rule=True), None]
