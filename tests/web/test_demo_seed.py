"""``medbill demo seed`` / ``demo run`` against the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.web.demo.generate import DEFAULT_START
from medbill.web.demo.seed import DemoSeedError, database_digest, demo_users, seed
from medbill.web.demo.tables import npi_is_valid
from medbill.web.frontdesk.models import ClinicalNote, Coverage, Patient, Visit
from medbill.web.practice.models import (
    AuditEvent,
    FeeScheduleEntry,
    Membership,
    Organization,
    Payer,
    Practice,
    Provider,
)

pytestmark = pytest.mark.django_db

runner = CliRunner()


def digest_line(output: str) -> str:
    match = re.search(r"database digest ([0-9a-f]{64})", output)
    assert match, output
    return match.group(1)


class TestSeedCommand:
    def test_same_seed_twice_gives_identical_data(self):
        first = runner.invoke(app, ["demo", "seed", "--seed", "11"])
        assert first.exit_code == 0, first.output
        second = runner.invoke(app, ["demo", "seed", "--seed", "11"])
        assert second.exit_code == 0, second.output
        assert digest_line(first.output) == digest_line(second.output)
        assert database_digest() == digest_line(second.output)
        other = runner.invoke(app, ["demo", "seed", "--seed", "12"])
        assert other.exit_code == 0, other.output
        assert digest_line(other.output) != digest_line(first.output)

    def test_prints_the_demo_users(self):
        result = runner.invoke(app, ["demo", "seed"])
        assert result.exit_code == 0, result.output
        for user in demo_users():
            assert user["username"] in result.output
            assert user["password"] in result.output

    def test_bad_start_date_is_named(self):
        result = runner.invoke(app, ["demo", "seed", "--start", "2026-11-10"])
        assert result.exit_code != 0
        assert "--start" in result.output and "Monday" in result.output


class TestSeededDatabase:
    @pytest.fixture(autouse=True)
    def seeded(self):
        return seed(3)

    def test_counts(self):
        assert Organization.objects.count() == 1
        assert Organization.objects.get().kind == Organization.Kind.BILLING_COMPANY
        assert Practice.objects.count() == 2
        assert Provider.objects.count() == 4
        assert Payer.objects.count() == 5
        fm = Practice.objects.get(short_code="RFM")
        assert FeeScheduleEntry.objects.filter(practice=fm).count() >= 40
        assert Patient.objects.count() == 60
        assert Visit.objects.count() >= 60

    def test_npis_pass_the_check_digit(self):
        for npi in Provider.objects.values_list("npi", flat=True):
            assert npi_is_valid(npi)
        for npi in Practice.objects.values_list("group_npi", flat=True):
            assert npi_is_valid(npi)

    def test_self_pay_secondary_and_dependants(self):
        no_coverage = Patient.objects.filter(coverages__isnull=True).count()
        assert no_coverage >= 5
        secondary = Coverage.objects.filter(order="secondary").count()
        assert secondary >= 5
        dependants = Coverage.objects.exclude(relationship_to_subscriber="self")
        assert dependants.count() >= 5
        for cov in dependants:
            assert (cov.subscriber_first_name, cov.subscriber_date_of_birth) != (
                cov.patient.first_name,
                cov.patient.date_of_birth,
            )

    def test_visits_span_two_weeks_with_notes_and_codes(self):
        dates = sorted({v.date_of_service for v in Visit.objects.all()})
        assert (dates[-1] - dates[0]).days == 11
        assert len(dates) == 10
        coded = Visit.objects.filter(status=Visit.Status.CODED)
        assert coded.exists()
        for visit in coded:
            assert visit.diagnoses.exists() and visit.service_lines.exists()
            for line in visit.service_lines.all():
                assert isinstance(line.charge, Decimal) and line.charge > 0
        to_code = Visit.objects.filter(status=Visit.Status.CHECKED_OUT)
        assert to_code.exists()
        assert not any(v.service_lines.exists() for v in to_code)
        assert (
            ClinicalNote.objects.filter(visit__status=Visit.Status.CHECKED_OUT).count()
            == to_code.count()
        )
        assert Visit.objects.filter(status=Visit.Status.SCHEDULED).exists()

    def test_demo_users_sign_in_with_their_roles(self):
        for user in demo_users():
            account = authenticate(username=user["username"], password=user["password"])
            assert account is not None, user["username"]
            roles = set(Membership.objects.filter(user=account).values_list("role", flat=True))
            assert roles == {user["role"]}
        desk = Membership.objects.filter(user__username="cardio-desk")
        assert [m.practice.short_code for m in desk] == ["KHR"]

    def test_each_user_starts_in_the_first_practice_the_users_table_names(self):
        """The table `make demo` prints lists the practices as the switcher does, so the
        practice a user lands in after signing in is the first one it names."""
        for user in demo_users():
            client = Client()
            signed_in = client.post(
                "/login/", {"username": user["username"], "password": user["password"]}
            )
            assert signed_in.status_code == 302, user["username"]
            page = client.get("/")
            first = user["practices"].split(", ")[0]
            assert page.context["current_practice"].name == first, user["username"]
            listed = [p.name for p in page.context["user_practices"]]
            assert listed == user["practices"].split(", "), user["username"]

    def test_the_load_is_audited_once_per_practice(self):
        events = AuditEvent.objects.filter(changes__has_key="demo_seed")
        assert events.count() == 2

    def test_refuses_a_database_with_another_organization(self):
        Organization.objects.create(name="A real practice")
        with pytest.raises(DemoSeedError, match="other than the demo"):
            seed(3)
        assert Organization.objects.filter(name="A real practice").exists()


class TestRunCommand:
    def test_no_serve_writes_the_summary(self, tmp_path):
        out = tmp_path / "demo-out"
        result = runner.invoke(app, ["demo", "run", "--out", str(out), "--no-serve", "--seed", "4"])
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text())
        assert summary["seed"] == 4
        stages = [s["name"] for s in summary["stages"]]
        assert stages[0] == "seed"
        assert all(not s["error"] for s in summary["stages"])
        rows = {r["item"]: r for r in summary["stages"][0]["rows"]}
        assert rows["patients"]["count"] == 60
        assert rows["providers"]["count"] == 4
        md = (out / "summary.md").read_text()
        assert "| seed | patients | 60 |" in md
        assert "demo-biller" in md
        key = json.loads((out / "seed" / "answer-key.json").read_text())
        # The answer key covers the demo's two weeks; the history stage's visits are older.
        assert len(key) == Visit.objects.filter(scheduled_at__date__gte=DEFAULT_START).count()
        assert Visit.objects.filter(scheduled_at__date__lt=DEFAULT_START).exists()
        assert "serving" not in result.output

    def test_a_failing_stage_fails_the_command(self, tmp_path, monkeypatch):
        from medbill.web.demo import stages

        monkeypatch.setattr(
            stages,
            "STAGES",
            [
                ("seed", "medbill.web.demo.stages:seed_stage"),
                ("broken", "medbill.web.demo.stages:no_such_stage"),
            ],
        )
        out = tmp_path / "demo-out"
        result = runner.invoke(app, ["demo", "run", "--out", str(out), "--no-serve"])
        assert result.exit_code == 1
        assert "demo stage 'broken' failed" in result.output
        summary = json.loads((out / "summary.json").read_text())
        assert [s["name"] for s in summary["stages"]] == ["seed", "broken"]
        assert "no_such_stage" in summary["stages"][1]["error"]


class TestOtherCommands:
    def test_help_lists_the_commands(self):
        result = runner.invoke(app, ["--help"])
        assert result.exit_code == 0
        for command in ("demo", "migrate", "serve", "worker"):
            assert command in result.output

    def test_migrate_reports_the_database(self):
        result = runner.invoke(app, ["migrate"])
        assert result.exit_code == 0, result.output
        assert "migration(s) applied" in result.output

    def test_worker_without_a_broker_explains_itself(self, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        result = runner.invoke(app, ["worker"])
        assert result.exit_code == 2
        assert "CELERY_BROKER_URL is not set" in result.output
