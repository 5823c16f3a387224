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

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ClinicContact:
        return cls(
            name=config["CLINIC_NAME"],
            phone=config.get("CLINIC_PHONE", ""),
            email=config.get("CLINIC_EMAIL", ""),
            hours=config.get("CLINIC_HOURS", ""),
            address=config.get("CLINIC_ADDRESS", ""),
            response_time=config.get("CLINIC_RESPONSE_TIME", ""),
        )

    @property
    def phone_href(self) -> str:
        return "tel:" + re.sub(r"[^\d+]", "", self.phone)

    @property
    def reachable(self) -> bool:
        """True when a patient can reach the clinic by phone, email or in person."""
        return bool(self.phone or self.email or self.address)
