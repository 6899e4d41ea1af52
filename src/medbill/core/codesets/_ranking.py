"""How search ranks: field weights, bonuses and penalties, and the word lists they use.

A doc's raw score is the sum, over query terms, of the term's weight (its idf, shared among the
words of one abbreviation) in the best field the doc holds it in. On top of that:

* billable codes get ``BILLABLE_BONUS`` (and are listed above headers);
* a title that starts with a word of the query (the lead term) gets ``LEAD_BONUS``;
* the code a coder takes when nothing more is said (unspecified, NOS, uncomplicated) gets a
  small bonus; "other" codes a small penalty;
* every title word the query did not ask for costs ``UNMATCHED_PENALTY``;
* every context word (newborn, pregnancy, history...) the query did not use costs
  ``CONTEXT_PENALTY``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt

from medbill.core.codesets._text import stem

EXTRA_WEIGHT = 0.7  # a word found only in inclusion terms / short descriptions
FIELD_WEIGHTS = (1.0, EXTRA_WEIGHT, 0.35, 1.0)  # title, own/inherited inclusion terms, absent
BILLABLE_BONUS = 1.0
LEAD_BONUS = 0.25  # the title starts with a word the query used ("Pneumonia, unspecified ...")
UNMATCHED_PENALTY = 0.1  # per title word the query did not ask for (up to 15)
CONTEXT_PENALTY = 0.3  # per context word (newborn, pregnancy, history...) the query did not use
PRUNE_MARGIN = 4.0  # larger than every bonus a lower-scoring doc could still collect
HINT_BONUS = 3.0  # the query names the code system ("... modifier", "place of service ...")
SYSTEM_HINTS = (
    ("modifier", r"\b(modifiers?|mod)\b"),
    ("pos", r"\b(place of service|pos)\b"),
)

# Words that put a code in a narrower context than a plain query means.
_MARKED_WORDS = """
neonatal newborn perinatal fetus fetal pregnancy childbirth puerperium trimester maternal
complicating history occurrence sequela subsequent screening family congenital induced
postprocedural intraoperative poisoning underdosing adverse stoma obstetric
"""
_MARKED = _MARKED_WORDS.split()
MARK_BITS = {stem(w): 1 << i for i, w in enumerate(_MARKED)}
# Words that describe the default code rather than narrow it.
_NEUTRAL_WORDS = "unspecified specified not site nos elsewhere classified without"
NEUTRAL = {stem(w) for w in _NEUTRAL_WORDS.split()}
_UNSPECIFIED = re.compile(r"(?<!or )\bunspecified\b|\bnot specified\b|\bnos\b", re.IGNORECASE)
_UNCOMPLICATED = re.compile(r"\b(without complications?|uncomplicated)\b", re.IGNORECASE)
_OTHER = re.compile(r"\bother\b(?! than)", re.IGNORECASE)
# "without X, Y and Z" up to a clause that qualifies the code again ("..., unspecified eye") or
# names a site ("without foreign body of left hand")
NEGATED = re.compile(
    r"\b(?:without\b|not intractable\b)(?:(?!\b(?:of|in|at)\b)[^,])*"
    r"(?:,(?!\s*(?:unspecified|initial|subsequent|sequela|right|left|bilateral|with|in|of|due"
    r"|stage|type)\b)(?:(?!\b(?:of|in|at)\b)[^,])*)*",
    re.IGNORECASE,
)
QUERY_NEGATION = re.compile(r"\b(without|w/o|wo|no|not|non)\b", re.IGNORECASE)


def default_bonus(title: str) -> float:
    """The code a coder takes when nothing more is said (unspecified, NOS, uncomplicated);
    "other" codes are for documented other kinds, never the default."""
    bonus = 0.35 if _UNCOMPLICATED.search(title) else 0.3 if _UNSPECIFIED.search(title) else 0.0
    return bonus - (0.1 if _OTHER.search(title) else 0.0)


_POP16 = (
    np.unpackbits(np.arange(1 << 16, dtype=">u2").view(np.uint8))
    .reshape(-1, 16)
    .sum(axis=1, dtype=np.int8)
)


def popcount(values: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.int8]:
    counts: npt.NDArray[np.int8] = _POP16[values & 0xFFFF] + _POP16[values >> 16]
    return counts
