"""The scrubber test set (``scrub_cases.json``): bases, cases and how a case becomes a claim."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from medbill.core.claim import Claim, loads
from medbill.core.scrubber import Policy

CASES_FILE = Path(__file__).resolve().parent / "scrub_cases.json"
DOC = json.loads(CASES_FILE.read_text(encoding="utf-8"))
CASES = {c["id"]: c for c in DOC["cases"]}


def merge(base: Any, patch: Any) -> Any:
    """Dicts merge key by key (None deletes); anything else replaces."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = merge(base.get(key), value)
        return out
    return copy.deepcopy(patch)


def claim_of(case: dict | str) -> Claim:
    """The claim a case describes (by the case or its id)."""
    case = CASES[case] if isinstance(case, str) else case
    data = merge(DOC["bases"][case["base"]], case["patch"])
    return loads(json.dumps(data))[0]


def policy_of(case: dict) -> Policy:
    p = case.get("policy") or {}
    return Policy(
        select=tuple(p.get("select", ("",))),
        ignore=tuple(p.get("ignore", ())),
        extend=tuple(p.get("extend", ())),
        waivers=p.get("waivers", {}),
    )
