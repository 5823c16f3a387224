"""Command-line tools: ``flask --app wsgi clinician create|invite|reset|list|disable|
rotate-mfa-key``, ``purge``, ``demo seed``, ``outbox run``, ``backup verify|digest`` and
``unavailable-page``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app, render_template
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from . import accounts, clock
from .extensions import db
from .models import Clinician
from .vocabulary import Role

clinician_cli = AppGroup("clinician", help="Manage clinician accounts.")
CLI_ACTOR = "command line"


def _find(email: str) -> Clinician:
    clinician = accounts.find(email)
    if clinician is None:
        raise click.ClickException(f"No clinician with the email address {email}")
    return clinician


@clinician_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Also manages accounts and reads the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, admin: bool, password_stdin: bool) -> None:
    """Create an account. The person sets up their authenticator at first sign-in."""
    try:
        email = accounts.normalise_email(email)
        if accounts.find(email) is not None:
            raise click.ClickException(f"An account for {email} already exists")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        role = Role.ADMIN if admin else Role.CLINICIAN
        accounts.create(email, password, role, clock.now(), by=None, by_name=CLI_ACTOR)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {role} account for {email}.")


@clinician_cli.command("list")
def list_accounts() -> None:
    """List accounts."""
    clinicians = db.session.scalars(select(Clinician).order_by(Clinician.email)).all()
    if not clinicians:
        click.echo("No clinician accounts yet.")
        return
    click.echo(f"{'email':40} {'role':10} {'active':7} {'2nd factor':10} created")
    for c in clinicians:
        click.echo(
            f"{c.email:40} {c.role:10} {'yes' if c.active else 'no':7} "
            f"{'set' if c.totp_secret else 'not set':10} {c.created_at:%Y-%m-%d}"
        )


@clinician_cli.command("invite")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Also manages accounts and reads the audit log.")
def invite(email: str, admin: bool) -> None:
    """Create an account and print its one-time set-up link (24 hours): the person sets
    their own password and enrols their own authenticator."""
    role = Role.ADMIN if admin else Role.CLINICIAN
    try:
        clinician, token = accounts.invite(email, role, clock.now(), by=None, by_name=CLI_ACTOR)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    _print_link(f"Invited {clinician.email} as {role}.", token)


@clinician_cli.command("reset")
@click.argument("email")
def reset(email: str) -> None:
    """Forget an account's password and authenticator, end its sessions, and print a new
    one-time set-up link (24 hours)."""
    clinician = _find(email)
    token = accounts.reset(clinician, clock.now(), by=None, by_name=CLI_ACTOR)
    db.session.commit()
    _print_link(f"Reset {clinician.email}.", token)


def _print_link(done: str, token: str) -> None:
    click.echo(f"{done} Send them this link (one use, {accounts.LINK_HOURS} hours):")
    click.echo(accounts.link_url(token))


@clinician_cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account and end its sessions."""
    clinician = _find(email)
    accounts.disable(clinician, clock.now(), by=None, by_name=CLI_ACTOR)
    db.session.commit()
    click.echo(f"Disabled {clinician.email}.")


