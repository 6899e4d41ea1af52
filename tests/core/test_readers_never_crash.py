"""Readers that never crash: broken input is refused with the reader's own error.

Every X12 reader gets the public example files of its transaction (``../shared/data/x12``)
broken by ``tests/fuzzing.py`` under Hypothesis: segments and elements deleted, duplicated,
swapped and emptied, separators injected, odd bytes, lone surrogates, numbers no amount
holds, truncation. A reader may read such a file or refuse it with ``X12ParseError``
naming the segment position; nothing else may escape. The claim JSON loader gets the
same treatment from the claim examples and may only raise ``ClaimFormatError``. The
examples are bounded so the module runs in seconds; ``bench/fuzz.py`` runs a million.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzing import json_seeds, mutate_json, mutate_x12, x12_seeds
from medbill.core.claim import Claim, ClaimFormatError, loads
from medbill.core.x12 import (
    X12ParseError,
    X12WriteError,
    iter_segments,
    read_277ca,
    read_835,
    read_837p,
    read_999,
    read_interchanges,
    write_837p,
)
from medbill.core.x12.m270 import read_270
from medbill.core.x12.m271 import read_271
from medbill.core.x12.m276 import read_276
from medbill.core.x12.m277 import read_277
from shared_data import shared_examples_dir, shared_path
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER

READERS = {
    "835": read_835,
    "837p": read_837p,
    "270": read_270,
    "271": read_271,
    "999": read_999,
    "277ca": read_277ca,
    "276": read_276,
    "277": read_277,
    "segments": lambda data: list(iter_segments(data)),
    "interchanges": read_interchanges,
}
# The folders whose files each reader is given (the two envelope readers take them all).
FOLDERS = {
    "835": ("835",),
    "837p": ("837p", "837i"),
    "270": ("270",),
    "271": ("271",),
    "999": ("999",),
    "277ca": ("277ca", "277"),
    "276": ("276",),
    "277": ("277",),
}
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Draws:
    """``tests/fuzzing.py``'s chooser backed by Hypothesis, so failures shrink."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def randrange(self, stop: int) -> int:
        return self.data.draw(st.integers(0, stop - 1)) if stop > 1 else 0


@pytest.fixture(scope="module")
def seeds():
    return x12_seeds(shared_path("x12"))


def _refused_in_words(exc: X12ParseError) -> None:
    """The error says where: a segment position (and the reader's message)."""
    assert exc.position is not None, f"no segment position in {exc!r}"
    assert str(exc).strip()


@pytest.mark.parametrize("reader", sorted(READERS))
@FUZZ
@given(data=st.data())
def test_x12_reader_reads_or_refuses(reader, seeds, data):
    folders = FOLDERS.get(reader)
    pool = [s for s in seeds if folders is None or s.kind in folders]
    seed = data.draw(st.sampled_from(pool), label="seed file")
    broken = mutate_x12(Draws(data), seed, seeds)
    try:
        READERS[reader](broken)
    except X12ParseError as exc:
        _refused_in_words(exc)


@FUZZ
@given(data=st.data())
def test_x12_readers_refuse_each_others_files(seeds, data):
    """A file of one transaction broken and handed to another transaction's reader."""
    seed = data.draw(st.sampled_from(seeds), label="seed file")
    reader = data.draw(st.sampled_from(sorted(READERS)), label="reader")
    broken = mutate_x12(Draws(data), seed, seeds)
    try:
        READERS[reader](broken)
    except X12ParseError as exc:
        _refused_in_words(exc)


@pytest.fixture(scope="module")
def claim_seeds():
    return json_seeds(shared_examples_dir())


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_claim_loader_reads_or_refuses(claim_seeds, data):
    seed = data.draw(st.sampled_from(claim_seeds), label="claim example")
    broken = mutate_json(Draws(data), seed)
    try:
        loads(broken)
    except ClaimFormatError as exc:
        assert str(exc).strip()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_claim_that_loads_writes_or_is_refused_by_name(claim_seeds, data):
    """What ``medbill claims 837p`` does with a file: a claim the loader accepts becomes an
    837P or is refused with ``X12WriteError`` naming the claim and field."""
    seed = data.draw(st.sampled_from(claim_seeds), label="claim example")
    try:
        claims = loads(mutate_json(Draws(data), seed))
    except ClaimFormatError:
        return
    try:
        write_837p(claims, ENVELOPE, CONTROL, SUBMITTER, CREATED)
    except X12WriteError as exc:
        assert str(exc).strip()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300) | st.binary(max_size=300))
def test_claim_loader_refuses_any_text(text):
    with contextlib.suppress(ClaimFormatError):
        loads(text)


@settings(max_examples=200, deadline=None)
@given(
    value=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=20)
        | st.decimals(allow_nan=True, allow_infinity=True).map(str),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "charge",
                        "units",
                        "line",
                        "dx_pointers",
                        "lines",
                        "code",
                        "dob",
                        "name",
                        "patient",
                        "subscriber",
                        "billing_provider",
                        "payer",
                        "diagnoses",
                        "claim_id",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_claim_from_any_json_value(value):
    """``Claim`` documents built in Python (not parsed) are checked just as carefully."""
    with contextlib.suppress(ClaimFormatError):
        Claim.from_dict(value)
    with contextlib.suppress(ClaimFormatError):
        loads(json.dumps(value))
