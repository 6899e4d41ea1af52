"""Setting the codes of a visit: the service, the web form and the API; who may."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from medbill.core.roles import ROLES, can
from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.coding.services import set_visit_codes
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db

LINES = [
    {"code": "99213", "modifiers": ["25"], "dx_pointers": [1, 2]},
    {"code": "87880", "modifiers": ["QW"], "units": "1", "charge": "35.00", "dx_pointers": [1]},
]

ONE_LINE = [{"code": "99213", "dx_pointers": [1]}]


def codes_of(visit):
    dx = list(Diagnosis.objects.filter(visit=visit).values_list("position", "code"))
    lines = [
        (s.position, s.code, s.modifiers, s.units, s.charge, s.dx_pointers)
        for s in ServiceLine.objects.filter(visit=visit)
    ]
    return dx, lines


class TestService:
    def test_it_works(self, world):
        visit = world.a.visit
        set_visit_codes(world.users["coder"], visit, ["j02.0", "R509"], LINES)
        dx, lines = codes_of(visit)
        assert dx == [(1, "J020"), (2, "R509")]
        assert lines == [
            (1, "99213", ["25"], Decimal("1.00"), Decimal("130.00"), [1, 2]),
            (2, "87880", ["QW"], Decimal("1.00"), Decimal("35.00"), [1]),
        ]

    def test_charge_comes_from_fee_schedule_times_units(self, world):
        set_visit_codes(
            world.users["coder"],
            world.a.visit,
            ["R739"],
            [{"code": "36415", "units": "2", "dx_pointers": [1]}],
        )
        assert ServiceLine.objects.get(visit=world.a.visit).charge == Decimal("36.00")

    def test_unchanged_rows_write_no_audit_events(self, world):
        coder = world.users["coder"]
        set_visit_codes(coder, world.a.visit, ["J020"], ONE_LINE)
        before = AuditEvent.objects.count()
        set_visit_codes(coder, world.a.visit, ["J020"], ONE_LINE)
        assert AuditEvent.objects.count() == before

    def test_changes_are_audited_with_before_and_after(self, world):
        coder = world.users["coder"]
        set_visit_codes(
            coder,
            world.a.visit,
            ["J029"],
            [{"code": "99214", "dx_pointers": [1], "charge": "180.00"}],
        )
        dx = Diagnosis.objects.get(visit=world.a.visit)
        event = AuditEvent.objects.filter(
            object_type="coding.Diagnosis", object_id=str(dx.pk)
        ).latest("id")
        assert event.action == "update"
        assert event.changes == {"code": {"before": "J020", "after": "J029"}}
        assert event.user == coder
        line = ServiceLine.objects.get(visit=world.a.visit)
        event = AuditEvent.objects.filter(
            object_type="coding.ServiceLine", object_id=str(line.pk)
        ).latest("id")
        assert event.changes["code"] == {"before": "99213", "after": "99214"}
        assert event.changes["charge"] == {"before": "130.00", "after": "180.00"}

    def test_removed_rows_are_deleted_and_audited(self, world):
        coder = world.users["coder"]
        set_visit_codes(coder, world.a.visit, ["J020", "R509"], LINES)
        second = ServiceLine.objects.get(visit=world.a.visit, position=2)
        set_visit_codes(coder, world.a.visit, ["J020"], [{"code": "99213", "dx_pointers": [1]}])
        assert codes_of(world.a.visit)[0] == [(1, "J020")]
        event = AuditEvent.objects.get(
            object_type="coding.ServiceLine", object_id=str(second.pk), action="delete"
        )
        assert event.changes["code"] == {"before": "87880", "after": None}

    def test_front_desk_cannot_change_codes(self, world):
        before = codes_of(world.a.visit)
        with pytest.raises(PermissionDenied):
            set_visit_codes(world.users["front_desk"], world.a.visit, ["R509"], [])
        assert codes_of(world.a.visit) == before

    def test_roles_match_the_rules_in_core(self, world):
        for role in ROLES:
            if can(role, "change_codes"):
                set_visit_codes(world.users[role], world.a.visit, ["J020"], ONE_LINE)
            else:
                with pytest.raises(PermissionDenied):
                    set_visit_codes(world.users[role], world.a.visit, ["J020"], ONE_LINE)

    @pytest.mark.parametrize(
        ("diagnoses", "lines", "field"),
        [
            (["12345"], [], "diagnoses[0]"),
            (["J020", "J020"], [], "diagnoses[1]"),
            (["J020"], [{"code": "99213", "dx_pointers": [2]}], "lines[0].dx_pointers[0]"),
            (["J020"], [{"code": "992", "dx_pointers": [1]}], "lines[0].code"),
            (["J020"], [{"code": "99213", "units": "0", "dx_pointers": [1]}], "lines[0].units"),
            (["J020"], [{"code": "99213", "units": 1.5, "dx_pointers": [1]}], "lines[0].units"),
            (
                ["J020"],
                [{"code": "99213", "modifiers": ["X"], "dx_pointers": [1]}],
                "lines[0].modifiers[0]",
            ),
            (["J020"], [{"code": "99213", "charge": 12.5, "dx_pointers": [1]}], "lines[0].charge"),
            (
                ["J020"],
                [{"code": "99213", "charge": "12.345", "dx_pointers": [1]}],
                "lines[0].charge",
            ),
            (
                ["J020"],
                [{"code": "99213", "charge": "99999999", "dx_pointers": [1]}],
                "lines[0].charge",
            ),
            (["J020"], [{"code": "99213", "charge": "1e5", "dx_pointers": [1]}], "lines[0].charge"),
            (
                ["J020"],
                [{"code": "99213", "charge": "-5.00", "dx_pointers": [1]}],
                "lines[0].charge",
            ),
            (["J020"], [{"code": "99213"}], "lines[0].dx_pointers"),
            (["J020"], [{"code": "99499", "dx_pointers": [1]}], "lines[0].charge"),
            (["J020"] * 13, [], "diagnoses"),
        ],
    )
    def test_bad_input_names_the_field(self, world, diagnoses, lines, field):
        before = codes_of(world.a.visit)
        with pytest.raises(ServiceError) as info:
            set_visit_codes(world.users["coder"], world.a.visit, diagnoses, lines)
        assert info.value.field == field
        assert codes_of(world.a.visit) == before

    def test_billed_visit_cannot_be_recoded(self, world):
        visit = world.a.visit
        visit.status = Visit.Status.BILLED
        visit.save()
        with pytest.raises(ServiceError) as info:
            set_visit_codes(world.users["coder"], visit, ["R509"], [])
        assert info.value.field == "visit"


class TestOldCodesAddress:
    """``/visits/<id>/codes/`` was a bare three-line form beside the workspace; it now
    opens the visit in the workspace and stores nothing itself."""

    def url(self, world):
        return f"/visits/{world.a.visit.pk}/codes/"

    def test_it_opens_the_workspace(self, world, client_for):
        client = client_for(world.users["coder"])
        page = client.get(self.url(world))
        assert page.status_code == 302
        assert page["Location"] == f"/coding/visits/{world.a.visit.pk}/"
        before = codes_of(world.a.visit)
        posted = client.post(self.url(world), {"diagnoses": "R509", "rows": "0"})
        assert posted.status_code == 302 and codes_of(world.a.visit) == before

    def test_front_desk_is_forbidden(self, world, client_for):
        client = client_for(world.users["front_desk"])
        assert client.get(self.url(world)).status_code == 403

    def test_the_visit_page_links_the_workspace_only(self, world, client_for):
        page = client_for(world.users["coder"]).get(f"/visits/{world.a.visit.pk}/")
        html = page.content.decode()
        assert f'href="/visits/{world.a.visit.pk}/codes/"' not in html
        assert f'href="/coding/visits/{world.a.visit.pk}/"' in html


class TestApi:
    def url(self, world):
        return f"/api/visits/{world.a.visit.pk}/codes"

    def test_it_works(self, world, api_client_for):
        client = api_client_for(world.users["coder"])
        response = client.put(
            self.url(world),
            {"diagnoses": ["J020", "R509"], "lines": LINES},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert [d["code"] for d in body["diagnoses"]] == ["J020", "R509"]
        assert [(s["code"], s["charge"], s["units"]) for s in body["service_lines"]] == [
            ("99213", "130.00", "1"),
            ("87880", "35.00", "1"),
        ]

    def test_front_desk_is_forbidden(self, world, api_client_for):
        client = api_client_for(world.users["front_desk"])
        before = codes_of(world.a.visit)
        response = client.put(
            self.url(world), {"diagnoses": ["R509"], "lines": []}, content_type="application/json"
        )
        assert response.status_code == 403
        assert "error" in response.json()
        assert codes_of(world.a.visit) == before

    def test_bad_input_is_422_naming_the_field(self, world, api_client_for):
        client = api_client_for(world.users["coder"])
        response = client.put(
            self.url(world),
            {"diagnoses": ["J020"], "lines": [{"code": "99213", "dx_pointers": [4]}]},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["error"].startswith("lines[0].dx_pointers[0]:")

    def test_missing_body_field_is_422(self, world, api_client_for):
        client = api_client_for(world.users["coder"])
        response = client.put(self.url(world), {"lines": []}, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["error"].startswith("diagnoses:")
