from tests.factories import LeadFactory


def test_board_shows_leads_to_a_member(member_client, pipeline):
    LeadFactory(title="Printer fleet – Padaria", stage=pipeline.stages[0])
    response = member_client.get("/board")
    assert response.status_code == 200
    assert "Printer fleet – Padaria" in response.text


def test_board_needs_login(client, pipeline):
    response = client.get("/board")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
