"""The gate: the demo office, served with DEBUG off, crawled as every demo user.

Every stage of ``medbill demo run`` builds the office the demo ships; a real server
(pytest-django's ``live_server``) serves it. Each demo user signs in through the login
form, picks each practice the switcher offers, and follows every link of the site (GET
only, at most ``PER_NAME`` URLs per URL name, never logout or a download). A page fails
the gate when it answers 5xx, shows a traceback, shows an amount with more than two
decimals or as a float, takes more than a second, is a link that leads the user to a
refusal (403) or to nothing (404), or offers a form the user's role would be refused.
The coder's round trip — open a visit in the workspace, ask for its suggestions, go back
to the queue — is walked too.

The numbers (pages per user, server errors, slowest page) are printed and written to
``test-artifacts/crawl/summary.json``.
"""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
from crawl_support import Crawl, Page, Session, _PageParser
from django.conf import settings
from django.core.signals import got_request_exception
from django.urls import Resolver404, resolve

from medbill.core.roles import ACTIONS, can
from medbill.web.demo.generate import DEFAULT_SEED, DEFAULT_START
from medbill.web.demo.seed import demo_users
from medbill.web.demo.stages import StageContext, run_stages

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "crawl"
PER_NAME = 3
SLOW = 1.0
# Pages that are files, not pages; and the one link that ends the session.
DOWNLOADS = {
    "claim_cms1500_pdf",
    "claims_out_download",
    "encounter_form_pdf",
    "estimate_pdf",
    "show_card_image",
    "signed_document_pdf",
    "visit_superbill_pdf",
}
NEVER = {"logout"} | DOWNLOADS
# Also reached without a link from the pages: the API's documentation, and the header's
# patient search (a form) with a letter many names start with.
ENTRY_POINTS = ("/", "/api/docs", "/search/patients/?q=m")

pytestmark = pytest.mark.django_db(transaction=True)


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def skip(path: str, name: str) -> bool:
    return name in NEVER or name.endswith("_pdf")


def form_checker(role: str):
    """A form is offered only to a role that may send it: the action its view requires
    (``@requires``), or what a page that also takes a POST needs for it (``post_action``)."""

    def check(path: str) -> str | None:
        try:
            view = resolve(path).func
        except Resolver404:
            return f"a form posts to {path}, which is not a page"
        action = getattr(view, "post_action", None) or getattr(view, "required_action", None)
        if action and not can(role, action):
            return f"a form to {path} is shown, but the {role} may not {ACTIONS[action]}"
        return None

    return check


@pytest.fixture
def demo_office(live_server, tmp_path):
    """The shipped demo: every stage of ``medbill demo run`` over a fresh database."""
    ctx = StageContext(out=tmp_path / "demo-out", seed=DEFAULT_SEED, start=DEFAULT_START)
    run_stages(ctx)
    return live_server.url


