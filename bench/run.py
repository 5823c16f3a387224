"""Benchmark: the patient flow and the clinician queue at scale, on this machine.

Starts the app under gunicorn on a free port with a fresh database, drives it with a
small load generator (threads and HTTP keep-alive sessions), and reports:

1. completed screenings per second and step-page latency (p50/p95/p99) for N users;
2. the same for /healthz (touches nothing) and the ratio of the two, so that figures
   from different machines can be compared;
3. queue, filtered queue and search latency (p50/p95) at 1,000 and at 100,000
   submissions, and their ratio;
4. the whole-queue exports (CSV and FHIR NDJSON) at 100,000 submissions (and at
   1,000,000 with --million): time, size and the serving workers' peak memory;
5. the weight of each patient page (HTML + CSS + JS).

By default it measures SQLite and then PostgreSQL (a database of its own on the server
at --postgres-url, dropped at the end), under the production gunicorn settings.

Usage: python bench/run.py [--users 20] [--duration 15] [--submissions 100000]
                           [--workers 4] [--database-url URL | --sqlite-only]
                           [--clinician-only] [--million] [--output bench/results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import pyotp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questionnaire import demo  # noqa: E402 (after the path is set)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET_KEY = "benchmark-secret-key-" + "x" * 40
MFA_KEY = "Tm-GJOO4hbkG6UHx_wUwzpNTkKudfpGSQ4Iy9tpCHrY="  # a throwaway benchmark key
PASSWORD = "benchmark clinician passphrase"  # noqa: S105 (a throwaway benchmark account)
#: One realistic screening (the demo data's own), walked by every simulated patient.
STEPS = demo.as_steps(demo.random_answers(random.Random(2026)))  # noqa: S311 (not a secret)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings(database_url: str) -> dict[str, str]:
    return {
        "APP_ENV": "production",
        "FHIR_BASE_URL": "https://screening.example.org/fhir",
        "APP_BASE_URL": "https://screening.example.org",
        "MFA_ENCRYPTION_KEY": MFA_KEY,
        "SECRET_KEY": SECRET_KEY,
        "CLINIC_EMAIL": "screening@clinic.example",  # production needs a phone or email
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "false",
        "SCREENING_START_RATE_LIMIT": "1000000 per minute",
        "SUBMIT_RATE_LIMIT": "1000000 per minute",
        "SIGN_IN_RATE_LIMIT": "1000000 per minute",
        "QUEUE_PAGE_SIZE": "50",
    }


class App:
    """The app in this process, for setting up the database and seeding it."""

    def __init__(self, database_url: str) -> None:
        os.environ.update(settings(database_url))
        from flask_migrate import upgrade

        from questionnaire import create_app

        self.app = create_app()
        with self.app.app_context():
            upgrade()

    def clinician(self) -> dict[str, str]:
        from questionnaire import clock
        from questionnaire.auth import passwords
        from questionnaire.extensions import db
        from questionnaire.models import Clinician

        secret = pyotp.random_base32()
        with self.app.app_context():
            db.session.add(
                Clinician(
                    email="bench@clinic.example",
                    role="admin",
                    password_hash=passwords.hash_password(PASSWORD),
                    active=True,
                    totp_secret=secret,
                    created_at=clock.now(),
                )
            )
            db.session.commit()
        return {"email": "bench@clinic.example", "secret": secret}

    def search_targets(self) -> dict[str, str]:
        """What a clinician would type to find one submission in the middle of the table:
        part of its reference, a name and initial, an email, a phone number."""
        from sqlalchemy import func, select

        from questionnaire.extensions import db
        from questionnaire.models import Submission

        with self.app.app_context():
            middle = db.session.scalar(select(func.max(Submission.id))) // 2
            row = db.session.execute(
                select(Submission.reference, Submission.answers)
                .where(Submission.id >= middle, Submission.search_text.like("%@%"))
                .order_by(Submission.id)
                .limit(1)
            ).one()
        first, last = row.answers["contact_name"].split(" ", 1)
        digits = re.sub(r"\D", "", row.answers.get("contact_phone") or "5550100")
        return {
            "search reference": row.reference[3:7],
            "search name": f"{first} {last[0]}",
            "search email": row.answers["contact_email"],
            "search phone": f"{digits[-7:-4]}-{digits[-4:]}",
        }

    def seed(self, count: int) -> float:
        from sqlalchemy import text

        from questionnaire import clock
        from questionnaire.demo import seed
        from questionnaire.extensions import db

        started = time.perf_counter()
        with self.app.app_context():
            seed(count, clock.now(), seed_value=count)
            # What autovacuum would do soon after a bulk load: fresh statistics (and, on
            # PostgreSQL, a visibility map, so that counts read indexes alone).
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                ) as connection:
                    connection.execute(text("VACUUM ANALYZE"))
            else:
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        return time.perf_counter() - started


class Server:
    def __init__(self, database_url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            **settings(database_url),
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [str(gunicorn), "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log}")
            time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- load -----------------------------------------------------------------------


def screening(base: str, timings: dict[str, list[float]], think: float = 0.0) -> None:
    """One complete screening; ``think`` seconds pass before each request, as a
    (very quick) person reads and answers the page."""
    with requests.Session() as browser:

        def timed(kind: str, method: str, url: str, **kw) -> requests.Response:
            if think:
                time.sleep(think)
            started = time.perf_counter()
            response = browser.request(method, url, allow_redirects=False, timeout=30, **kw)
            timings[kind].append((time.perf_counter() - started) * 1000)
            if response.status_code >= 500:
                timings["errors"].append(response.status_code)
            return response

        page = timed("step page", "GET", f"{base}/screening/start")
        token = CSRF.search(page.text).group(1)
        for step, data in STEPS.items():
            done = timed(
                "step submit",
                "POST",
                f"{base}/screening/{step}",
                data={**data, "csrf_token": token},
            )
            nxt = done.headers["Location"]
            timed("check page" if nxt.endswith("/check") else "step page", "GET", base + nxt)
        result = timed("submit", "POST", f"{base}/screening/check", data={"csrf_token": token})
        timed("result page", "GET", base + result.headers["Location"])


def run_users(users: int, seconds: float, task) -> tuple[int, float]:
    stop = time.monotonic() + seconds
    done = [0]
    lock = threading.Lock()

    def user() -> None:
        while time.monotonic() < stop:
            task()
            with lock:
                done[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], time.perf_counter() - started


def patient_load(base: str, users: int, seconds: float, think: float = 0.0) -> dict:
    timings: dict[str, list[float]] = defaultdict(list)
    count, elapsed = run_users(users, seconds, lambda: screening(base, timings, think))
    return {
        "users": users,
        "think_s": think,
        "screenings": count,
        "screenings_per_s": count / elapsed,
        "errors_5xx": len(timings["errors"]),
        **{kind: summary(values) for kind, values in timings.items() if kind != "errors"},
    }


def healthz_load(base: str, users: int, seconds: float) -> dict:
    timings: list[float] = []
    local = threading.local()

    def hit() -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        started = time.perf_counter()
        session.get(f"{base}/healthz", timeout=30)
        timings.append((time.perf_counter() - started) * 1000)

    count, elapsed = run_users(users, seconds, hit)
    return {"users": users, "requests_per_s": count / elapsed, **summary(timings)}


def clinician_session(base: str, account: dict[str, str]) -> requests.Session:
    browser = requests.Session()
    token = CSRF.search(browser.get(f"{base}/clinician/sign-in").text).group(1)
    browser.post(
        f"{base}/clinician/sign-in",
        data={"csrf_token": token, "email": account["email"], "password": PASSWORD},
    )
    page = browser.get(f"{base}/clinician/code")
    token = CSRF.search(page.text).group(1)
    done = browser.post(
        f"{base}/clinician/code",
        data={"csrf_token": token, "code": pyotp.TOTP(account["secret"]).now()},
        allow_redirects=False,
    )
    if done.status_code != 303:
        raise SystemExit("could not sign in the benchmark clinician")
    return browser


def queue_latency(
    browser: requests.Session, base: str, rounds: int, searches: dict[str, str] | None = None
) -> dict:
    first = browser.get(f"{base}/clinician/?status=new").text
    reference = re.search(r'data-reference="(KT-[^"]+)"', first).group(1)
    pages = {
        "queue": f"{base}/clinician/",
        "filtered queue": f"{base}/clinician/?status=closed&outcome=evaluate-first",
        "flag filter": f"{base}/clinician/?flag=opioid",
        "search": f"{base}/clinician/?q={reference}",
        **{
            name: f"{base}/clinician/?{urlencode({'q': query})}"
            for name, query in (searches or {}).items()
        },
    }
    results = {}
    for name, url in pages.items():
        for _ in range(10):  # warm up caches first
            browser.get(url, timeout=30)
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = browser.get(url, timeout=30)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        results[name] = summary(timings)
    # the next page too: keyset pagination must cost the same deep in the queue
    next_url = re.search(r'<a href="([^"]+)" rel="next">', first)
    if next_url:
        url = base + next_url.group(1).replace("&amp;", "&")
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            browser.get(url, timeout=30)
            timings.append((time.perf_counter() - started) * 1000)
        results["next page"] = summary(timings)
    return results


def export(browser: requests.Session, server: Server, path: str) -> dict:
    """Download one export whole, as a client would, sampling the workers' memory."""
    workers = server.worker_pids()
    baseline = max((rss_mb(p) for p in workers), default=0.0)
    peak = [baseline]
    running = [True]

    def sample() -> None:
        while running[0]:
            peak[0] = max([peak[0], *(rss_mb(p) for p in workers)])
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    size = lines = 0
    try:
        with browser.get(f"{server.url}{path}", stream=True, timeout=3600) as r:
            r.raise_for_status()
            for chunk in r.iter_content(chunk_size=1 << 16):
                size += len(chunk)
                lines += chunk.count(b"\n")
    finally:
        running[0] = False
        sampler.join()
    return {
        "seconds": time.perf_counter() - started,
        "bytes": size,
        "lines": lines,
        "worker_rss_before_mb": baseline,
        "worker_rss_peak_mb": peak[0],
    }


