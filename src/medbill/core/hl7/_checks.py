"""What every charge from an EHR is checked for, however it came (an HL7 v2 FT1, a FHIR
Claim item or Procedure): its procedure code by the practice's rule (the claim edits'
own, passed in as ``check_code``), its date of service neither after the practice's
today nor before the patient was born. The mappings name the field; the words are here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ChargeChecks", "CodeCheck"]

# (code, date of service) -> why the procedure code is refused, else None
CodeCheck = Callable[[str, datetime.date], "str | None"]


@dataclass(frozen=True)
class ChargeChecks:
    """The practice's date (``today``) and its rule for procedure codes (``check_code``);
    either may be None, when that check is not made."""

    today: datetime.date | None = None
    check_code: CodeCheck | None = None

    def code(self, code: str, served: datetime.date) -> str | None:
        """Why ``code`` cannot be billed for a service on ``served``, else None."""
        return self.check_code(code, served) if self.check_code is not None else None

    def date(
        self, served: datetime.date, born: datetime.date | None = None, born_at: str = ""
    ) -> str | None:
        """Why a charge cannot be dated ``served``: after today, or before the patient's
        birth date ``born`` (``born_at`` names where that date came from), else None."""
        if self.today is not None and served > self.today:
            return (
                f"{served:%m/%d/%Y} is after today ({self.today:%m/%d/%Y}); a charge is for a "
                "service already given"
            )
        if born is not None and served < born:
            return (
                f"{served:%m/%d/%Y} is before the patient's birth date ({born_at}, {born:%m/%d/%Y})"
            )
        return None
