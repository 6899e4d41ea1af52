"""Shared fixtures of the web tests: two practices of different organizations, users of
every role at practice A, a user who only works for practice B and one with no access.

``world`` gives each practice a location, provider, payer, fee schedule, a patient with
primary and secondary coverage, a checked-out visit with codes and a claim with one line.
Use ``client_for(user)`` for a signed-in test client and ``api_client_for(user)`` for an
API client authenticated by a bearer token.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from medbill.core.roles import ROLES
from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.frontdesk.models import Coverage, Patient, Visit
from medbill.web.practice.models import (
    ApiToken,
    FeeSchedule,
    FeeScheduleEntry,
    Location,
    Membership,
    Organization,
    Payer,
    Practice,
    Provider,
)

PASSWORD = "a-long-test-password-9"


@dataclass
class Site:
    """One practice and the rows the tests use."""

    practice: Practice
    location: Location
    provider: Provider
    payer: Payer
    secondary_payer: Payer
    patient: Patient
    coverage: Coverage
    secondary: Coverage
    visit: Visit
    claim: Claim


def _practice(code: str, org_name: str, zip9: str) -> Practice:
    org = Organization.objects.create(name=org_name)
    return Practice.objects.create(
        organization=org,
        name=f"{org_name} Clinic",
        short_code=code,
        legal_name=f"{org_name} Clinic LLC",
        tin="391847265",
        group_npi="1746502933",
        taxonomy="207Q00000X",
        billing_line1="2400 University Ave",
        billing_line2="Suite 110",
        billing_city="Madison",
        billing_state="WI",
        billing_zip=zip9,
        # Tests sign in with force_login; the two-factor tests turn this back on.
        mfa_required=False,
    )


def build_site(code: str, org_name: str) -> Site:
    practice = _practice(code, org_name, "537051212")
    location = Location.objects.create(
        practice=practice,
        name="Main office",
        place_of_service="11",
        line1="2400 University Ave",
        line2="Suite 110",
        city="Madison",
        state="WI",
        zip="537051212",
    )
    provider = Provider.objects.create(
        practice=practice,
        last_name="Whitaker",
        first_name="Joan",
        credentials="MD",
        npi="1283746505",
        taxonomy="207Q00000X",
    )
    org = practice.organization
    payer = Payer.objects.create(
        organization=org,
        name="Lakeland Commercial Insurance",
        payer_id="LCI220",
        payer_type="commercial",
        claim_filing_indicator="CI",
    )
    medicaid = Payer.objects.create(
        organization=org,
        name="Wisconsin Medicaid",
        payer_id="WIMCD",
        payer_type="medicaid",
        claim_filing_indicator="MC",
    )
    schedule = FeeSchedule.objects.create(
        practice=practice, name="Standard", effective_from=datetime.date(2020, 1, 1)
    )
    for cpt, text, price in (
        ("99213", "Office visit, established, low complexity", "130.00"),
        ("87880", "Rapid strep test", "32.00"),
        ("36415", "Blood draw from a vein", "18.00"),
    ):
        FeeScheduleEntry.objects.create(
            practice=practice,
            fee_schedule=schedule,
            code=cpt,
            description=text,
            price=Decimal(price),
            effective_from=datetime.date(2020, 1, 1),
        )
    patient = Patient.objects.create(
        practice=practice,
        account_number=f"{code}-0001",
        last_name="Ortega",
        first_name="Mateo",
        date_of_birth=datetime.date(2019, 6, 30),
        sex="M",
        line1="905 Williamson St",
        city="Madison",
        state="WI",
        zip="537031418",
    )
    coverage = Coverage.objects.create(
        practice=practice,
        patient=patient,
        payer=payer,
        order="primary",
        member_id="UHW5512093301",
        group_number="7741023",
        relationship_to_subscriber="child",
        subscriber_last_name="Ortega",
        subscriber_first_name="Lucia",
        subscriber_date_of_birth=datetime.date(1988, 2, 11),
        subscriber_sex="F",
        subscriber_line1="905 Williamson St",
        subscriber_city="Madison",
        subscriber_state="WI",
        subscriber_zip="537031418",
    )
    secondary = Coverage.objects.create(
        practice=practice,
        patient=patient,
        payer=medicaid,
        order="secondary",
        member_id="WI00918273",
        relationship_to_subscriber="self",
    )
    when = timezone.make_aware(datetime.datetime(2026, 3, 3, 10, 30))
    visit = Visit.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        scheduled_at=when,
        status=Visit.Status.CHECKED_OUT,
        reason="Sore throat",
    )
    Diagnosis.objects.create(practice=practice, visit=visit, code="J020", position=1)
    ServiceLine.objects.create(
        practice=practice,
        visit=visit,
        position=1,
        code="99213",
        charge=Decimal("130.00"),
        dx_pointers=[1],
    )
    claim = Claim.objects.create(
        practice=practice,
        visit=visit,
        patient=patient,
        coverage=coverage,
        payer=payer,
        patient_control_number=f"{code}-000102",
        diagnoses=["J020"],
    )
    ClaimLine.objects.create(
        practice=practice,
        claim=claim,
        line_number=1,
        code="99213",
        charge=Decimal("130.00"),
        dx_pointers=[1],
        date_of_service=visit.date_of_service,
    )
    return Site(
        practice, location, provider, payer, medicaid, patient, coverage, secondary, visit, claim
    )


@dataclass
class World:
    a: Site
    b: Site
    users: dict[str, User]  # role -> user with that role at practice A
    outsider: User  # works for practice B only
    nobody: User  # no membership at all


@pytest.fixture
def world(db: Any) -> World:
    a = build_site("CVFP", "Cedar Valley")
    b = build_site("LKCD", "Lakeshore")
    users = {}
    for role in ROLES:
        user = User.objects.create_user(role, password=PASSWORD, first_name=role.title())
        Membership.objects.create(user=user, practice=a.practice, role=role)
        users[role] = user
    outsider = User.objects.create_user("outsider", password=PASSWORD)
    Membership.objects.create(user=outsider, practice=b.practice, role="manager")
    nobody = User.objects.create_user("nobody", password=PASSWORD)
    return World(a, b, users, outsider, nobody)


@pytest.fixture
def client_for() -> Any:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for() -> Any:
    def make(user: User) -> Client:
        _, key = ApiToken.issue(user, "tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make
