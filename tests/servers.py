"""Real servers for tests that need several processes: gunicorn on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

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


@contextmanager
def development_server(database_url: str, *, log: Path) -> Iterator[str]:
    """Serve the app as `make run` does (flask run, the development server)."""
    port = free_port()
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": database_url}
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (our own flask, fixed arguments)
            [str(FLASK), "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, base, log, "flask run")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def gunicorn(database_url: str, *, workers: int, log: Path, **settings: str) -> Iterator[str]:
    """Serve the app under gunicorn (production settings) and yield its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "FHIR_BASE_URL": "https://screening.example.org/fhir",
        "SECRET_KEY": "test-secret-key-shared-by-every-worker-" + "x" * 24,
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on localhost
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        **settings,
    }
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, base, log, "gunicorn")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)
