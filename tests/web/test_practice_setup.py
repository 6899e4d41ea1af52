"""Master data pages (/setup/): who may use them, errors in words beside the field, audit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.frontdesk.desk_models import PayerEndpoint
from medbill.web.practice.models import (
    AuditEvent,
    FeeSchedule,
    Membership,
    Payer,
    Provider,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "/setup/",
    "/setup/providers/",
    "/setup/providers/new/",
    "/setup/locations/",
    "/setup/payers/",
    "/setup/endpoints/new/",
    "/setup/fee-schedules/",
    "/setup/connections/",
    "/setup/connections/new/",
]


def _events(model: str, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=model, action=action))


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_administrators_open_every_page(world, client_for, role):
    client = client_for(world.users[role])
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["front_desk", "coder", "biller", "auditor"])
def test_other_roles_are_refused(world, client_for, role):
    client = client_for(world.users[role])
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert b"Practice setup" not in client.get("/").content


def test_signed_out_visitors_go_to_the_sign_in_page(world, client):
    page = client.get("/setup/providers/")
    assert page.status_code == 302 and "/login/" in page["Location"]


def test_the_menu_offers_setup_to_a_manager(world, client_for):
    assert b'href="/setup/"' in client_for(world.users["manager"]).get("/").content


def test_a_provider_with_a_bad_npi_and_taxonomy_is_refused_beside_the_fields(world, client_for):
    client = client_for(world.users["manager"])
    page = client.post(
        "/setup/providers/new/",
        {
            "last_name": "Okafor",
            "first_name": "Ada",
            "npi": "1234567890",
            "taxonomy": "1234567890",
            "active": "on",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_npi-error">This NPI fails its check digit' in html
    assert 'id="id_taxonomy-error">A taxonomy code is 10 characters' in html
    assert not Provider.objects.filter(last_name="Okafor").exists()
    assert "npi:" not in html and "taxonomy:" not in html  # words, not field names


def test_a_new_provider_is_saved_and_audited(world, client_for):
    client = client_for(world.users["manager"])
    page = client.post(
        "/setup/providers/new/",
        {
            "last_name": "Okafor",
            "first_name": "Ada",
            "credentials": "NP",
            "npi": "1234567893",
            "taxonomy": "363lf0000x",
            "active": "on",
        },
    )
    assert page.status_code == 302
    provider = Provider.objects.get(last_name="Okafor")
    assert provider.practice == world.a.practice and provider.taxonomy == "363LF0000X"
    (event,) = [
        e for e in _events("practice.Provider", "create") if e.object_id == str(provider.pk)
    ]
    assert event.username == "manager" and event.changes["npi"]["after"] == "1234567893"


def test_editing_a_provider_records_before_and_after(world, client_for):
    client = client_for(world.users["manager"])
    p = world.a.provider
    page = client.post(
        f"/setup/providers/{p.pk}/",
        {
            "last_name": p.last_name,
            "first_name": p.first_name,
            "credentials": "DO",
            "npi": p.npi,
            "taxonomy": p.taxonomy,
            "active": "on",
        },
    )
    assert page.status_code == 302
    (event,) = _events("practice.Provider", "update")
    assert event.changes["credentials"] == {"before": "MD", "after": "DO"}


def test_another_practices_rows_are_not_found(world, client_for):
    client = client_for(world.users["manager"])
    assert client.get(f"/setup/providers/{world.b.provider.pk}/").status_code == 404
    assert client.get(f"/setup/payers/{world.b.payer.pk}/").status_code == 404
    schedule = FeeSchedule.objects.get(practice=world.b.practice)
    assert client.get(f"/setup/fee-schedules/{schedule.pk}/entries/").status_code == 404
    assert client.get("/setup/nothing/").status_code == 404


def test_a_location_with_a_bad_place_of_service_is_refused(world, client_for):
    page = client_for(world.users["manager"]).post(
        "/setup/locations/new/", {"name": "Annex", "place_of_service": "1A", "zip": "1234"}
    )
    html = page.content.decode()
    assert "A place of service code is two digits" in html
    assert "ZIP code: 5 or 9 digits" in html


def test_a_payer_belongs_to_the_organization(world, client_for):
    client = client_for(world.users["manager"])
    page = client.post(
        "/setup/payers/new/",
        {
            "name": "Prairie Health",
            "payer_id": "PRH01",
            "payer_type": "commercial",
            "claim_filing_indicator": "CI",
            "active": "on",
        },
    )
    assert page.status_code == 302
    payer = Payer.objects.get(payer_id="PRH01")
    assert payer.organization == world.a.practice.organization
    duplicate = client.post(
        "/setup/payers/new/",
        {
            "name": "Prairie again",
            "payer_id": "PRH01",
            "payer_type": "commercial",
            "claim_filing_indicator": "CI",
        },
    )
    assert duplicate.status_code == 200
    assert Payer.objects.filter(payer_id="PRH01").count() == 1


def test_an_endpoint_password_is_never_shown_and_kept_when_left_empty(world, client_for):
    client = client_for(world.users["manager"])
    data = {
        "payer": world.a.payer.pk,
        "url": "https://payer.example/core",
        "sender_id": "CVFP",
        "receiver_id": "LCI220",
        "username": "cvfp",
        "password": "s3cret-pass-word",
        "envelope": "soap",
        "timeout_seconds": "10",
        "usage": "P",
        "active": "on",
    }
    assert client.post("/setup/endpoints/new/", data).status_code == 302
    endpoint = PayerEndpoint.objects.get(practice=world.a.practice)
    page = client.get(f"/setup/endpoints/{endpoint.pk}/")
    assert b"s3cret-pass-word" not in page.content
    data["password"], data["timeout_seconds"] = "", "12"
    assert client.post(f"/setup/endpoints/{endpoint.pk}/", data).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.password == "s3cret-pass-word" and endpoint.timeout_seconds == Decimal(12)
    trail = AuditEvent.objects.filter(object_type="frontdesk.PayerEndpoint")
    assert trail.count() == 2
    assert all("s3cret" not in str(e.changes) for e in trail)


def test_an_endpoint_cannot_use_another_organizations_payer(world, client_for):
    page = client_for(world.users["manager"]).post(
        "/setup/endpoints/new/",
        {
            "payer": world.b.payer.pk,
            "url": "https://payer.example/core",
            "sender_id": "A",
            "receiver_id": "B",
            "envelope": "soap",
            "timeout_seconds": "10",
            "usage": "P",
        },
    )
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert not PayerEndpoint.objects.exists()


# -- fee schedules ----------------------------------------------------------------------------


def _schedule(world) -> FeeSchedule:
    return FeeSchedule.objects.get(practice=world.a.practice)


def test_editing_a_price_is_audited_with_the_old_and_new_price(world, client_for):
    client = client_for(world.users["manager"])
    schedule = _schedule(world)
    entry = schedule.entries.get(code="99213")
    page = client.post(
        f"/setup/fee-schedules/{schedule.pk}/entries/{entry.pk}/",
        {
            "code": "99213",
            "modifier": "",
            "description": "Office visit, established, low",
            "price": "135.50",
            "effective_from": "2020-01-01",
            "effective_to": "",
        },
    )
    assert page.status_code == 302
    entry.refresh_from_db()
    assert entry.price == Decimal("135.50")
    (event,) = _events("practice.FeeScheduleEntry", "update")
    assert event.changes["price"] == {"before": "130.00", "after": "135.50"}
    listing = client.get(f"/setup/fee-schedules/{schedule.pk}/entries/").content.decode()
    assert "$135.50" in listing


def test_a_price_errors_are_in_words(world, client_for):
    client = client_for(world.users["manager"])
    schedule = _schedule(world)
    page = client.post(
        f"/setup/fee-schedules/{schedule.pk}/entries/new/",
        {
            "code": "9921",
            "modifier": "2",
            "description": "x",
            "price": "-5",
            "effective_from": "2026-02-01",
            "effective_to": "2026-01-01",
        },
    )
    html = page.content.decode()
    assert "Not a CPT or HCPCS code" in html
    assert "A modifier is two letters or digits" in html
    assert "A price cannot be negative" in html
    assert "The last day cannot be before the first day" in html
    clash = client.post(
        f"/setup/fee-schedules/{schedule.pk}/entries/new/",
        {"code": "99213", "description": "Again", "price": "1.00", "effective_from": "2020-01-01"},
    )
    assert 'id="id_effective_from-error">99213 already has a price from 01/01/2020' in (
        clash.content.decode()
    )
    assert schedule.entries.count() == 3


def test_a_new_price_from_a_later_date_keeps_the_old_one(world, client_for):
    client = client_for(world.users["manager"])
    schedule = _schedule(world)
    page = client.post(
        f"/setup/fee-schedules/{schedule.pk}/entries/new/",
        {
            "code": "99213",
            "description": "Office visit, established, low",
            "price": "140.00",
            "effective_from": "2027-01-01",
        },
    )
    assert page.status_code == 302
    from medbill.web.practice.services import fee_for

    assert fee_for(world.a.practice, "99213", datetime.date(2026, 6, 1)).amount == Decimal(130)
    assert fee_for(world.a.practice, "99213", datetime.date(2027, 1, 2)).amount == Decimal(140)


def test_schedule_dates_are_checked(world, client_for):
    schedule = _schedule(world)
    page = client_for(world.users["manager"]).post(
        f"/setup/fee-schedules/{schedule.pk}/",
        {"name": "Standard", "effective_from": "2020-01-01", "effective_to": "2019-12-31"},
    )
    assert "The last day cannot be before the first day" in page.content.decode()


CSV = (
    b"code,description,price,effective_from\n"
    b"99213,Office visit established low,130.00,2020-01-01\n"
    b"87880,Rapid strep test,35.00,2020-01-01\n"
    b"J1100,Dexamethasone injection 1 mg,4.25,2020-01-01\n"
)


def test_import_previews_then_saves(world, client_for):
    client = client_for(world.users["manager"])
    schedule = _schedule(world)
    url = f"/setup/fee-schedules/{schedule.pk}/import/"
    page = client.post(url, {"file": SimpleUploadedFile("fees.csv", CSV, "text/csv")})
    html = page.content.decode()
    assert "1 new, 2 changed, 0 unchanged" in html  # 99213's description differs too
    assert "$32.00" in html and "$35.00" in html
    assert schedule.entries.count() == 3  # nothing saved by the preview
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302
    assert schedule.entries.count() == 4
    assert schedule.entries.get(code="87880").price == Decimal("35.00")
    by_manager = AuditEvent.objects.filter(
        object_type="practice.FeeScheduleEntry", username="manager"
    )
    assert sorted(by_manager.values_list("action", flat=True)) == ["create", "update", "update"]


def test_a_bad_file_is_refused_in_words_and_nothing_changes(world, client_for):
    client = client_for(world.users["manager"])
    schedule = _schedule(world)
    bad = CSV + b"99999X,Nope,1.00,2020-01-01\n"
    page = client.post(
        f"/setup/fee-schedules/{schedule.pk}/import/",
        {"file": SimpleUploadedFile("fees.csv", bad, "text/csv")},
    )
    html = page.content.decode()
    assert "Row 5, column &#x27;code&#x27;: &#x27;99999X&#x27; is not a CPT or HCPCS code" in html
    assert (
        client.post(f"/setup/fee-schedules/{schedule.pk}/import/", {"confirm": "1"}).status_code
        == 302
    )
    assert schedule.entries.count() == 3


# -- clearinghouse connections ----------------------------------------------------------------


CONNECTION = {
    "name": "clearinghouse",
    "active": "on",
    "transport": "sftp",
    "host": "sftp.example.com",
    "port": "22",
    "username": "cvfp",
    "key_path": "/etc/medbill/keys/cvfp",
    "remote_dir": "inbound",
    "sender_id": "CVFP01",
    "receiver_id": "CLEARHOUSE",
    "submitter_name": "Cedar",
    "contact_name": "Billing office",
    "receiver_name": "Clearing House",
}


def test_a_connection_is_checked_as_a_profile(world, client_for):
    client = client_for(world.users["manager"])
    data = dict(CONNECTION, host="")
    page = client.post("/setup/connections/new/", data)
    assert 'id="id_host-error">Required for the sftp transport.' in page.content.decode()
    assert not ClearinghouseConnection.objects.exists()


def test_a_connection_is_saved_and_its_secrets_are_never_shown_nor_audited(world, client_for):
    client = client_for(world.users["manager"])
    assert client.post("/setup/connections/new/", CONNECTION).status_code == 302
    row = ClearinghouseConnection.objects.get(practice=world.a.practice)
    assert row.settings["port"] == 22 and row.settings["transport"] == "sftp"
    row.settings["passphrase"] = "key-passphrase-77"  # written by another tool
    row.save()
    page = client.get(f"/setup/connections/{row.pk}/").content.decode()
    assert "key-passphrase-77" not in page and 'id="secret-stored"' in page
    assert 'value="sftp.example.com"' in page
    assert (
        client.post(f"/setup/connections/{row.pk}/", dict(CONNECTION, remote_dir="in")).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.settings["passphrase"] == "key-passphrase-77" and row.settings["remote_dir"] == "in"
    trail = AuditEvent.objects.filter(object_type="claims_out.ClearinghouseConnection")
    assert trail.count() == 3
    assert all("key-passphrase" not in str(e.changes) for e in trail)
    assert "(secret)" in str(trail.filter(action="update").first().changes)


# -- users and roles --------------------------------------------------------------------------


def test_only_administrators_manage_users(world, client_for):
    assert client_for(world.users["manager"]).get("/setup/users/").status_code == 403
    assert client_for(world.users["admin"]).get("/setup/users/").status_code == 200


def test_an_administrator_adds_a_user_changes_the_role_and_removes_access(world, client_for):
    client = client_for(world.users["admin"])
    weak = client.post("/setup/users/", {"username": "newbie", "role": "coder", "password": "123"})
    assert 'id="id_password-error">' in weak.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    page = client.post(
        "/setup/users/",
        {
            "username": "newbie",
            "role": "coder",
            "first_name": "New",
            "password": "a-fine-pass-2026",
        },
    )
    assert page.status_code == 302
    membership = Membership.objects.get(user__username="newbie")
    assert membership.role == "coder" and membership.practice == world.a.practice
    client.post(f"/setup/users/{membership.pk}/", {"action": "role", "role": "biller"})
    membership.refresh_from_db()
    assert membership.role == "biller"
    (update,) = _events("practice.Membership", "update")
    assert update.changes["role"] == {"before": "coder", "after": "biller"}
    client.post(f"/setup/users/{membership.pk}/", {"action": "revoke"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert _events("practice.Membership", "delete")


def test_an_administrator_cannot_remove_themself_nor_reach_other_practices(world, client_for):
    client = client_for(world.users["admin"])
    own = Membership.objects.get(user=world.users["admin"])
    client.post(f"/setup/users/{own.pk}/", {"action": "revoke"})
    assert Membership.objects.filter(pk=own.pk).exists()
    other = Membership.objects.get(user=world.outsider)
    assert client.post(f"/setup/users/{other.pk}/", {"action": "revoke"}).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_a_manager_sets_office_hours_and_time_zone_and_they_are_checked(world, client_for):
    from medbill.web.practice.models import AuditEvent

    manager = client_for(world.users["manager"])
    assert manager.get(reverse("edit_practice")).status_code == 200
    bad = manager.post(
        reverse("edit_practice"),
        {"time_zone": "America/New_York", "opens_at": "17:00", "closes_at": "08:00"},
    )
    assert bad.status_code == 422
    assert "the office must close after it opens" in bad.content.decode()
    saved = manager.post(
        reverse("edit_practice"),
        {
            "time_zone": "America/New_York",
            "opens_at": "07:30",
            "closes_at": "18:00",
            "phone": "7175550100",
            "contact_name": "Front office",
        },
    )
    assert saved.status_code == 302
    practice = world.a.practice
    practice.refresh_from_db()
    assert (practice.opens_at.isoformat(), practice.closes_at.isoformat()) == (
        "07:30:00",
        "18:00:00",
    )
    assert AuditEvent.objects.filter(
        object_type="practice.Practice", action="update", user=world.users["manager"]
    ).exists()
    assert client_for(world.users["front_desk"]).get(reverse("edit_practice")).status_code == 403


def test_practice_phone_is_ten_digits_and_time_zone_is_chosen_by_name(world, client_for):
    manager = client_for(world.users["manager"])
    form = manager.get(reverse("edit_practice")).content.decode()
    assert '<option value="America/Chicago">Central (Chicago)</option>' in form
    base = {"time_zone": "America/Chicago", "opens_at": "08:00", "closes_at": "17:00"}
    bad = manager.post(reverse("edit_practice"), {**base, "phone": "call the front desk"})
    assert bad.status_code == 422
    assert "A phone number has ten digits" in bad.content.decode()
    unknown = manager.post(reverse("edit_practice"), {**base, "time_zone": "Mars/Olympus"})
    assert unknown.status_code == 422
    saved = manager.post(reverse("edit_practice"), {**base, "phone": "1 (717) 555-0100"})
    assert saved.status_code == 302
    practice = world.a.practice
    practice.refresh_from_db()
    assert (practice.phone, practice.time_zone) == ("7175550100", "America/Chicago")
    again = manager.get(reverse("edit_practice")).content.decode()
    assert 'value="(717) 555-0100"' in again


def test_the_fee_is_the_best_entry_in_effect_that_day(world):
    """A payer's own schedule beats the standard one while both are in effect; an entry
    for the modifier beats the plain code; a schedule or an entry outside its dates is
    not used; another payer's schedule never is."""
    from medbill.web.practice.models import FeeSchedule, FeeScheduleEntry, Payer
    from medbill.web.practice.services import fee_for

    practice = world.a.practice
    FeeScheduleEntry.objects.filter(practice=practice).delete()
    payer, other = Payer.objects.filter(organization_id=practice.organization_id)[:2]
    day = datetime.date

    def schedule(name, start, end=None, for_payer=None):
        return FeeSchedule.objects.create(
            practice=practice, name=name, effective_from=start, effective_to=end, payer=for_payer
        )

    def entry(sched, price, start, end=None, modifier=""):
        FeeScheduleEntry.objects.create(
            practice=practice,
            fee_schedule=sched,
            code="99214",
            modifier=modifier,
            description="Office visit",
            price=Decimal(price),
            effective_from=start,
            effective_to=end,
        )

    standard = schedule("Standard", day(2020, 1, 1))
    entry(standard, "150.00", day(2020, 1, 1), day(2025, 12, 31))
    entry(standard, "160.00", day(2026, 1, 1))
    entry(standard, "170.00", day(2026, 1, 1), modifier="25")
    theirs = schedule("Contract", day(2024, 1, 1), day(2026, 6, 30), for_payer=payer)
    entry(theirs, "120.00", day(2024, 1, 1))
    entry(schedule("Other contract", day(2020, 1, 1), for_payer=other), "90.00", day(2020, 1, 1))

    def fee(on, modifier="", for_payer=None):
        found = fee_for(practice, "99214", on, modifier, for_payer)
        return None if found is None else str(found.amount)

    assert fee(day(2019, 6, 1)) is None  # before any schedule
    assert fee(day(2025, 6, 1)) == "150.00"
    assert fee(day(2026, 6, 1)) == "160.00"
    assert fee(day(2026, 6, 1), "25") == "170.00"
    assert fee(day(2026, 6, 1), "59") == "160.00"
    assert fee(day(2025, 6, 1), for_payer=payer) == "120.00"
    assert fee(day(2026, 6, 1), "25", for_payer=payer) == "120.00"  # their schedule first
    assert fee(day(2026, 7, 1), for_payer=payer) == "160.00"  # their contract ended
    assert fee(day(2023, 6, 1), for_payer=payer.pk) == "150.00"  # not yet in effect
    assert fee(day(2026, 6, 1), "25", for_payer=None) == "170.00"
