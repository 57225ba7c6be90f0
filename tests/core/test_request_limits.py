"""A body over the size limit sent in chunks (no Content-Length) is refused with 413.

The Flask test client does not stream, so these tests speak raw chunked HTTP to a real
server.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from kanban.auth.tokens import create_token
from kanban.extensions import db
from kanban.models import Lead
from tests.live import start_live_server
from tests.webform.factories import WebFormFactory

LIMIT = 20_000
TOO_MUCH = LIMIT * 3


@pytest.fixture
def plugins() -> list[str]:
    return ["webform", "csv", "email_bcc"]


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "MAX_CONTENT_LENGTH": LIMIT, "WEBFORM_MAX_BODY_BYTES": LIMIT,
            "CSV_IMPORT_MAX_BYTES": LIMIT, "EMAIL_BCC_MAX_MESSAGE_BYTES": LIMIT,
            "EMAIL_BCC_WEBHOOK_SECRET": "s3cret-hook", "WEBFORM_MIN_FILL_SECONDS": 0}


@pytest.fixture
def server(app) -> Iterator[str]:
    live, stop = start_live_server(app)
    yield live.url
    stop()


@pytest.fixture
def token(member) -> str:
    return create_token(member, "Chunked tests")[1]


@pytest.fixture
def contact_form(pipeline):
    return WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])


def send_chunked(url: str, path: str, content_type: str, chunks: Iterator[bytes],
                 headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """POST the chunks with Transfer-Encoding: chunked; return (status, body)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", content_type)
        connection.putheader("Transfer-Encoding", "chunked")
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for chunk in chunks:
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def big(prefix: bytes, filler: bytes = b"x", suffix: bytes = b"") -> Iterator[bytes]:
    yield prefix
    for _ in range(TOO_MUCH // 1000):
        yield filler * 1000
    yield suffix


def lead_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Lead.id)))


def test_api_json_body_over_the_limit_in_chunks_is_413(server, token, pipeline):
    status, body = send_chunked(server, "/api/v1/leads", "application/json",
                                big(b'{"title": "', suffix=b'"}'),
                                {"Authorization": f"Bearer {token}"})
    assert status == 413 and b"too_large" in body
    assert lead_count() == 0


def test_api_json_body_under_the_limit_in_chunks_is_read_whole(server, token, pipeline):
    status, _body = send_chunked(server, "/api/v1/leads", "application/json",
                                 iter([b'{"title": ', b'"Printers"}']),
                                 {"Authorization": f"Bearer {token}"})
    assert status == 201 and lead_count() == 1


def test_page_form_over_the_limit_in_chunks_is_413(server, token, pipeline):
    status, _body = send_chunked(server, "/leads/new", "application/x-www-form-urlencoded",
                                 big(b"title=Printers&description="),
                                 {"Authorization": f"Bearer {token}"})
    assert status == 413 and lead_count() == 0


def test_web_form_json_over_the_limit_in_chunks_is_413(server, contact_form):
    status, body = send_chunked(server, "/f/contact.json", "application/json",
                                big(b'{"name": "Ana", "email": "a@example.com", "message": "',
                                    suffix=b'"}'))
    assert status == 413 and b"too_large" in body
    assert lead_count() == 0


def test_web_form_page_over_the_limit_in_chunks_is_413(server, contact_form):
    status, _body = send_chunked(server, "/f/contact", "application/x-www-form-urlencoded",
                                 big(b"name=Ana&email=a%40example.com&hp_website=&message="))
    assert status == 413 and lead_count() == 0


def test_csv_upload_over_the_limit_in_chunks_is_413(server, token, pipeline):
    boundary = b"chunkedboundary"
    head = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; '
            b'filename="list.csv"\r\nContent-Type: text/csv\r\n\r\nName\r\n')
    status, _body = send_chunked(server, "/csv/import",
                                 "multipart/form-data; boundary=chunkedboundary",
                                 big(head, suffix=b"\r\n--" + boundary + b"--\r\n"),
                                 {"Authorization": f"Bearer {token}"})
    assert status == 413 and lead_count() == 0


def test_mail_webhook_over_the_limit_in_chunks_is_413(server, pipeline):
    status, _body = send_chunked(server, "/mail/inbound", "message/rfc822",
                                 big(b"From: a@example.com\r\nSubject: x\r\n\r\n"),
                                 {"X-Webhook-Secret": "s3cret-hook"})
    assert status == 413 and lead_count() == 0
