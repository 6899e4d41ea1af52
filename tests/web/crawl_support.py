"""A small crawler for the served web app: sign in through the login form, pick a practice
through the practice switcher, and follow the links of every page (GET only).

It speaks HTTP to a real server (the standard library's ``urllib``), keeps the session
cookie, and records for each page its status, time and what is wrong with it: a server
error, a traceback in the body, an amount shown with more than two decimals or as a float.
Used by the gate test over the served demo office (``test_served_demo_crawl.py``).
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Crawl", "Page", "Session", "money_problems"]

# "$12.345", "$1,200.5": an amount with three or more decimals, or with one (a float's text).
_DOLLARS = re.compile(r"\$\s?-?\d[\d,]*\.(?:\d{3,}|\d(?!\d))")
# A table cell that holds only a number with three or more decimals ("89.83000000000001").
_LONG_DECIMAL = re.compile(r"^-?\$?\s?-?\d[\d,]*\.\d{3,}$")
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|\bFile \"[^\"]+\.py\", line \d+")


class _PageParser(HTMLParser):
    """Links, form tokens, select options and the text of number cells of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.post_forms: list[str] = []  # the action of every POST form ("" = this page)
        self.csrf = ""
        self.options: dict[str, list[str]] = {}
        self.cells: list[str] = []
        self.text: list[str] = []
        self._select: str | None = None
        self._cell_depth = 0
        self._cell: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "a" and "href" in a and "download" not in a:
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self.post_forms.append(a.get("action", ""))
        elif tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.csrf = a.get("value", "")
        elif tag == "select":
            self._select = a.get("id") or a.get("name") or ""
            self.options.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self.options[self._select].append(a.get("value", ""))
        elif tag in ("td", "th", "dd", "span", "strong") and self._is_number(a):
            self._cell_depth += 1
            self._cell = []

    @staticmethod
    def _is_number(attrs: dict[str, str]) -> bool:
        classes = set(attrs.get("class", "").split())
        return bool(classes & {"num", "amount", "money"})

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag == "select":
            self._select = None
        elif tag in ("td", "th", "dd", "span", "strong") and self._cell_depth:
            self._cell_depth -= 1
            if not self._cell_depth:
                self.cells.append("".join(self._cell).strip())

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell_depth:
            self._cell.append(data)


def money_problems(text: str, cells: list[str]) -> list[str]:
    """Amounts in ``text`` (a page's words) or number ``cells`` shown with the wrong
    number of decimals: three or more, or a single one as a float prints it."""
    found = [m.group(0) for m in _DOLLARS.finditer(text)]
    found += [c for c in cells if _LONG_DECIMAL.match(c.replace("\u00a0", " "))]
    return found


@dataclass
class Page:
    """One GET of the crawl: what was asked, what came back, and what is wrong with it."""

    url: str
    status: int
    seconds: float
    content_type: str = ""
    problems: list[str] = field(default_factory=list)
    name: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Session:
    """A browser-like session against ``base``: cookies kept, redirects followed by hand so
    each hop is seen, CSRF tokens taken from the form being sent."""

    def __init__(self, base: str, timeout: float = 30) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.timeout = timeout

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(request, timeout=self.timeout) as resp:
                return resp.status, dict(resp.headers.items()), resp.read()
        except urllib.error.HTTPError as err:  # 3xx (not followed), 4xx, 5xx
            return err.code, dict(err.headers.items()), err.read()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes, float]:
        """One GET, not following redirects; the time it took in seconds."""
        began = time.perf_counter()
        status, headers, body = self._open(urllib.request.Request(self.url(path)))
        return status, headers, body, time.perf_counter() - began

    def post(self, path: str, data: dict[str, str], csrf: str) -> tuple[int, dict[str, str]]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(
            self.url(path), data=body, method="POST", headers={"Referer": self.url(path)}
        )
        status, headers, _ = self._open(request)
        return status, headers

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def page(self, path: str) -> _PageParser:
        status, _, body, _ = self.get(path)
        if status != 200:
            raise AssertionError(f"GET {path}: HTTP {status}")
        parser = _PageParser()
        parser.feed(body.decode("utf-8", "replace"))
        return parser

    def sign_in(self, username: str, password: str) -> None:
        """The login form at ``/login/``, as a person fills it in."""
        form = self.page("/login/")
        status, headers = self.post(
            "/login/", {"username": username, "password": password}, form.csrf
        )
        if status != 302:
            raise AssertionError(f"signing in as {username}: HTTP {status}, not a redirect")

    def practices(self) -> list[str]:
        """The practices the switcher offers (empty when the user has only one)."""
        return self.page("/").options.get("practice-switch", [])

    def switch_practice(self, practice: str) -> None:
        """``POST /practice/switch/`` with ``practice``, as the header's switcher does."""
        form = self.page("/")
        status, _ = self.post("/practice/switch/", {"practice": practice, "next": "/"}, form.csrf)
        if status != 302:
            raise AssertionError(f"switching to practice {practice}: HTTP {status}")


