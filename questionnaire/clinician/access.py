"""Who may open what. Every clinician view carries one of these decorators; a test walks
the URL map and fails for any view without one, or any that opens to the wrong person."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def _mark(view: F, access: str) -> F:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Open to anyone (the sign-in page)."""
    return _mark(view, "public")


def password_done(view: F) -> F:
    """Past the password, maybe not yet the second factor (the code page)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("clinician.sign_in"))
        return view(*args, **kwargs)

    return _mark(wrapped, "password")  # type: ignore[return-value]


def clinician_required(view: F) -> F:
    """Signed in with both factors."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("clinician.sign_in"))
        if not current_user.second_factor_done:
            return redirect(url_for("clinician.code"))
        return view(*args, **kwargs)

    return _mark(wrapped, "clinician")  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Signed in with both factors, as an admin."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("clinician.sign_in"))
        if not current_user.second_factor_done:
            return redirect(url_for("clinician.code"))
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return _mark(wrapped, "admin")  # type: ignore[return-value]
