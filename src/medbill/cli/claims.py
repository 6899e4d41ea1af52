"""``medbill claims ...``: scrub, build, write and submit claims.

The commands live in modules of their own; importing them registers them here.
"""

from __future__ import annotations

import typer

app = typer.Typer(help="Scrub, build, write and submit claims.", no_args_is_help=True)

import medbill.cli.claims_status  # noqa: E402,F401 - registers `medbill claims status`
import medbill.cli.claims_x12  # noqa: E402,F401 - registers 837p, build, submit
from medbill.cli import claims_scrub  # noqa: E402,F401 - registers `medbill claims scrub`
