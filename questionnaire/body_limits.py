"""How large a request body a page takes, worked out from the character limits of its
forms' fields, so that text that is too long, in any script, earns the field's own
message (422) with the text kept, never "That was too much to send" (413), which loses
what was typed.

A browser sends a form as ``application/x-www-form-urlencoded``: each character is one
to four bytes of UTF-8, and each byte of a character outside ASCII travels as ``%XX``,
three bytes. So one character (an emoji such as "😀") can take 12 bytes on the wire, a
Chinese one 9, and 100,000 "é" take 600,000 bytes, where 100,000 "x" take 100,000.

Text fields carry no ``maxlength`` attribute (GOV.UK's advice: it cuts a paste off
without a word), so a paste far past a field's limit is something a person really
sends. A page that takes free text gets room for every text field full to its limit
plus one paste of up to ``OVERRUN_CHARACTERS`` more, all at 12 bytes a character, plus
``ALLOWANCE_BYTES`` for field names, choices, the CSRF token and buttons. Beyond that a
body is refused with 413 before it is read. Every other request keeps
``MAX_CONTENT_LENGTH``, which is also the least any page gets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from flask import Flask, current_app, request
from wtforms import Field, Form
from wtforms.fields.core import UnboundField
from wtforms.meta import DefaultMeta
from wtforms.validators import Length

#: UTF-8 takes at most 4 bytes a character, and form encoding sends each as %XX.
ENCODED_BYTES_PER_CHARACTER = 4 * len("%XX")
#: How far past the fields' limits a paste may run and still get the field's message.
OVERRUN_CHARACTERS = 100_000
#: Field names, separators, choices, the CSRF token and buttons.
ALLOWANCE_BYTES = 16 * 1024

View = TypeVar("View", bound=Callable[..., Any])
_FORMS = "body_sized_for"
_EXTENSION = "body_limits"


def fields(form_class: type[Form]) -> Iterator[Field]:
    """The form's fields, built without a request and without the form's own
    ``__init__`` (which may want arguments)."""
    meta = DefaultMeta()
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            yield unbound.bind(form=None, name=name, _meta=meta)


def max_characters(field: Field) -> int:
    """The most characters the field's Length validators accept (0: no limit set)."""
    return max((v.max for v in field.validators if isinstance(v, Length) and v.max >= 0), default=0)


def form_characters(form_class: type[Form]) -> int:
    """The characters of all the form's text fields, each full to its limit."""
    return sum(max_characters(field) for field in fields(form_class))


def body_limit(form_classes: Iterable[type[Form]]) -> int:
    """The largest body, in bytes, that one of these forms can need (see above)."""
    characters = max((form_characters(form) for form in form_classes), default=0)
    return ENCODED_BYTES_PER_CHARACTER * (characters + OVERRUN_CHARACTERS) + ALLOWANCE_BYTES


def sized_for(*form_classes: type[Form]) -> Callable[[View], View]:
    """Mark a view as taking one of these forms: its body limit is worked out from
    them when the app is built. Put it right under the route decorator."""

    def mark(view: View) -> View:
        setattr(view, _FORMS, form_classes)
        return view

    return mark


def limit_for(app: Flask, endpoint: str | None) -> int | None:
    """The body limit of requests to ``endpoint``: its forms' need, never below
    ``MAX_CONTENT_LENGTH`` (None: no limit)."""
    floor: int | None = app.config["MAX_CONTENT_LENGTH"]
    need = app.extensions[_EXTENSION].get(endpoint)
    if floor is None or need is None:
        return floor
    return max(floor, need)


def init_app(app: Flask) -> None:
    """Work out each marked view's limit, and apply it to each request. Call after the
    blueprints are registered."""
    app.extensions[_EXTENSION] = {
        endpoint: body_limit(getattr(view, _FORMS))
        for endpoint, view in app.view_functions.items()
        if hasattr(view, _FORMS)
    }

    # URL value preprocessors run before every before_request function, so the limit
    # is in place before anything reads the form (Flask-WTF's CSRF check does).
    @app.url_value_preprocessor
    def size_request(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if endpoint in current_app.extensions[_EXTENSION]:
            request.max_content_length = limit_for(current_app, endpoint)
