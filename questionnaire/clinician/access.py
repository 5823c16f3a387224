"""Who may open what. Every clinician view carries one of these decorators; a test walks
the URL map and fails for any view without one, or any that opens to the wrong person."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def _mark(view: F, access: str) -> F:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Open to anyone (the sign-in page)."""
    return _mark(view, "public")


#: Where signing in may lead back to: a page of the clinician area, never elsewhere.
_NO_RETURN = ("/clinician/sign-in", "/clinician/code", "/clinician/sign-out")


def safe_return(target: str | None) -> str | None:
    """``target`` if it is a relative path to a page of the clinician area (so that a
    crafted link can never send a clinician off the site after signing in), else None."""
    if not target or len(target) > 500 or not target.isprintable() or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/clinician/"):
        return None
    if parts.path.startswith(_NO_RETURN) or "//" in parts.path:
        return None
    return target


def _refusal(*, needs_code: bool, needs_admin: bool) -> Response | None:
    if not current_user.is_authenticated:
        # Signed out (the idle timeout, say): come back to this page after signing in.
        here = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("clinician.sign_in", next=safe_return(here)))
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


def bad_cursor(first_page: str) -> Response:
    """A page link that was changed by hand or has gone stale: 400, and the way back."""
    html = render_template(
        "clinician/error.html",
        title="That page link does not work",
        message="The link to this page of the list was changed or is out of date.",
        link=first_page,
        link_text="Go to the first page",
    )
    return make_response(html, 400)


T = TypeVar("T")


def found(thing: T | None) -> T:
    """The thing asked for, or a 404."""
    if thing is None:
        abort(404)
    return thing
