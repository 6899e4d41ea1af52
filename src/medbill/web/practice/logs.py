"""A logging filter that keeps protected health information out of log output.

medbill's own code logs identifiers only; this filter is the safety net for messages
from libraries (database errors quote the offending values, request logs carry query
strings). It blanks dates, long digit runs (member ids, SSNs, phone numbers), e-mail
addresses, query strings, database ``DETAIL`` lines and the one-time codes of kiosk links
(``/kiosk/<code>/``: whoever reads the log could open the patient's paperwork), in
messages and tracebacks.
"""

from __future__ import annotations

import logging
import re

__all__ = ["NoPhiFilter", "redact"]

_PATTERNS = [
    (re.compile(r"/kiosk/(?!packet/)[^/\s\"'?]+"), "/kiosk/[code]"),
    (re.compile(r"DETAIL:.*"), "DETAIL: [redacted]"),
    (re.compile(r"\?[^\s\"']*"), "?[redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "[date]"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"), "[date]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[number]"),
    (re.compile(r"\b[A-Z]{0,4}\d{6,}\w*\b"), "[number]"),
    (re.compile(r"=\([^)]*\)"), "=([redacted])"),
]


_EXPECTED = {400, 403, 404, 405}


def redact(text: str) -> str:
    """``text`` with dates, identifiers, e-mail addresses and query strings blanked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class NoPhiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string; keep only the template
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if getattr(record, "status_code", None) in _EXPECTED and record.name == "django.request":
            # A refused or missing page is the app working: one line, no traceback.
            record.exc_info = None
            record.exc_text = None
        if record.exc_info and record.exc_info[1] is not None:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        # Django attaches the request; nothing downstream should format it.
        if hasattr(record, "request"):
            record.request = None
        return True
