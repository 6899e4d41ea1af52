"""A user of practice A never reaches practice B's rows: 404 in the web app and the API."""

from __future__ import annotations

import pytest
from django.http import Http404

from medbill.core.roles import ROLES
from medbill.web.billing.models import Claim, Entry
from medbill.web.frontdesk.models import Patient, Visit
from medbill.web.practice.models import AuditEvent, Payer
from medbill.web.practice.tenancy import get_scoped_or_404, practices_for, role_in, scoped

pytestmark = pytest.mark.django_db


def _b_urls(world):
    b = world.b
    return [f"/patients/{b.patient.pk}/", f"/visits/{b.visit.pk}/", f"/claims/{b.claim.pk}/"]


def _b_action_urls(world):
    b = world.b
    return [f"/visits/{b.visit.pk}/codes/", f"/patients/{b.patient.pk}/payments/new/"]


def _b_api_urls(world):
    b = world.b
    return [
        f"/api/patients/{b.patient.pk}",
        f"/api/visits/{b.visit.pk}",
        f"/api/claims/{b.claim.pk}",
        f"/api/claims/{b.claim.pk}/document",
        f"/api/ledger/patients/{b.patient.pk}",
    ]


class TestWebApp:
    @pytest.mark.parametrize("role", ROLES)
    def test_other_practices_records_are_not_found(self, world, client_for, role):
        client = client_for(world.users[role])
        for url in _b_urls(world):
            assert client.get(url).status_code == 404, url
        # Pages for acting on a record: the role check may answer first (403), never 200.
        for url in _b_action_urls(world):
            assert client.get(url).status_code in (403, 404), url

    def test_own_practices_records_are_found(self, world, client_for):
        client = client_for(world.users["manager"])
        a = world.a
        for url in (
            f"/patients/{a.patient.pk}/",
            f"/visits/{a.visit.pk}/",
            f"/claims/{a.claim.pk}/",
        ):
            assert client.get(url).status_code == 200, url

    def test_lists_show_only_own_practice(self, world, client_for):
        client = client_for(world.users["manager"])
        patients = client.get("/patients/").content.decode()
        assert world.a.patient.account_number in patients
        assert world.b.patient.account_number not in patients
        claims = client.get("/claims/").content.decode()
        assert world.a.claim.patient_control_number in claims
        assert world.b.claim.patient_control_number not in claims

    def test_posting_to_other_practices_patient_is_not_found(self, world, client_for):
        client = client_for(world.users["biller"])
        response = client.post(
            f"/patients/{world.b.patient.pk}/payments/new/", {"amount": "10.00", "method": "cash"}
        )
        assert response.status_code == 404
        assert not Entry.objects.filter(patient=world.b.patient).exists()

    def test_user_without_practice_is_refused(self, world, client_for):
        client = client_for(world.nobody)
        assert client.get(f"/patients/{world.a.patient.pk}/").status_code == 403
        assert client.get("/").status_code == 403


class TestApi:
    @pytest.mark.parametrize("role", ROLES)
    def test_other_practices_records_are_not_found(self, world, api_client_for, role):
        client = api_client_for(world.users[role])
        for url in _b_api_urls(world):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response.json() == {"error": "not found"}

    def test_session_auth_is_scoped_too(self, world, client_for):
        client = client_for(world.users["manager"])
        assert client.get(f"/api/patients/{world.b.patient.pk}").status_code == 404
        assert client.get(f"/api/patients/{world.a.patient.pk}").status_code == 200

    def test_lists_show_only_own_practice(self, world, api_client_for):
        client = api_client_for(world.users["manager"])
        ids = {p["id"] for p in client.get("/api/patients").json()}
        assert ids == {world.a.patient.pk}
        ids = {c["id"] for c in client.get("/api/claims").json()}
        assert ids == {world.a.claim.pk}
        ids = {v["id"] for v in client.get("/api/visits").json()}
        assert ids == {world.a.visit.pk}

    def test_changes_to_other_practices_rows_are_not_found(self, world, api_client_for):
        client = api_client_for(world.users["admin"])
        response = client.put(
            f"/api/visits/{world.b.visit.pk}/codes",
            {"diagnoses": ["J020"], "lines": []},
            content_type="application/json",
        )
        assert response.status_code == 404
        response = client.post(
            "/api/ledger/payments",
            {"patient_id": world.b.patient.pk, "amount": "5.00"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert not Entry.objects.filter(patient=world.b.patient).exists()


class TestScopeFunctions:
    def test_scoped_querysets(self, world):
        user = world.users["coder"]
        assert list(Patient.objects.for_user(user)) == [world.a.patient]
        assert list(scoped(Visit, user)) == [world.a.visit]
        assert list(scoped(Claim.objects.all(), user)) == [world.a.claim]
        assert not Patient.objects.for_user(world.nobody).exists()
        assert not Patient.objects.for_user(user, world.b.practice).exists()

    def test_scope_by_action(self, world):
        assert not scoped(Patient, world.users["coder"], action="post_payment").exists()
        assert list(scoped(Patient, world.users["biller"], action="post_payment")) == [
            world.a.patient
        ]
        assert not Claim.objects.for_user(world.users["manager"], action="manage_users").exists()

    def test_get_scoped_or_404(self, world):
        user = world.users["coder"]
        assert get_scoped_or_404(Patient, user, pk=world.a.patient.pk) == world.a.patient
        with pytest.raises(Http404):
            get_scoped_or_404(Patient, user, pk=world.b.patient.pk)
        with pytest.raises(Http404):
            get_scoped_or_404(Patient, user, pk="not-a-number")

    def test_payers_are_scoped_by_organization(self, world):
        names = set(Payer.objects.for_user(world.users["biller"]).values_list("pk", flat=True))
        assert names == {world.a.payer.pk, world.a.secondary_payer.pk}

    def test_payers_of_a_practice_by_row_or_id(self, world):
        # Every practice-owned queryset takes a practice or its id; payers too.
        a = world.a.practice
        by_row = set(Payer.objects.for_practice(a).values_list("pk", flat=True))
        by_id = set(Payer.objects.for_practice(a.pk).values_list("pk", flat=True))
        assert by_row == by_id == {world.a.payer.pk, world.a.secondary_payer.pk}

    def test_audit_events_are_scoped(self, world):
        events = AuditEvent.objects.for_user(world.users["auditor"])
        assert events.exists()
        assert set(events.values_list("practice_id", flat=True)) == {world.a.practice.pk}

    def test_roles_and_practices(self, world):
        assert role_in(world.users["coder"], world.a.practice) == "coder"
        assert role_in(world.users["coder"], world.b.practice) is None
        assert list(practices_for(world.outsider)) == [world.b.practice]

    def test_inactive_practice_hides_everything(self, world):
        world.a.practice.active = False
        world.a.practice.save()
        assert not Patient.objects.for_user(world.users["admin"]).exists()

    def test_unscopable_model_is_an_error(self, world):
        from django.contrib.auth.models import User

        with pytest.raises(TypeError):
            scoped(User, world.users["admin"])
