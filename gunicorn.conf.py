"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Read from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers: each worker's main thread keeps telling the arbiter it is alive
# while its threads serve requests, so a download that streams for minutes (the whole
# queue as CSV or FHIR NDJSON) is never cut by the timeout below, and a slow client or
# a long export holds one thread, not a whole worker.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker whose main loop has not answered for this long is stuck and is replaced.
# (With sync workers this also cut any response that took longer; see the README.)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Refuse oversized request lines and headers before the app sees them.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Access log to stdout: method, path without the query string, status, size, time.
# The logger also hides the token in result links (see questionnaire/serving.py).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
logger_class = "questionnaire.serving.AccessLogger"
# Only the local proxy may tell gunicorn about the original scheme and address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Check the settings once, before any worker starts. A missing or wrong one is a
    ConfigError, a RuntimeError: gunicorn prints it as one line, "Error: ...", and exits
    with status 1, instead of each worker failing with a traceback."""
    from questionnaire.config import load

    load()


def when_ready(server):
    """Say so at start-up when rate limits cannot hold across workers."""
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "Running %d workers without REDIS_URL: each worker counts rate limits on its "
            "own, so sign-in and submission limits are %d times looser than set. Set "
            "REDIS_URL to share them.",
            server.cfg.workers,
            server.cfg.workers,
        )


# Responses do not name the server software (no "Server: gunicorn" header).
from gunicorn.http import wsgi as _wsgi  # noqa: E402

_default_headers = _wsgi.Response.default_headers


def _headers_without_server(self):
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


_wsgi.Response.default_headers = _headers_without_server