@pytest.fixture
def server_errors():
    """Exceptions raised inside the served views (the 500 page hides them)."""
    seen: list[str] = []

    def record(sender, request=None, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(getattr(request, "path", "?"))

    got_request_exception.connect(record, weak=False)
    yield seen
    got_request_exception.disconnect(record)


def refused(pages: list[Page]) -> list[Page]:
    """Links the site offered that answer 403 or 404: a page shown to the wrong role, or a
    link to nothing."""
    return [p for p in pages if p.status in (403, 404)]


def coding_round_trip(session: Session) -> list[Page]:
    """Open the oldest visit of the coding queue in the workspace, ask for its suggestions
    as the page's script does, and go back to the queue."""
    crawl = Crawl(session, url_name, skip, slow_after=SLOW)
    pages: list[Page] = []
    queue, parser = crawl.fetch("/coding/queue/", "list_coding_queue")
    pages.append(queue)
    if parser is None or queue.status != 200:
        return pages
    visits = [h for h in parser.links if url_name(urllib.parse.urlsplit(h).path) == "code_visit"]
    if not visits:
        return pages
    opened, _ = crawl.fetch(visits[0], "code_visit")
    pages.append(opened)
    status, _, _, _ = session.get(visits[0] + "suggestions.json")
    pages.append(
        Page(
            visits[0] + "suggestions.json",
            status,
            0.0,
            "json",
            [f"HTTP {status}"] if status >= 500 else [],
            "visit_suggestions_json",
        )
    )
    back, _ = crawl.fetch("/coding/queue/", "list_coding_queue")
    pages.append(back)
    return pages


def clock_problems() -> list[str]:
    """Files the demo sent before a service they bill (the demo's clock must agree)."""
    from django.utils import timezone

    from medbill.web.claims_out.models import Submission

    found = []
    for sub in Submission.objects.prefetch_related("claims__lines"):
        sent = timezone.localtime(sub.created_at).date()
        for claim in sub.claims.all():
            latest = max(line.date_of_service for line in claim.lines.all())
            if latest > sent:
                found.append(f"{sub.file_name} sent {sent} bills {claim} of {latest}")
    return found


def test_every_page_for_every_demo_user(demo_office, server_errors, capsys):
    assert settings.DEBUG is False
    base = demo_office
    problems: list[str] = clock_problems()
    per_user: dict[str, int] = {}
    per_practice: dict[str, int] = {}
    every: list[Page] = []
    codes = Counter()
    for user in demo_users():
        session = Session(base)
        session.sign_in(user["username"], user["password"])
        practices = session.practices() or [""]
        crawled = 0
        for practice in practices:
            if practice:
                session.switch_practice(practice)
            crawl = Crawl(
                session,
                url_name,
                skip,
                per_name=PER_NAME,
                slow_after=SLOW,
                check_form=form_checker(user["role"]),
            )
            for start in ENTRY_POINTS:
                crawl.run(start)
            pages = crawl.pages
            if _can_code(session):
                pages += coding_round_trip(session)
            crawled += len(pages)
            per_practice[f"{user['username']}@{practice or 'only'}"] = len(pages)
            every += pages
            where = f"{user['username']} @ practice {practice or 'only'}"
            for page in pages:
                codes[page.status // 100] += 1
                for problem in page.problems:
                    problems.append(f"{where}: GET {page.url} ({page.name}): {problem}")
            for page in refused(pages):
                problems.append(f"{where}: link to {page.url} answers {page.status}")
        per_user[user["username"]] = crawled
    slowest = max(every, key=lambda p: p.seconds)
    summary = {
        "pages_per_user": per_user,
        "pages_per_user_and_practice": per_practice,
        "pages": len(every),
        "server_errors": sum(1 for p in every if p.status >= 500),
        "exceptions": len(server_errors),
        "slowest": {"url": slowest.url, "seconds": round(slowest.seconds, 3)},
        "statuses": {f"{k}xx": v for k, v in sorted(codes.items())},
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    with capsys.disabled():
        print(f"\ncrawl of the served demo: {json.dumps(summary)}")
    problems += [f"exception raised serving {path}" for path in server_errors]
    assert not problems, "\n".join(problems[:60])
    # The crawl reached the pages of every desk, not only the dashboard.
    names = {p.name for p in every}
    for name in (
        "list_coding_queue",
        "code_visit",
        "show_claim",
        "show_patient",
        "show_remittance",
        "list_denials",
        "desk_queue",
        "show_reports",
    ):
        assert name in names, f"the crawl never reached {name}"


def _can_code(session: Session) -> bool:
    status, _, _, _ = session.get("/coding/queue/")
    return status != 403


def test_the_crawler_finds_what_the_gate_fails_on():
    # The money check reads words and number cells; a count or a rate is not an amount.
    parser = _PageParser()
    parser.feed(
        "<p>Balance $143.200000000000 and $12.5 and $1,204.50 and 96.2% of 3 claims</p>"
        '<table><tr><td class="num">89.83000000000001</td><td class="num">2</td>'
        '<td class="num">130.00</td></tr></table><a href="/claims/1/">c</a>'
        '<a href="/x.pdf" download>pdf</a>'
    )
    from crawl_support import money_problems

    assert money_problems(" ".join(parser.text), parser.cells) == [
        "$143.200000000000",
        "$12.5",
        "89.83000000000001",
    ]
    assert parser.links == ["/claims/1/"]
    assert skip("/claims/1/cms1500.pdf", "claim_cms1500_pdf")
    assert skip("/logout/", "logout") and not skip("/claims/", "list_claims")
