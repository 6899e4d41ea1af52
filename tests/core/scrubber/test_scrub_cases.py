"""The scrubber test set: every case must produce exactly the edit codes it names."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from scrub_case_data import DOC, claim_of, policy_of

from medbill.core.claim import loads
from medbill.core.scrubber import References, Scrubber

TODAY = date(2026, 3, 10)


def test_the_set_is_large_enough() -> None:
    cases = DOC["cases"]
    assert len(cases) >= 60
    assert len({c["id"] for c in cases}) == len(cases)
    clean = [c for c in cases if not c["expect"] and "policy" not in c]
    assert len(clean) >= 15


@pytest.mark.parametrize("case", DOC["cases"], ids=[c["id"] for c in DOC["cases"]])
def test_case(case: dict, scrub_refs: References) -> None:
    scrubber = Scrubber(scrub_refs, default=policy_of(case), today=TODAY)
    findings = scrubber.findings(claim_of(case))
    got = sorted(f.code for f in findings)
    assert got == sorted(case["expect"]), [f.message for f in findings]
    for f in findings:
        assert f.message.startswith(f.code + " ")
        assert f.citation
        assert f.line is None or f.line >= 1


def test_every_expected_code_is_registered() -> None:
    from medbill.core.scrubber import REGISTRY

    expected = Counter(code for c in DOC["cases"] for code in c["expect"])
    assert set(expected) <= {e.code for e in REGISTRY}


def test_shared_examples_scrub_clean(shared_examples: Path, scrub_refs: References) -> None:
    claims = loads((shared_examples / "all_claims.json").read_bytes())
    assert len(claims) == 3
    results = Scrubber(scrub_refs, today=TODAY).scrub_all(claims)
    assert [(r.claim_id, r.findings) for r in results] == [(c.claim_id, ()) for c in claims]