EXPORTS = {"csv": "/clinician/export.csv", "ndjson": "/clinician/export.ndjson"}


def exports(browser: requests.Session, server: Server) -> dict:
    found = {}
    for name, path in EXPORTS.items():
        print(f"  {name} export ...", flush=True)
        found[name] = export(browser, server, path)
    return found


def page_weights(base: str) -> dict:
    browser = requests.Session()
    css = sum(
        len(browser.get(f"{base}/static/css/{n}", timeout=30).content)
        for n in ("site.css", "print.css")
    )
    js = len(browser.get(f"{base}/static/js/app.js", timeout=30).content)
    weights = {"landing": len(browser.get(f"{base}/").content)}
    page = browser.get(f"{base}/screening/start")
    token = CSRF.search(page.text).group(1)
    for step, data in STEPS.items():
        weights[step] = len(browser.get(f"{base}/screening/{step}").content)
        browser.post(f"{base}/screening/{step}", data={**data, "csrf_token": token})
    weights["check"] = len(browser.get(f"{base}/screening/check").content)
    result = browser.post(f"{base}/screening/check", data={"csrf_token": token})
    weights["result"] = len(result.content)
    return {
        "css_bytes": css,
        "js_bytes": js,
        "pages": {name: html + css + js for name, html in weights.items()},
    }