@clinician_cli.command("rotate-mfa-key")
def rotate_mfa_key() -> None:
    """Re-encrypt every stored authenticator secret with the first MFA_ENCRYPTION_KEY
    (and the addresses of reference emails waiting to be sent)."""
    from . import reference_email

    done = accounts.reencrypt_secrets()
    waiting = reference_email.reseal()
    db.session.commit()
    click.echo(f"Re-encrypted {done} authenticator secrets with the first key.")
    if waiting:
        click.echo(f"Re-encrypted {waiting} email addresses waiting to be sent.")
    click.echo("Keys after the first can now be removed from MFA_ENCRYPTION_KEY.")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Remove expired drafts and submissions closed longer ago than RETENTION_DAYS."""

    from .retention import purge

    config = current_app.config
    done = purge(clock.now(), config["RETENTION_DAYS"], config["CLINICIAN_SESSION_HOURS"])
    click.echo(f"Removed {done.drafts} expired drafts.")
    click.echo(
        f"Removed {done.submissions} submissions closed more than "
        f"{config['RETENTION_DAYS']} days ago."
    )
    click.echo(f"Removed {done.sessions} old clinician sessions.")


demo_cli = AppGroup("demo", help="Demo data for trying the app and for benchmarks.")


@demo_cli.command("seed")
@click.option(
    "--submissions",
    "count",
    type=click.IntRange(1, 5_000_000),
    default=1000,
    show_default=True,
    help="How many submissions to add.",
)
@click.option("--seed", "seed_value", type=int, default=None, help="Repeatable randomness.")
def seed_command(count: int, seed_value: int | None) -> None:
    """Add realistic submissions (every outcome and flag, two years, notes)."""
    import time

    from .demo import seed

    started = time.perf_counter()
    made = seed(count, clock.now(), seed_value)
    click.echo(f"Added {made} submissions in {time.perf_counter() - started:.1f} s.")


outbox_cli = AppGroup("outbox", help="Send alert emails (clinician.md, Alerts).")


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
def outbox_run(once: bool) -> None:
    """Send alert emails as they fall due; queue reminders and the daily digest."""
    import time

    from . import outbox

    pause = current_app.config["OUTBOX_POLL_SECONDS"]
    while True:
        sent, not_sent = outbox.run_once(clock.now())
        if sent or not_sent:
            click.echo(f"Sent {sent} alert emails; {not_sent} to try again later.")
        if once:
            return
        time.sleep(pause)


backup_cli = AppGroup("backup", help="Prove that a PostgreSQL backup restores whole.")


@backup_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--keep", is_flag=True, help="Keep the restored copy (its URL is printed).")
def backup_verify(file: Path, keep: bool) -> None:
    """Restore FILE (pg_dump --format=custom) into a new database and check it."""
    from .ops import backup

    try:
        with backup.restored(file, current_app.config["DATABASE_URL"] or "", keep=keep) as url:
            click.echo(f"Restored {file} into database {url.database}.")
            migrations = Path(current_app.extensions["migrate"].directory)
            found = backup.verify(url, migrations, current_app.config["MFA_ENCRYPTION_KEYS"])
            if keep:
                click.echo(f"Kept: {url.render_as_string(hide_password=True)}")
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        raise click.ClickException(str(error)) from error
    _print_digests(found.digests)
    for check in found.checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
    if not found.ok:
        raise click.ClickException("The backup did not restore whole (see FAIL above).")
    click.echo("The backup restores whole.")


@backup_cli.command("digest")
def backup_digest() -> None:
    """Each table's rows and digest in this database, to compare with a restored copy."""
    from .ops import backup

    with db.engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            raise click.ClickException("backup digest needs DATABASE_URL to point at PostgreSQL")
        _print_digests(backup.table_digests(connection))


def _print_digests(digests: list) -> None:
    width = max((len(d.name) for d in digests), default=5)
    for digest in digests:
        click.echo(f"{digest.name:<{width}}  {digest.rows:>10,} rows  sha256 {digest.sha256}")


@click.command("unavailable-page")
@click.argument("output", type=click.File("w"), default="-")
@click.option(
    "--language",
    type=click.Choice(["en", "es"]),
    default="en",
    show_default=True,
    help="The page's language (one page per language; see the README's nginx example).",
)
@with_appcontext
def unavailable_page(output, language: str) -> None:
    """Write the page the proxy shows while the app cannot answer at all (502, 503,
    504): the crisis contacts first, and where the answers given so far are kept."""
    from .errors import MESSAGES
    from .i18n import _

    title, message = MESSAGES[503]
    base = current_app.config.get("APP_BASE_URL") or "http://localhost"
    path = f"/unavailable?lang={language}"
    with current_app.test_request_context(path, base_url=base):
        html = render_template(
            "errors/error.html",
            title=_(title),
            message=_(message),
            # A static page: no link to a page in another language that is not there.
            language_links=list,
            server_error=True,
            answers="unknown",
            sent=False,
            draft_days=current_app.config["DRAFT_TTL_DAYS"],
        )
    output.write(html)
