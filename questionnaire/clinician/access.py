"""Who may open what. Every clinician view carries one of these decorators; a test walks
the URL map and fails for any view without one, or any that opens to the wrong person."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, abort, redirect, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def _mark(view: F, access: str) -> F:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Open to anyone (the sign-in page)."""
    return _mark(view, "public")


def _refusal(*, needs_code: bool, needs_admin: bool) -> Response | None:
    if not current_user.is_authenticated:
        return redirect(url_for("clinician.sign_in"))
    if needs_code and not current_user.second_factor_done:
        return redirect(url_for("clinician.code"))
    if needs_admin and not current_user.is_admin:
        abort(403)
    return None


def _guard(access: str, *, needs_code: bool, needs_admin: bool) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            refusal = _refusal(needs_code=needs_code, needs_admin=needs_admin)
            return refusal if refusal is not None else view(*args, **kwargs)

        return _mark(wrapped, access)  # type: ignore[arg-type]

    return decorator


#: Past the password, maybe not yet the second factor (the code page, signing out).
password_done = _guard("password", needs_code=False, needs_admin=False)
#: Signed in with both factors.
clinician_required = _guard("clinician", needs_code=True, needs_admin=False)
#: Signed in with both factors, as an admin.
admin_required = _guard("admin", needs_code=True, needs_admin=True)


T = TypeVar("T")


def found(thing: T | None) -> T:
    """The thing asked for, or a 404."""
    if thing is None:
        abort(404)
    return thing