# --- report ---------------------------------------------------------------------


def _flow_lines(title: str, p: dict) -> list[str]:
    lines = [
        f"{title}, {p['users']} users"
        + (
            f" pausing {p['think_s']} s before each request"
            if p["think_s"]
            else ", no pauses (saturating)"
        )
        + f": {p['screenings_per_s']:.1f} screenings/s "
        f"({p['screenings']} complete, {p['errors_5xx']} errors)",
        f"  {'request':<14}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}",
    ]
    for kind in ("step page", "step submit", "check page", "submit", "result page"):
        s = p[kind]
        lines.append(f"  {kind:<14}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['p99_ms']:>9.1f}")
    return lines


def table(results: dict) -> str:
    lines = [
        f"Benchmark on {results['machine']['cpus']} CPUs, {results['machine']['python']}, "
        f"{results['settings']['workers']} gunicorn workers, "
        f"{results['settings']['database']} database",
        "",
    ]
    if "patient_flow" in results:
        p, h = results["patient_flow"], results["healthz"]
        lines += [
            *_flow_lines("Patient flow", results["patient_flow_paced"]),
            "",
            *_flow_lines("Patient flow", p),
            f"/healthz, {h['users']} users: {h['requests_per_s']:.0f} req/s, "
            f"p50 {h['p50_ms']:.1f} ms, p95 {h['p95_ms']:.1f} ms",
            f"  step page p95 / healthz p95 = {results['ratios']['step_vs_healthz_p95']:.1f}",
            "",
        ]
    million = results["queue"].get("million", {})
    lines.append(
        f"  {'clinician page':<18}{'1k p50':>9}{'1k p95':>9}{'big p50':>9}{'big p95':>9}"
        f"{'ratio p95':>11}" + (f"{'1M p95':>9}" if million else "")
    )
    small, big = results["queue"]["small"], results["queue"]["large"]
    for name in small:
        if name in big:
            lines.append(
                f"  {name:<18}{small[name]['p50_ms']:>9.1f}{small[name]['p95_ms']:>9.1f}"
                f"{big[name]['p50_ms']:>9.1f}{big[name]['p95_ms']:>9.1f}"
                f"{big[name]['p95_ms'] / small[name]['p95_ms']:>11.2f}"
                + (f"{million[name]['p95_ms']:>9.1f}" if name in million else "")
            )
    lines.append(f"  (big = {results['settings']['submissions']:,} submissions)")
    for size, found in results.get("exports", {}).items():
        lines += ["", f"Exports at {int(size):,} submissions (whole queue, one download each):"]
        for name, e in found.items():
            rows = e["lines"] - 1 if name == "csv" else e["lines"]  # the CSV has a header
            lines.append(
                f"  {name:<7}{rows:>10,} rows {e['seconds']:>8.1f} s {e['bytes'] / 1e6:>8.0f} MB"
                f"   worker memory {e['worker_rss_before_mb']:.0f} MB before, "
                f"{e['worker_rss_peak_mb']:.0f} MB at peak"
            )
    if "page_weight" in results:
        lines += [
            "",
            "Patient pages (HTML + CSS + JS): "
            + ", ".join(
                f"{k} {v / 1024:.1f} KB" for k, v in results["page_weight"]["pages"].items()
            ),
        ]
    return "\n".join(lines)


