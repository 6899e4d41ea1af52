"""Candidates from the ICD-10-CM Alphabetic Index for a phrase of a note (the coder's route).

A rule or the engine may call :func:`index_candidates_for` with the words of a finding ("type 2
diabetes with CKD stage 3b", "adverse effect of lisinopril") to get the codes the Index leads
to, valid on the date of service, each with its trail. Nothing in the engine calls it yet.
"""

from __future__ import annotations

from datetime import date

from medbill.core.codesets._trail import IndexCandidate, index_candidates

__all__ = ["IndexCandidate", "index_candidates_for"]


def index_candidates_for(
    phrase: str, *, dos: date | None = None, limit: int = 5, named_fully: bool = False
) -> list[IndexCandidate]:
    """Codes the Alphabetic Index leads to for ``phrase`` on ``dos`` (None: the newest
    release), best first. ``named_fully`` keeps only entries whose every word the phrase says
    (``missing == 0``), the ones search puts first. Empty when no Index is built."""
    found = index_candidates(phrase, dos=dos, limit=limit)
    return [c for c in found if c.missing == 0] if named_fully else found