@dataclass
class Crawl:
    """Breadth-first over the links of the site from ``start``, at most ``per_name`` URLs
    for each resolved URL name (``name_of`` maps a path to its URL name, or None for a
    path that is not ours). ``skip`` decides which paths are never fetched."""

    session: Session
    name_of: Callable[[str], str | None]
    skip: Callable[[str, str], bool]
    per_name: int = 3
    slow_after: float = 1.0
    # Given a form's action path, the problem with offering it to this user (or None).
    check_form: Callable[[str], str | None] | None = None
    pages: list[Page] = field(default_factory=list)
    # Shared by every run of this crawl, so a second start page adds only what is new.
    seen: set[str] = field(default_factory=set)
    per_name_count: Counter[str] = field(default_factory=Counter)

    def run(self, start: str = "/") -> list[Page]:
        seen, per_name = self.seen, self.per_name_count
        queue: deque[str] = deque([start])
        host = urllib.parse.urlsplit(self.session.base).netloc
        while queue:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            name = self.name_of(urllib.parse.urlsplit(path).path)
            if name is None or self.skip(path, name) or per_name[name] >= self.per_name:
                continue
            per_name[name] += 1
            page, parser = self.fetch(path, name)
            self.pages.append(page)
            if parser is None:
                continue
            for href in parser.links:
                target = urllib.parse.urljoin(self.session.base + path, href)
                parts = urllib.parse.urlsplit(target)
                if parts.scheme not in ("http", "https") or parts.netloc != host:
                    continue
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if local not in seen:
                    queue.append(local)
        return self.pages

    def fetch(self, path: str, name: str) -> tuple[Page, _PageParser | None]:
        status, headers, body, seconds = self.session.get(path)
        if seconds > self.slow_after:  # once more, so a busy machine is not a slow page
            status, headers, body, again = self.session.get(path)
            seconds = min(seconds, again)
        ctype = headers.get("Content-Type", "")
        page = Page(path, status, seconds, ctype, name=name)
        if status >= 500:
            page.problems.append(f"HTTP {status}")
        if seconds > self.slow_after:
            page.problems.append(f"slow: {seconds:.2f} s")
        if status in (301, 302, 303, 307, 308):
            location = headers.get("Location", "")
            if location:
                parser = _PageParser()
                parser.links.append(location)
                return page, parser
        if "html" not in ctype:
            return page, None
        text = body.decode("utf-8", "replace")
        if _TRACEBACK.search(text):
            page.problems.append("traceback in the page")
        parser = _PageParser()
        parser.feed(text)
        for amount in money_problems(" ".join(parser.text), parser.cells):
            page.problems.append(f"amount {amount!r}")
        if self.check_form is not None:
            for action in sorted(set(parser.post_forms)):
                target = urllib.parse.urlsplit(
                    urllib.parse.urljoin(self.session.base + path, action)
                ).path
                problem = self.check_form(target)
                if problem:
                    page.problems.append(problem)
        return page, parser
