"""Drug lines from the database: a J-code with its NDC, quantity and unit travels from the
coder's screen to the claim, the 837P (LIN/CTP) and the CMS-1500 shaded line."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from medbill.core.forms.readback import grid_text
from medbill.core.x12 import check_claim, iter_segments
from medbill.web.billing.documents import claim_document
from medbill.web.claims_out.documents import claim_documents
from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.claims_out.services import build_claims, correct_claim, submit_claims
from medbill.web.coding.models import ServiceLine
from medbill.web.coding.services import set_visit_codes
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.errors import ServiceError
from shared_data import need_built
from x12_pyx12 import pyx12_errors

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 9, 14, 5))
DRUG_LINES = [
    {"code": "99213", "modifiers": ["25"], "dx_pointers": [1], "charge": "130.00"},
    {"code": "96372", "dx_pointers": [1], "charge": "28.00"},
    {
        "code": "J1885",
        "dx_pointers": [1],
        "units": "2",
        "charge": "18.40",
        "ndc": "00409-3795-01",
        "ndc_quantity": "1.5",
        "ndc_unit": "ml",
    },
]


def checked_out_visit(site):
    return Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        status=Visit.Status.CHECKED_OUT,
        scheduled_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 0)),
    )


def drug_claim(world):
    a = world.a
    visit = checked_out_visit(a)
    set_visit_codes(world.users["coder"], visit, ["M5450"], DRUG_LINES)
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.CODED)
    (claim,) = build_claims(world.users["biller"], a.practice, [visit.pk]).created
    return claim


def test_the_coder_enters_the_drug_and_the_claim_copies_it(world):
    claim = drug_claim(world)
    line = claim.lines.get(line_number=3)
    assert (line.ndc, line.ndc_quantity, line.ndc_unit) == ("00409379501", Decimal("1.5"), "ML")
    assert line.unit_basis == "UN"
    (drug,) = [ln for ln in claim_document(claim).lines if ln.code == "J1885"]
    assert (drug.ndc, drug.ndc_quantity, drug.ndc_unit) == ("00409379501", Decimal("1.5"), "ML")


def test_the_837p_from_the_database_carries_lin_and_ctp_and_validates(world, tmp_path):
    need_built("mue")  # 96372 is not in the fee schedule: the MUE table makes it a known CPT code
    claim = drug_claim(world)
    document = claim_document(claim)
    check_claim(document)  # refused before the drug quantity reached the claim
    assert claim_documents([claim]) == [document]
    ClearinghouseConnection.objects.create(
        practice=world.a.practice,
        name="prairie",
        settings={
            "sender_id": "CVFP01",
            "receiver_id": "PRAIRIE",
            "submitter_name": "Cedar Valley",
            "contact_name": "Billing Office",
            "contact_phone": "6085550142",
            "receiver_name": "Prairie Clearinghouse",
            "usage": "T",
            "transport": "folder",
            "folder": str(tmp_path),
        },
    )
    claim.status = "scrubbed"
    claim.save()
    (sub,) = submit_claims(world.users["biller"], world.a.practice, [claim], "prairie", now=NOW)
    data = (tmp_path / sub.file_name).read_bytes()
    assert pyx12_errors(data) == []
    segments = [s.elements for s in iter_segments(data)]
    ids = [s[0] for s in segments]
    lin = segments[ids.index("LIN")]
    ctp = segments[ids.index("CTP")]
    assert lin[2:4] == ["N4", "00409379501"]
    assert ctp[4] == "1.5" and ctp[5] == "ML"
    # the LIN follows the J-code's SV1, not another line's
    sv1 = [s for s in segments[: ids.index("LIN")] if s[0] == "SV1"][-1]
    assert "J1885" in sv1[1]


def test_cms1500_prints_the_ndc_on_the_shaded_line(world, client_for):
    claim = drug_claim(world)
    response = client_for(world.users["biller"]).get(f"/claims/{claim.pk}/cms1500.pdf")
    grid = grid_text(response.content)
    assert grid[(1, 48, 25)] == "J1885"  # item 24D, line 3
    assert grid[(1, 47, 1)] == "N400409379501 ML1.5"  # its shaded line
    assert (1, 43, 1) not in grid  # line 1 is no drug


def test_a_corrected_claim_keeps_the_drug(world):
    claim = drug_claim(world)
    claim.status, claim.payer_claim_number = "denied", "PAY-778812"
    claim.save()
    new = correct_claim(world.users["biller"], claim, "7")
    line = new.lines.get(line_number=3)
    assert (line.ndc, line.ndc_quantity, line.ndc_unit) == ("00409379501", Decimal("1.5"), "ML")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ndc": "0409-3795-1"}, "lines[2].ndc"),
        ({"ndc_quantity": ""}, "lines[2].ndc_quantity"),
        ({"ndc_quantity": "0"}, "lines[2].ndc_quantity"),
        ({"ndc_quantity": "1.2345"}, "lines[2].ndc_quantity"),
        ({"ndc_unit": "KG"}, "lines[2].ndc_unit"),
        ({"unit_basis": "XX"}, "lines[2].unit_basis"),
    ],
)
def test_bad_drug_details_name_the_field(world, change, field):
    lines = [*DRUG_LINES[:2], {**DRUG_LINES[2], **change}]
    with pytest.raises(ServiceError) as caught:
        set_visit_codes(world.users["coder"], checked_out_visit(world.a), ["M5450"], lines)
    assert caught.value.field == field


def test_a_screen_without_drug_inputs_keeps_the_stored_drug(world):
    visit = checked_out_visit(world.a)
    coder = world.users["coder"]
    set_visit_codes(coder, visit, ["M5450"], DRUG_LINES)
    without = [{k: v for k, v in line.items() if not k.startswith("ndc")} for line in DRUG_LINES]
    set_visit_codes(coder, visit, ["M5450"], without)
    assert ServiceLine.objects.get(visit=visit, position=3).ndc == "00409379501"
    set_visit_codes(coder, visit, ["M5450"], [*without[:2], {**without[2], "ndc": ""}])
    line = ServiceLine.objects.get(visit=visit, position=3)
    assert (line.ndc, line.ndc_quantity, line.ndc_unit) == ("", None, "")


def test_the_coding_screen_takes_the_drug_and_anesthesia_minutes(world, client_for):
    import json

    visit = checked_out_visit(world.a)
    client = client_for(world.users["coder"])
    body = {
        "diagnoses": [{"code": "M5450"}],
        "lines": [
            {
                "code": "J1885",
                "units": "2",
                "charge": "18.40",
                "dx_pointers": ["1"],
                "ndc": "00409-3795-01",
                "ndc_quantity": "1.5",
                "ndc_unit": "ML",
                "unit_basis": "UN",
            },
            {
                "code": "00400",
                "units": "45",
                "charge": "300.00",
                "dx_pointers": ["1"],
                "unit_basis": "MJ",
            },
        ],
    }
    response = client.post(
        f"/coding/visits/{visit.pk}/save.json", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content.decode()[:500]
    drug, minutes = ServiceLine.objects.filter(visit=visit).order_by("position")
    assert (drug.ndc, drug.ndc_quantity, drug.ndc_unit) == ("00409379501", Decimal("1.5"), "ML")
    assert (minutes.unit_basis, minutes.units) == ("MJ", Decimal(45))
    page = client.get(f"/coding/visits/{visit.pk}/").content.decode()
    saved = json.loads(
        page.split('id="saved-codes" type="application/json">')[1].split("</script>")[0]
    )
    assert {k: saved["lines"][0][k] for k in ("ndc", "ndc_quantity", "ndc_unit")} == {
        "ndc": "00409-3795-01",
        "ndc_quantity": "1.5",
        "ndc_unit": "ML",
    }
    assert saved["lines"][1]["unit_basis"] == "MJ"


def test_the_api_takes_and_shows_the_drug(world, api_client_for):
    visit = checked_out_visit(world.a)
    client = api_client_for(world.users["coder"])
    url = f"/api/visits/{visit.pk}/codes"
    response = client.put(
        url, {"diagnoses": ["M5450"], "lines": DRUG_LINES}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    drug = response.json()["service_lines"][2]
    assert (drug["ndc"], drug["ndc_quantity"], drug["ndc_unit"], drug["unit_basis"]) == (
        "00409379501",
        "1.5",
        "ML",
        "UN",
    )
    bad = client.put(
        url,
        {"diagnoses": ["M5450"], "lines": [{**DRUG_LINES[2], "ndc_unit": ""}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "lines[0].ndc_unit" in bad.json()["error"]
