"""How patients reach the clinic: its contact settings, each shown only when set."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import DEFAULT_CLINIC_NAME


@dataclass(frozen=True, slots=True)
class ClinicContact:
    name: str
    phone: str = ""
    email: str = ""
    hours: str = ""
    address: str = ""
    response_time: str = ""
    #: "en" when ``hours`` is the English wording on a Spanish page (the clinic set no
    #: ``CLINIC_HOURS_ES``), for the page's ``lang=``.
    hours_lang: str = ""

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], language: str = "en", unnamed: str = "The clinic"
    ) -> ClinicContact:
        """The clinic's details for a page in ``language``. ``unnamed`` is what the page
        calls the clinic when ``CLINIC_NAME`` is left at its default, in its language."""
        hours = config.get("CLINIC_HOURS", "")
        response_time = config.get("CLINIC_RESPONSE_TIME", "")
        hours_lang = ""
        if language == "es":
            hours_lang = "en" if hours and not config.get("CLINIC_HOURS_ES") else ""
            hours = config.get("CLINIC_HOURS_ES") or hours
            response_time = config.get("CLINIC_RESPONSE_TIME_ES") or response_time
        name = config["CLINIC_NAME"]
        return cls(
            name=unnamed if name == DEFAULT_CLINIC_NAME else name,
            phone=config.get("CLINIC_PHONE", ""),
            email=config.get("CLINIC_EMAIL", ""),
            hours=hours,
            address=config.get("CLINIC_ADDRESS", ""),
            response_time=response_time,
            hours_lang=hours_lang,
        )

    @property
    def phone_href(self) -> str:
        return "tel:" + re.sub(r"[^\d+]", "", self.phone)

    @property
    def reachable(self) -> bool:
        """True when a patient can reach the clinic by phone, email or in person."""
        return bool(self.phone or self.email or self.address)
