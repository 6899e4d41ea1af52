"""Search through the Alphabetic Index: trails, the neoplasm and drug tables, shorthand."""

from __future__ import annotations

from datetime import date

import pytest

from medbill.core.codesets._trail import index_candidates
from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.codesets.search import search
from shared_data import need_built

FY2025 = date(2025, 3, 1)


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    ensure_icd10cm()


@pytest.fixture(autouse=True)
def index_built() -> None:
    need_built("icd10cm-index")


def first(query: str, **kwargs):
    return index_candidates(query, dos=kwargs.pop("dos", FY2025), **kwargs)[0]


def test_trail_names_the_route_and_the_additional_code() -> None:
    found = first("T2DM w/ CKD3b")
    assert found.code == "E11.22"
    assert found.trail.startswith(
        "Diabetes, diabetic, type 2, with, chronic kidney disease → E11.22"
    )
    assert "use additional code to identify stage of chronic kidney disease (N18.1-N18.6)" in (
        found.trail
    )


def test_search_shows_the_trail_and_puts_the_index_code_first() -> None:
    hit = search("T2DM w/ CKD3b", dos=FY2025, limit=5)[0]
    assert hit.code == "E11.22"
    assert "chronic kidney disease" in hit.trail
    assert hit.to_json()["trail"] == hit.trail
    assert search("E11.22", dos=FY2025)[0].trail == ""  # a code look-up is not an Index route


def test_a_see_reference_leads_to_its_target_code() -> None:
    found = first("abdominalgia")
    assert found.code == "R10.9"
    assert "(see Pain, abdominal)" in found.trail


def test_neoplasm_site_and_behaviour_go_through_the_table() -> None:
    found = first("carcinoma of L kidney")
    assert found.code == "C64.2"
    assert found.trail.startswith(
        "Table of Neoplasms: Neoplasm, neoplastic, kidney, Malignant Primary → C64.- → C64.2"
    )
    assert first("benign neoplasm of ascending colon").code == "D12.2"
    assert first("liver mets").code == "C78.7"
    assert first("L breast ca, ER+").code == "C50.912"  # Index: Cancer, breast
    assert first("RUL NSCLC w/ mets to bone").code == "C34.11"  # the primary comes first


def test_drug_table_columns_decide_poisoning_adverse_effect_and_underdosing() -> None:
    assert first("adverse effect of lisinopril").code == "T46.4X5A"
    assert first("underdosing of lisinopril").code == "T46.4X6A"
    assert first("accidental overdose of acetaminophen").code == "T39.1X1A"
    assert "Table of Drugs and Chemicals: Lisinopril, Adverse effect" in (
        first("adverse effect of lisinopril").trail
    )


def test_context_is_not_matched_but_decides_the_code_where_it_should() -> None:
    assert search("T2DM on metformin, A1c 6.8", dos=FY2025, limit=3)[0].code == "E11.9"
    assert search("T2DM on metformin, A1c 9.6", dos=FY2025, limit=3)[0].code == "E11.65"
    assert search("HTN, on lisinopril 20 mg", dos=FY2025, limit=3)[0].code == "I10"


def test_codes_follow_the_tabular_of_the_date_of_service() -> None:
    assert first("multiple sclerosis").code == "G35"
    later = first("multiple sclerosis", dos=date(2025, 11, 1)).code
    assert later.startswith("G35") and later != "G35"


def test_suggest_can_ask_the_index_for_a_phrase() -> None:
    from medbill.core.suggest.index_route import index_candidates_for

    found = index_candidates_for("type 2 diabetes with diabetic nephropathy", dos=FY2025)
    assert found[0].code == "E11.21"
    assert all(c.missing == 0 for c in index_candidates_for("T2DM w/ CKD3b", named_fully=True))


def test_trail_notes_the_codes_own_additional_codes_not_a_blocks() -> None:
    # I10 sits under the block note on tobacco exposure ("if applicable" for every code there)
    assert first("essential hypertension").trail == "Hypertension, hypertensive → I10"
    # a note that lists its choices shows them all, not the first as if it were asked for
    assert first("type 2 diabetes").trail.endswith(
        "use additional code to identify control using: Z79.85, Z79.4, Z79.84"
    )


def test_a_side_the_index_does_not_name_is_finished_in_the_tabular() -> None:
    # Cancer, ovarian -> C56.9 (unspecified ovary): the right ovary is its sibling C56.1
    found = first("R ovarian ca")
    assert found.code == "C56.1"
    assert found.coverage == 1.0
    assert first("cellulitis R hand").code == "L03.113"
    # a code of another level is not a sibling: M10.9 (gout, unspecified) does not become
    # M10.011 (idiopathic gout, right shoulder) for the side alone
    assert first("gout R great toe").code != "M10.011"
    assert search("R ovarian ca", dos=FY2025, limit=1)[0].code == "C56.1"


def test_the_tabular_title_finishes_what_the_index_leaves_open() -> None:
    # Pre-eclampsia -> O14.9-: the trimester is the Tabular's, and the route says it all
    found = first("preeclampsia, 3rd tri")
    assert (found.code, found.coverage) == ("O14.93", 1.0)
    assert search("preeclampsia, 3rd tri", dos=FY2025, limit=1)[0].code == "O14.93"
    assert search("AOM bilat", dos=FY2025, limit=1)[0].code == "H66.93"
    assert search("cellulitis R hand", dos=FY2025, limit=1)[0].code == "L03.113"
    assert search("RLL pneumonia", dos=FY2025, limit=1)[0].code == "J18.9"


def test_a_fracture_goes_through_fracture_traumatic() -> None:
    assert first("closed fx R 5th metatarsal").code == "S92.351A"
    assert first("fx distal right radius").trail.startswith(
        "Fracture, traumatic, radius, lower end"
    )
