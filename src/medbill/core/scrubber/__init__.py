"""The claim scrubber: an edit registry, edit families and the engine that runs them.

>>> from medbill.core.scrubber import References, Scrubber
>>> results = Scrubber(References.load()).scrub_all(claims)   # doctest: +SKIP
"""

from medbill.core.scrubber.engine import References, Scrubber, ScrubResult, scrub
from medbill.core.scrubber.fixes import FixError, apply_fix
from medbill.core.scrubber.registry import (
    ERROR,
    KINDS,
    REGISTRY,
    WARNING,
    Edit,
    EditDocs,
    Finding,
    Fix,
    Policy,
)

__all__ = [
    "ERROR",
    "KINDS",
    "REGISTRY",
    "WARNING",
    "apply_fix",
    "Edit",
    "EditDocs",
    "Finding",
    "Fix",
    "FixError",
    "Policy",
    "References",
    "ScrubResult",
    "Scrubber",
    "scrub",
]
