"""Root causes of denials from their reason and remark codes."""

from __future__ import annotations

from medbill.core.denial_causes import CATEGORIES, category_for, root_cause


def test_reason_codes_name_the_step_that_let_the_denial_through() -> None:
    assert root_cause(["197"]) == "authorization"
    assert root_cause(["27"]) == "eligibility"
    assert root_cause(["29"]) == "timely_filing"
    assert root_cause(["18"]) == "duplicate"
    assert root_cause(["97"]) == "coding"
    assert root_cause(["50"]) == "medical_necessity"
    assert root_cause(["45", "197"]) == "authorization"  # the first decisive code wins


def test_a_broad_reason_is_decided_by_its_remarks() -> None:
    assert root_cause(["16"], ["N382"]) == "registration"
    assert root_cause(["16"], ["M76"]) == "coding"
    assert root_cause(["16"]) == "other"
    assert root_cause([]) == "other"


def test_every_category_says_who_fixes_it_and_how() -> None:
    for category in CATEGORIES.values():
        assert category.label and category.stage and category.prevention
    assert category_for("no such thing").key == "other"
