"""Time-based one-time codes (RFC 6238) with pyotp, each code usable once."""

from __future__ import annotations

import re
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import or_, update

from ..extensions import db
from ..models import Clinician

ISSUER = "Ketamine screening"
STEP_SECONDS = 30
_CODE = re.compile(r"[0-9]{6}")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG, drawn here: no outside service sees the secret."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")
    # Justified: segno's SVG drawn from our own URI; no user input reaches it.
    return Markup(svg)  # noqa: S704  # nosec B704


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step the code belongs to (now, or one step either side), or None."""
    code = re.sub(r"\s", "", code or "")
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def use(clinician: Clinician, step: int) -> bool:
    """Record ``step`` as the clinician's last used code, atomically: of two requests
    carrying the same code at the same moment, exactly one gets True. (A conditional
    UPDATE, not a read and then a write.)"""
    done = db.session.execute(
        update(Clinician)
        .where(
            Clinician.id == clinician.id,
            or_(Clinician.totp_last_step.is_(None), Clinician.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done == 1:
        clinician.totp_last_step = step
    return done == 1


def accept(secret: str, code: str, now: datetime, last_used_step: int | None) -> int | None:
    """The step to record if the code is right and newer than the last one used."""
    step = matching_step(secret, code, now)
    if step is None or (last_used_step is not None and step <= last_used_step):
        return None
    return step
