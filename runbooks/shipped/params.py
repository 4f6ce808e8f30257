"""Parameter types shared by several runbooks."""

from __future__ import annotations

import re
from typing import Literal

License = Literal[
    "E1",
    "E3",
    "E5",
    "F3",
    "Business Basic",
    "Business Standard",
    "Business Premium",
    "Visio",
    "Project",
    "Power BI Pro",
]

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def validate_email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("must be an email address such as jane.doe@example.com")
    return value.lower()
