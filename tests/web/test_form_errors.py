"""Service errors in words: field names as the office says them, placed by input."""

from __future__ import annotations

import pytest

from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import errors_by_input, field_label, in_words


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("lines[0].dx_pointers", "line 1, diagnosis pointers"),
        ("lines[2].dx_pointers[1]", "line 3, diagnosis pointer 2"),
        ("lines[0].charge", "line 1, charge"),
        ("diagnoses[3]", "diagnosis 4"),
        ("duration_minutes", "length of the appointment"),
        ("follow_up_at", "follow-up appointment"),
        ("lines[1].ndc_quantity", "line 2, NDC quantity"),
        ("some_new_field", "some new field"),
    ],
)
def test_field_names_in_words(field, words):
    assert field_label(field) == words


def test_the_whole_message_starts_with_the_field_in_words():
    exc = ServiceError("lines[0].charge", "no fee schedule price for this code; enter the charge")
    assert in_words(exc) == "Line 1, charge: no fee schedule price for this code; enter the charge"
    assert in_words(ServiceError("", "the visit is finished")) == "The visit is finished"


def test_an_error_goes_to_the_input_that_holds_its_field():
    exc = ServiceError("duration_minutes", "between 5 and 240 minutes")
    assert errors_by_input(exc, {"duration_minutes": "minutes"}) == {
        "minutes": "Between 5 and 240 minutes"
    }
    assert errors_by_input(exc, {"on": "on"}) == {
        "form": "Length of the appointment: between 5 and 240 minutes"
    }
