"""Independent validation of X12 files with pyx12, in-process.

pyx12's ``x12valid`` script exits 1 even for valid files, so tests call
``x12n_document`` directly and collect the ERROR records it logs. Any writer
(837P, 835, 270 ...) can use it::

    from x12_pyx12 import pyx12_errors
    assert pyx12_errors(data) == []
"""

from __future__ import annotations

import io
import logging

import pyx12.params
import pyx12.x12n_document

__all__ = ["pyx12_errors", "pyx12_validate"]


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pyx12_validate(data: bytes | str) -> tuple[bool, list[str]]:
    """(pyx12's verdict, the error messages it logged) for one interchange."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    logger = logging.getLogger("pyx12")
    collector = _Collector()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(collector)
    logger.setLevel(logging.ERROR)
    logger.propagate = False
    try:
        params = pyx12.params.params()
        ack = io.StringIO()
        ok = pyx12.x12n_document.x12n_document(params, io.StringIO(text), ack, None)
    finally:
        logger.removeHandler(collector)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    return bool(ok), collector.messages


def pyx12_errors(data: bytes | str) -> list[str]:
    """The errors pyx12 reports; a valid file gives ``[]``.

    A False verdict without a logged error still counts as an error.
    """
    ok, messages = pyx12_validate(data)
    if not ok and not messages:
        return ["pyx12 rejected the file without naming an error"]
    return messages
