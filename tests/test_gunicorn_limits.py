"""Bad input through a real gunicorn (deploy/gunicorn.conf.py) in front of Django: huge request
lines and headers, oversized and malformed bodies, a wrong host and a client that trickles its
request are all refused with a 4xx (or outlived), logged, never a 500 or a stack trace."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 3  # the worker timeout for this run: a trickling client is cut off after it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port: int, data: bytes, *, wait: float = 20) -> bytes:
    """Send raw bytes, read the whole answer (the request asks to close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def request(method, path, *, headers=(), body=b"", host="127.0.0.1") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close", *headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One gunicorn worker with the deployment's request limits, Django with DEBUG off."""
    var = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    log = (var / "server.log").open("w")
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "PYTHONPATH": str(ROOT),
        # Test settings only for their static files storage (no collectstatic needed here).
        "DJANGO_SETTINGS_MODULE": "sokoni.settings_test",
        "SOKONI_VAR_DIR": str(var),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_TIMEOUT": str(TIMEOUT),
    }
    process = subprocess.Popen(  # noqa: S603 - our own server with fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            # no control socket: it lives in one place per user, shared by every gunicorn
            "--no-control-socket",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "sokoni.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            # The service worker's script needs no database (this one has no tables).
            if status_of(send(port, request("GET", "/sw.js"), wait=5)) == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("gunicorn did not start: " + (var / "server.log").read_text())
        time.sleep(0.3)
    yield port, var / "server.log"
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_a_request_line_too_long_is_414_and_logged(server):
    port, log = server
    # when
    answer = send(port, request("GET", "/search/?q=" + "a" * 9000))
    # then
    assert status_of(answer) == 414
    assert "Invalid request from ip=127.0.0.1" in log.read_text()


def test_a_header_too_large_is_431(server):
    port, _log = server
    # when
    answer = send(port, request("GET", "/healthz", headers=["X-Big: " + "b" * 9000]))
    # then
    assert status_of(answer) == 431


def test_too_many_headers_are_431(server):
    port, _log = server
    # when
    answer = send(port, request("GET", "/healthz", headers=[f"X-H{n}: 1" for n in range(60)]))
    # then
    assert status_of(answer) == 431


def test_an_api_body_over_the_limit_is_a_json_413(server):
    port, log = server
    # given: 2 MB, twice DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"phone": "+254700000000", "password": "x" * 2_000_000}).encode()
    # when
    answer = send(
        port,
        request(
            "POST", "/api/v1/auth/token", headers=["Content-Type: application/json"], body=body
        ),
    )
    # then
    head, _, content = answer.partition(b"\r\n\r\n")
    assert status_of(answer) == 413
    assert b"application/json" in head
    assert json.loads(content)["code"] == "api.too_large"
    assert "refused 413 RequestDataTooBig: POST /api/v1/auth/token" in log.read_text()


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json", b'{"phone": ', 400),
        ("application/json", b"\xff\xfe not utf-8", 400),
        ("text/plain", b'{"phone": "+254700000000", "password": "x"}', 415),
        ("application/x-www-form-urlencoded", b"phone=1&password=2", 415),
    ],
)
def test_malformed_or_mistyped_api_bodies_are_json_4xx(server, content_type, body, status):
    port, _log = server
    # when
    answer = send(
        port,
        request("POST", "/api/v1/auth/token", headers=[f"Content-Type: {content_type}"], body=body),
    )
    # then
    head, _, content = answer.partition(b"\r\n\r\n")
    assert status_of(answer) == status
    assert b"application/json" in head
    assert "detail" in json.loads(content)


def test_a_form_body_over_the_limit_is_the_400_page_not_a_500(server):
    port, log = server
    # given
    body = b"phone=1&password=" + b"x" * 2_000_000
    # when
    answer = send(
        port,
        request(
            "POST",
            "/accounts/login/",
            headers=[
                "Content-Type: application/x-www-form-urlencoded",
                # a CSRF cookie, so that the check reads the body (without one: a 403)
                "Cookie: csrftoken=" + "k" * 32,
            ],
            body=body,
        ),
    )
    # then
    assert status_of(answer) == 400
    assert b"Traceback" not in answer
    assert "refused 400 RequestDataTooBig: POST /accounts/login/" in log.read_text()


def test_an_unknown_host_is_400_and_logged_without_a_stack_trace(server):
    port, log = server
    # when
    answer = send(port, request("GET", "/healthz", host="evil.example"))
    # then
    assert status_of(answer) == 400
    text = log.read_text()
    assert "refused 400 DisallowedHost" in text
    assert "Traceback" not in text


def test_a_client_trickling_its_request_holds_the_worker_no_longer_than_the_timeout(server):
    """The one worker is stuck reading a request that never ends; the master replaces it after
    the timeout and the next visitor is served."""
    port, _log = server
    # given
    slow = socket.create_connection(("127.0.0.1", port), timeout=30)
    slow.sendall(b"GET /sw.js HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    time.sleep(0.5)
    started = time.monotonic()
    # when
    answer = send(port, request("GET", "/sw.js"), wait=30)
    # then
    waited = time.monotonic() - started
    slow.close()
    assert status_of(answer) == 200
    assert waited < TIMEOUT + 10
