"""Documented services to CPT/HCPCS codes, vaccines with administration, J-code units."""

from __future__ import annotations

from medbill.core.suggest import suggest_services


def found(text: str, fee_schedule=None) -> dict[str, int]:
    procedures, _notes = suggest_services(text, fee_schedule)
    return {p.code: p.units for p in procedures}


def test_tests_in_the_office() -> None:
    codes = found(
        "ECG obtained: normal sinus rhythm. Urinalysis by dipstick. Venipuncture for CMP."
    )
    assert {"93000", "81003", "36415"} <= set(codes)


def test_vaccine_with_its_administration_code() -> None:
    codes = found("Influenza vaccine given in the left deltoid.")
    assert codes == {"90686": 1, "90471": 1}
    two = found("Flu shot given. Tdap given.")
    assert two["90471"] == 1
    assert two["90472"] == 1
    medicare = found("Medicare patient. Flu shot given.")
    assert "G0008" in medicare
    assert "90471" not in medicare


def test_declined_vaccine_is_not_billed() -> None:
    assert found("Flu vaccine offered, patient declined.") == {}


def test_injection_units_from_the_dose() -> None:
    codes = found("Ceftriaxone 1 g IM given.")
    assert codes["J0696"] == 4
    assert codes["96372"] == 1
    assert found("Ketorolac 60 mg IM.")["J1885"] == 4
    assert found("Ketorolac 30 mg IM.")["J1885"] == 2
    assert found("Vitamin B12 1000 mcg IM.")["J3420"] == 1


def test_injection_without_a_dose_is_flagged() -> None:
    procedures, notes = suggest_services("Toradol IM given.")
    assert not any(p.code == "J1885" for p in procedures)
    assert any("J1885" in n and "dose" in n for n in notes)


def test_evidence_offsets() -> None:
    text = "Plan: ECG today."
    procedures, _ = suggest_services(text)
    ev = procedures[0].evidence[0]
    assert text[ev.start : ev.end] == "ECG" == ev.text


def test_fee_schedule_limits_and_names_services() -> None:
    schedule = [("93000", "Electrocardiogram, office")]
    procedures, notes = suggest_services("ECG done. Urinalysis done.", schedule)
    assert [p.code for p in procedures] == ["93000"]
    assert procedures[0].description == "Electrocardiogram, office"
    assert any("81003" in n for n in notes)
