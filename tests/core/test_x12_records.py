"""The readers' fast paths: record_builder makes the same records, and reading from
element lists gives what reading through Segment objects gives."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from medbill.core.claim import ServiceLine
from medbill.core.money import Money
from medbill.core.x12 import X12ParseError, m835, read_837p
from medbill.core.x12 import _m837p_read as m837p_read
from medbill.core.x12._records import record_builder
from medbill.core.x12._remittance import Adjustment, ClaimPayment
from medbill.core.x12.m835 import read_835, write_835
from remittances import sample
from shared_data import shared_path


def test_builder_makes_an_equal_frozen_record_with_the_same_defaults():
    build = record_builder(ServiceLine)
    made = build(line=2, code="99213", charge=Money("85.00"), modifiers=("25",))
    expected = ServiceLine(line=2, code="99213", charge=Money("85.00"), modifiers=("25",))
    assert made == expected and repr(made) == repr(expected) and hash(made) == hash(expected)
    assert made.units == Decimal(1) and made.unit_basis == "UN"
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.code = "99214"  # type: ignore[misc]
    assert dataclasses.replace(made, line=3).line == 3


def test_builder_takes_fields_by_position_in_field_order():
    build = record_builder(Adjustment)
    assert build("CO", "45", Money("12.50"), None, 7) == Adjustment(
        "CO", "45", Money("12.50"), None, 7
    )
    with pytest.raises(TypeError):
        build("CO")  # the fields without defaults are required, as in __init__


def test_builder_calls_default_factories_and_refuses_checked_records():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Basket:
        name: str
        items: list = dataclasses.field(default_factory=list)

    first, second = record_builder(Basket)("a"), record_builder(Basket)("b")
    assert first.items == [] and first.items is not second.items

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError, match="__post_init__"):
        record_builder(Checked)


def _x12_files(folder):
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix not in (".csv", ".md"))


def test_835_files_read_from_element_lists_as_through_segments(monkeypatch):
    data = [write_835([sample(), sample(control_number="0002", trace_number="CHK10002")])]
    data += [p.read_bytes() for p in _x12_files(shared_path("x12/835"))]
    fast = [read_835(d) for d in data]
    # Without the plain path every set goes through read_interchanges and Segment objects.
    monkeypatch.setattr(m835, "_read_plain", lambda text: None)
    assert [read_835(d) for d in data] == fast
    assert any(isinstance(c, ClaimPayment) for r in fast[0] for c in r.claims)


def test_837p_files_read_from_element_lists_as_through_segments(monkeypatch):
    data = [p.read_bytes() for p in _x12_files(shared_path("x12/837p"))]

    def read_all():
        out = []
        for d in data:
            try:
                out.append(read_837p(d))
            except X12ParseError as err:
                out.append(str(err))
        return out

    fast = read_all()
    monkeypatch.setattr(m837p_read, "_read_plain", lambda rows, d, out: False)
    assert read_all() == fast
    assert any(isinstance(claims, list) and claims for claims in fast)
