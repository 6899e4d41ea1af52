"""``medbill``: one command with a sub-command per area of the revenue cycle."""

from __future__ import annotations

import typer

from medbill.cli import (
    backup,
    claims,
    codes,
    codesets,
    db,
    demo,
    forms,
    jobs,
    migrate,
    payer_sim,
    security,
    serve,
    worker,
)
from medbill.cli import code as code_cli
from medbill.cli import suggest as suggest_cli
from medbill.cli.acks import app as acks_app
from medbill.cli.edits import app as edits_app
from medbill.cli.eligibility import app as eligibility_app
from medbill.cli.era import app as era_app
from medbill.cli.feeschedule import app as feeschedule_app
from medbill.cli.fhir import app as fhir_app
from medbill.cli.hl7 import app as hl7_app
from medbill.cli.payments import app as payments_app
from medbill.cli.reports import app as reports_app
from medbill.cli.statements import app as statements_app

app = typer.Typer(
    name="medbill",
    help="Medical billing and coding: front desk, coding, claims, remittance and A/R.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

# One line per area: app.add_typer(<module>.app, name="<group>").
app.add_typer(claims.app, name="claims")
app.add_typer(acks_app, name="acks")
app.add_typer(codesets.app, name="codesets")
app.add_typer(codes.app, name="codes")
app.add_typer(code_cli.app, name="code")
app.add_typer(suggest_cli.app, name="suggest")
app.add_typer(edits_app, name="edits")
app.add_typer(demo.app, name="demo")
app.add_typer(forms.app, name="forms")
app.add_typer(payer_sim.app, name="payer-sim")
app.add_typer(era_app, name="era")
app.add_typer(reports_app, name="reports")
app.add_typer(statements_app, name="statements")
app.add_typer(payments_app, name="payments")
app.add_typer(eligibility_app, name="eligibility")
app.add_typer(feeschedule_app, name="feeschedule")
app.add_typer(db.app, name="db")
app.add_typer(security.app, name="security")
app.add_typer(jobs.app, name="jobs")
app.add_typer(hl7_app, name="hl7")
app.add_typer(fhir_app, name="fhir")
app.command("migrate")(migrate.migrate)
app.command("backup")(backup.backup_command)
app.command("restore")(backup.restore_command)
app.command("check")(security.check)
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
app.command("scheduler")(jobs.scheduler)

if __name__ == "__main__":  # pragma: no cover
    app()
