"""The app for gunicorn (``wsgi:app``) and for the flask command (``--app wsgi``).

A missing or wrong setting stops the start with its one-line message, not a traceback.
The exit status is 3, what gunicorn reads as "worker failed to boot": a worker started
without gunicorn.conf.py (which checks the settings before any worker starts) then stops
the server instead of being started again and again.
"""

import sys

from questionnaire import create_app
from questionnaire.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(f"Error: {error}", file=sys.stderr)
    raise SystemExit(3) from None