def measure(url: str, args: argparse.Namespace, workdir: Path) -> dict:
    """Every figure on one database."""
    print(f"== {url.split('://')[0]} ==", flush=True)
    app = App(url)
    account = app.clinician()
    app.seed(1000)
    server = Server(url, args.workers, workdir / f"gunicorn-{url.split(':')[0]}.log")
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "users": args.users,
            "duration_s": args.duration,
            "workers": args.workers,
            "submissions": args.submissions,
            "database": url.split("://")[0].split("+")[0],
        },
    }
    try:
        if not args.clinician_only:
            # Each worker thread renders its first pages slowly (templates compiled,
            # connections opened): warm them all up, unmeasured, as a server that has
            # been running would be.
            print("Warming up ...", flush=True)
            results["warm_up_screenings"] = patient_load(server.url, args.users, 10)["screenings"]
            print("Patient flow, paced ...", flush=True)
            results["patient_flow_paced"] = patient_load(
                server.url, args.users, max(args.duration, 20), args.think
            )
            print("Patient flow, saturating ...", flush=True)
            results["patient_flow"] = patient_load(server.url, args.users, args.duration)
            print("/healthz ...", flush=True)
            results["healthz"] = healthz_load(server.url, args.users, args.duration)
            results["ratios"] = {
                "step_vs_healthz_p95": results["patient_flow"]["step page"]["p95_ms"]
                / results["healthz"]["p95_ms"]
            }
        browser = clinician_session(server.url, account)
        print("Queue at 1,000 submissions ...", flush=True)
        small = queue_latency(browser, server.url, args.rounds, app.search_targets())
        total_now = (
            1000
            + results.get("warm_up_screenings", 0)
            + results.get("patient_flow", {}).get("screenings", 0)
            + results.get("patient_flow_paced", {}).get("screenings", 0)
        )
        to_add = max(0, args.submissions - total_now)
        print(f"Seeding {to_add:,} more submissions ...", flush=True)
        results["seed_seconds"] = app.seed(to_add) if to_add else 0.0
        results["seed_rows"] = to_add
        browser = clinician_session(server.url, account)  # a long seed outlasts the idle timeout
        print(f"Queue at {args.submissions:,} submissions ...", flush=True)
        large = queue_latency(browser, server.url, args.rounds, app.search_targets())
        results["queue"] = {
            "small": small,
            "large": large,
            "ratio_p95": {
                name: large[name]["p95_ms"] / small[name]["p95_ms"]
                for name in small
                if name in large
            },
        }
        print(f"Exports at {args.submissions:,} submissions ...", flush=True)
        results["exports"] = {str(args.submissions): exports(browser, server)}
        if args.million:
            to_add = max(0, 1_000_000 - args.submissions)
            print(f"Seeding {to_add:,} more, to 1,000,000 submissions ...", flush=True)
            app.seed(to_add)
            # Seeding outlasts the clinician's idle timeout: sign in again.
            browser = clinician_session(server.url, account)
            print("Queue at 1,000,000 submissions ...", flush=True)
            results["queue"]["million"] = queue_latency(
                browser, server.url, args.rounds, app.search_targets()
            )
            print("Exports at 1,000,000 submissions ...", flush=True)
            results["exports"]["1000000"] = exports(browser, server)
        if not args.clinician_only:
            results["page_weight"] = page_weights(server.url)
    finally:
        server.stop()
    return results


