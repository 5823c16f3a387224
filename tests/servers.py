"""Real servers for tests that need several processes: gunicorn on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import requests

from .helpers import CSRF

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
FLASK = Path(sys.executable).with_name("flask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(process: subprocess.Popen, base: str, log: Path, name: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # still starting
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start:\n{log.read_text()}")
        time.sleep(0.2)


@dataclass(frozen=True)
class Node:
    """A running server: its base URL, and its process id (a gunicorn master)."""

    base: str
    pid: int


@contextmanager
def _node(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[Node]:
    """Run a server process until the block ends; yield it once it answers."""
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (our own servers, fixed arguments)
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, base, log, Path(command[0]).name)
            yield Node(base, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def _serve(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """Run a server process until the block ends; yield its base URL once it answers."""
    with _node(command, env, port, log) as node:
        yield node.base


def development_server(database_url: str, *, log: Path):
    """Serve the app as `make run` does (flask run, the development server)."""
    port = free_port()
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": database_url}
    command = [str(FLASK), "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)]
    return _serve(command, env, port, log)


#: A Fernet key for the throwaway test servers.
TEST_MFA_KEY = "Tm-GJOO4hbkG6UHx_wUwzpNTkKudfpGSQ4Iy9tpCHrY="


def _gunicorn(database_url: str, workers: int, settings: dict[str, str]):
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "FHIR_BASE_URL": "https://screening.example.org/fhir",
        "APP_BASE_URL": "https://screening.example.org",
        "MFA_ENCRYPTION_KEY": TEST_MFA_KEY,
        "SECRET_KEY": "test-secret-key-shared-by-every-worker-" + "x" * 24,
        "CLINIC_EMAIL": "screening@clinic.example",  # production needs a way to reach it
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on localhost
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        **settings,
    }
    return [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], env, port


def gunicorn(database_url: str, *, workers: int, log: Path, **settings: str):
    """Serve the app under gunicorn (production settings) and yield its base URL."""
    command, env, port = _gunicorn(database_url, workers, settings)
    return _serve(command, env, port, log)


def gunicorn_node(database_url: str, *, workers: int, log: Path, **settings: str):
    """The same, yielding the ``Node`` (one of several app servers, say, to kill one)."""
    command, env, port = _gunicorn(database_url, workers, settings)
    return _node(command, env, port, log)


def signed_in(base: str, account: dict[str, Any]) -> requests.Session:
    """A clinician signed in to a real server: password, then the authenticator code."""
    browser = requests.Session()
    page = browser.get(f"{base}/clinician/sign-in", timeout=30)
    token = CSRF.search(page.text).group(1)
    form = {"csrf_token": token, "email": account["email"], "password": account["password"]}
    browser.post(f"{base}/clinician/sign-in", data=form, timeout=30)
    token = CSRF.search(browser.get(f"{base}/clinician/code", timeout=30).text).group(1)
    code = pyotp.TOTP(account["secret"]).now()
    done = browser.post(
        f"{base}/clinician/code",
        data={"csrf_token": token, "code": code},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303, done.text[:500]
    return browser
