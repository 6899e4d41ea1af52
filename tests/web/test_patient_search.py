"""The header's patient search: name, date of birth, account number, member id, over the
practices the user works for."""

from __future__ import annotations

import pytest

from medbill.web.frontdesk.search import find_patients
from medbill.web.practice.models import Membership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "ortega",
        "Ortega, Mateo",
        "mat ort",
        "2019-06-30",
        "06/30/2019",
        "CVFP-0001",
        "cvfp-0001",
        "UHW5512093301",
        "uhw5512093301",
    ],
)
def test_it_finds_the_patient_by_any_of_the_desks_handles(world, text):
    found = list(find_patients(world.users["front_desk"], text))
    assert found == [world.a.patient], text


def test_nothing_for_a_near_miss_or_an_empty_box(world):
    user = world.users["front_desk"]
    assert list(find_patients(user, "Ortegaz")) == []
    assert list(find_patients(user, "2019-06-29")) == []
    assert list(find_patients(user, "   ")) == []


def test_only_the_users_practices(world):
    # practice B's Mateo Ortega (same name, same birth date) stays out of practice A's search
    assert list(find_patients(world.users["biller"], "ortega")) == [world.a.patient]
    assert list(find_patients(world.outsider, "ortega")) == [world.b.patient]
    assert list(find_patients(world.nobody, "ortega")) == []
    Membership.objects.create(user=world.users["biller"], practice=world.b.practice, role="biller")
    assert set(find_patients(world.users["biller"], "ortega")) == {world.a.patient, world.b.patient}


def test_the_page_opens_this_practices_patient_and_offers_the_switch_for_another(world, client_for):
    Membership.objects.create(user=world.users["biller"], practice=world.b.practice, role="biller")
    client = client_for(world.users["biller"])
    page = client.get("/search/patients/", {"q": "ortega"}).content.decode()
    assert f'<a href="/patients/{world.a.patient.pk}/">Ortega, Mateo</a>' in page
    assert f'name="next" value="/patients/{world.b.patient.pk}/"' in page
    assert f"Switch to {world.b.practice.name} and open" in page


def test_the_header_has_the_search_box_for_roles_that_see_patients(world, client_for):
    page = client_for(world.users["front_desk"]).get("/").content.decode()
    assert 'id="patient-search"' in page and 'aria-keyshortcuts="/"' in page
    nobody = client_for(world.nobody)
    assert nobody.get("/search/patients/?q=x").status_code == 200
    assert "Ortega" not in nobody.get("/search/patients/?q=ortega").content.decode()


def test_a_search_is_audited_per_practice_with_what_was_searched(world, client_for):
    from medbill.web.practice.models import AuditEvent

    Membership.objects.create(user=world.users["biller"], practice=world.b.practice, role="biller")
    client_for(world.users["biller"]).get("/search/patients/", {"q": "ortega"})
    events = AuditEvent.objects.filter(action="list", username="biller")
    assert {e.practice_id for e in events} == {world.a.practice.pk, world.b.practice.pk}
    assert all(e.detail["search"] == "ortega" for e in events)
