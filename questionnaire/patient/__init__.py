"""Blueprint "patient": landing page, the screening steps, check answers and result."""

from flask import Blueprint

bp = Blueprint("patient", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
