"""``N_()``: marks a string for the message catalogue without translating it where it
is written. The pure modules (``rules.py``, ``phq9.py``) word things in English and stay
free of Flask; the pages translate the marked strings where they show them."""


def N_(text: str) -> str:  # the gettext convention for "mark only"
    return text
