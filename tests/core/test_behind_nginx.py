"""The README's nginx block, run for real: nginx terminates TLS in front of the app.

The test reads the block between the ``nginx:start`` and ``nginx:end`` marks of the README,
points it at a self-signed certificate and at a live server, and talks HTTPS to it, so the
production guide cannot drift from what works.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from kanban.app import create_app
from kanban.extensions import db
from kanban.models import Lead
from tests.factories import PASSWORD, UserFactory
from tests.live import start_live_server
from tests.webform.factories import WebFormFactory

README = Path(__file__).resolve().parents[2] / "README.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REQUIRED = os.environ.get("KANBAN_TEST_REQUIRE_NGINX") == "1"
HOST = "crm.example.com"


def readme_nginx_block() -> str:
    text = README.read_text()
    block = text.split("<!-- nginx:start -->", 1)[1].split("<!-- nginx:end -->", 1)[0]
    return block.split("```nginx", 1)[1].split("```", 1)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def backend():
    """The proxy is the subject here, not the database."""
    return "sqlite"


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def proxied_app(app_config):
    application = create_app({**app_config, "PLUGINS": ["webform"], "PROXY_FIX_HOPS": 1,
                              "SESSION_COOKIE_SECURE": True, "WEBFORM_MIN_FILL_SECONDS": 0})
    with application.app_context():
        db.create_all()
        yield application


@pytest.fixture
def nginx(proxied_app, certificate, tmp_path):
    """nginx with the README's block on a free port, in front of a live server."""
    if not Path(NGINX).exists():
        if REQUIRED:
            pytest.fail("nginx is missing (apt-get install nginx)")
        pytest.skip("nginx is missing (apt-get install nginx)")
    live, stop_app = start_live_server(proxied_app)
    port = free_port()
    cert, key = certificate
    server = readme_nginx_block()
    server = server.replace("listen 443 ssl", f"listen 127.0.0.1:{port} ssl")
    server = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", server)
    server = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", server)
    server = server.replace("http://127.0.0.1:8000", live.url)
    (tmp_path / "nginx").mkdir()
    config = tmp_path / "nginx.conf"
    temp = tmp_path / "nginx"
    config.write_text(f"""
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    {server}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {process.stdout.read().decode()}")
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)
    stop_app()


def https(port: int, method: str, path: str, body: str | None = None,
          headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, str]:
    """Ask nginx over TLS as a browser on the public host would; return the answer and text."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    connection.request(method, path, body=body,
                       headers={"Host": f"{HOST}:{port}", **(headers or {})})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response, text


def form_body(fields: dict[str, str]) -> tuple[str, dict[str, str]]:
    return urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"}


def test_login_over_https_sets_a_secure_cookie_and_stays_on_the_public_host(nginx):
    UserFactory(email="ana@example.com")
    body, headers = form_body({"email": "ana@example.com", "password": PASSWORD})
    response, _ = https(nginx, "POST", "/login", body, headers)
    assert response.status == 302
    assert response.getheader("Location") in ("/agenda", f"https://{HOST}:{nginx}/agenda")
    cookie = response.getheader("Set-Cookie")
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_hosted_form_posted_over_https_makes_its_lead(nginx, pipeline):
    WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])
    page, html = https(nginx, "GET", "/f/contact")
    assert page.status == 200
    token = re.search(r'name="_ts"[^>]*value="([^"]+)"', html).group(1)
    body, headers = form_body({"_ts": token, "hp_website": "", "name": "Ana",
                               "email": "ana@example.com"})
    response, _ = https(nginx, "POST", "/f/contact", body,
                     {**headers, "Origin": f"https://{HOST}:{nginx}"})
    assert response.status == 303
    db.session.expire_all()
    assert [lead.email for lead in db.session.scalars(select(Lead))] == ["ana@example.com"]
