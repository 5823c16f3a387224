"""Blueprint "patient": landing page, the screening steps, check answers and result."""

from flask import Blueprint

bp = Blueprint("patient", __name__)

# The routes register themselves on bp ("Email me my reference" in a module of its own).
from . import email_reference, views  # noqa: E402,F401
