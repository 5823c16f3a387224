"""How patients reach the clinic: its contact settings, each shown only when set."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ClinicContact:
    name: str
    phone: str = ""
    email: str = ""
    hours: str = ""
    address: str = ""
    response_time: str = ""
    #: The language of ``hours`` and ``response_time`` when it is not the page's (a
    #: Spanish page of a clinic that gave them in English only), for ``lang=``.
    hours_lang: str = ""
    response_time_lang: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any], language: str = "en") -> ClinicContact:
        """The clinic's details for a page in ``language``; the name is the clinic's
        own (``name`` is "The clinic" translated when no name is set)."""
        hours = config.get("CLINIC_HOURS", "")
        response_time = config.get("CLINIC_RESPONSE_TIME", "")
        hours_lang = response_time_lang = ""
        if language == "es":
            hours_lang = "" if config.get("CLINIC_HOURS_ES") else "en" if hours else ""
            response_time_lang = (
                "" if config.get("CLINIC_RESPONSE_TIME_ES") else "en" if response_time else ""
            )
            hours = config.get("CLINIC_HOURS_ES") or hours
            response_time = config.get("CLINIC_RESPONSE_TIME_ES") or response_time
        return cls(
            name=config["CLINIC_NAME"],
            phone=config.get("CLINIC_PHONE", ""),
            email=config.get("CLINIC_EMAIL", ""),
            hours=hours,
            address=config.get("CLINIC_ADDRESS", ""),
            response_time=response_time,
            hours_lang=hours_lang,
            response_time_lang=response_time_lang,
        )

    @property
    def phone_href(self) -> str:
        return "tel:" + re.sub(r"[^\d+]", "", self.phone)

    @property
    def reachable(self) -> bool:
        """True when a patient can reach the clinic by phone, email or in person."""
        return bool(self.phone or self.email or self.address)