class PostgresDatabase:
    """A database of its own on the PostgreSQL server, dropped afterwards."""

    def __init__(self, server_url: str) -> None:
        import psycopg

        self.server_url = server_url.replace("+psycopg", "")
        self.name = f"ks_bench_{os.getpid()}"
        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        base = self.server_url.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}".replace("postgresql://", "postgresql+psycopg://", 1)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--think", type=float, default=0.5, help="seconds a paced user waits before each request"
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds per load test")
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=200, help="requests per queue page")
    parser.add_argument(
        "--database-url",
        default=None,
        help="measure this database only (default: a fresh SQLite file, then a fresh "
        "database on the PostgreSQL server at --postgres-url)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="the PostgreSQL server the default run creates (and drops) its database on",
    )
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--clinician-only", action="store_true", help="skip the patient load tests")
    parser.add_argument(
        "--million",
        action="store_true",
        help="then grow the table to 1,000,000 submissions and measure the queue and the "
        "exports again",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ks-bench-"))
    print(f"Working in {workdir}", flush=True)
    results: dict = {}
    if args.database_url:
        results[args.database_url.split("://")[0].split("+")[0]] = measure(
            args.database_url, args, workdir
        )
    else:
        results["sqlite"] = measure(f"sqlite:///{workdir / 'bench.sqlite3'}", args, workdir)
        if not args.sqlite_only:
            database = PostgresDatabase(args.postgres_url)
            try:
                results["postgresql"] = measure(database.url, args, workdir)
            finally:
                database.drop()
    Path(args.output).write_text(json.dumps(results, indent=2))
    for found in results.values():
        print()
        print(table(found))
    print(f"\nFigures written to {args.output}")


if __name__ == "__main__":
    main()
