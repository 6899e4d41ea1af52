"""Generated claims through scrub -> write: every file pyx12 validates, every held claim explained.

A bounded number of examples runs here; ``bench/x12_fuzz.py`` runs ten thousand.
The files of all examples are validated by one pyx12 run (loading its maps takes
a second), each with its own interchange control number.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from claim_strategies import batches, scrub_then_write
from medbill.core.x12 import fit_claim, read_837p
from x12_pyx12 import pyx12_errors

QUICK = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def run_and_validate(examples: int, max_claims: int, max_lines: int) -> int:
    files: list[bytes] = []
    numbers = iter(range(1, 1_000_000))

    @settings(max_examples=examples, **QUICK)
    @given(batches(max_claims=max_claims, max_lines=max_lines))
    def scrub_and_write(batch):
        outcome = scrub_then_write(batch, counter=numbers)
        assert outcome.unexplained == []
        assert len(outcome.written) + len(outcome.held) == len(batch)
        for data in outcome.files:
            # Every claim written is in the file, as often as it was written. (The file lists
            # them by billing provider, each provider's 2000A loop holding its claims, so its
            # order is not the batch's when two providers' claims alternate.)
            read = [r.claim.claim_id for r in read_837p(data)]
            assert sorted(read) == sorted(outcome.written)
        files.extend(outcome.files)

    scrub_and_write()
    together = pyx12_errors(b"".join(files)) if files else []
    if together:
        # Name the file that fails on its own, or say that only the files together do.
        bad = [f for f in files if pyx12_errors(f)]
        shown = bad[0].decode() if bad else f"no file fails alone; {len(files)} together do"
        assert together == [], f"{together[:5]}\n{shown}"
    return len(files)


def test_generated_claims_validate_or_are_held_with_a_reason():
    assert run_and_validate(25, max_claims=3, max_lines=8) > 0


def test_claims_with_up_to_fifty_lines():
    run_and_validate(3, max_claims=1, max_lines=50)


@settings(max_examples=30, **QUICK)
@given(batches(max_claims=2, max_lines=4))
def test_a_fitted_claim_needs_no_further_fitting(batch):
    for claim in batch:
        fitted = fit_claim(claim)
        again = fit_claim(fitted.claim)
        if not fitted.problems:
            assert again.fits == () and again.claim == fitted.claim
