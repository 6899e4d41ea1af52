"""Logs never carry PHI: the filter on every handler blanks dates, identifiers, e-mail
addresses, query strings and database detail lines."""

from __future__ import annotations

import logging

from medbill.web.practice.logs import NoPhiFilter, redact


def test_redact():
    text = (
        "duplicate key value violates unique constraint\nDETAIL:  Key (account_number)="
        "(CVFP-0001) already exists."
    )
    assert "CVFP-0001" not in redact(text)
    assert "1988-02-11" not in redact("born 1988-02-11 or 02/11/1988")
    assert "a.b@example.com" not in redact("mail a.b@example.com")
    assert "UHW5512093301" not in redact("member UHW5512093301 not found")
    assert "?q=Ortega" not in redact("GET /patients/?q=Ortega 200")
    assert redact("Not Found: /patients/2/") == "Not Found: /patients/2/"


def test_filter_rewrites_messages_and_tracebacks():
    record = logging.LogRecord(
        "medbill", logging.ERROR, __file__, 1, "patient %s born %s", ("Ortega", "2019-06-30"), None
    )
    try:
        raise ValueError("bad dob 2019-06-30")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert NoPhiFilter().filter(record)
    assert "2019-06-30" not in record.getMessage()
    assert record.exc_info is None and "2019-06-30" not in record.exc_text


def test_settings_install_the_filter():
    from django.conf import settings

    console = settings.LOGGING["handlers"]["console"]
    assert "no_phi" in console["filters"]
    assert settings.LOGGING["filters"]["no_phi"]["()"].endswith("NoPhiFilter")


def test_request_lines_lose_their_query_strings():
    import logging as lg

    from django.conf import settings

    server = settings.LOGGING["loggers"]["django.server"]
    assert server["handlers"] == ["console"] and server["propagate"] is False
    record = lg.LogRecord(
        "django.server",
        lg.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /patients/?q=Ortega HTTP/1.1", "200", "512"),
        None,
    )
    NoPhiFilter().filter(record)
    assert "Ortega" not in record.getMessage()


def test_kiosk_codes_leave_request_lines():
    line = '"GET /kiosk/K7MPQ2XR/ HTTP/1.1" 302 0'
    assert "K7MPQ2XR" not in redact(line)
    assert "/kiosk/[code]/" in redact(line)
    assert redact("GET /kiosk/packet/ 200") == "GET /kiosk/packet/ 200"
    assert "AB23CD45" not in redact("Not Found: /kiosk/AB23CD45/")


def _request_record(status: int) -> logging.LogRecord:
    import sys

    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/claims/9/",), None
    )
    record.status_code = status
    try:
        raise PermissionError("refused")
    except PermissionError:
        record.exc_info = sys.exc_info()
    return record


def test_a_refused_page_is_one_line_and_a_server_error_keeps_its_traceback():
    handler = logging.StreamHandler()
    refused = _request_record(403)
    assert NoPhiFilter().filter(refused)
    assert handler.format(refused) == "Forbidden: /claims/9/"
    failed = _request_record(500)
    assert NoPhiFilter().filter(failed)
    assert "Traceback" in handler.format(failed) and "PermissionError" in handler.format(failed)
