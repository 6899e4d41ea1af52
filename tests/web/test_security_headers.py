"""Headers and limits on every response: CSP without inline script, no-store on pages and
downloads, the upload size limit, and error pages that show no PHI and no stack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

import medbill.web
from medbill.web.urls import urlpatterns as app_urls

pytestmark = pytest.mark.django_db

WEB = Path(medbill.web.__file__).parent
TEMPLATES = sorted(WEB.glob("**/templates/**/*.html"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_no_inline_script_in_templates(template):
    text = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", text), "inline script body"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text


def test_csp_forbids_inline_script(world, client_for):
    response = client_for(world.users["coder"]).get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_and_downloads_are_not_stored(world, client_for):
    client = client_for(world.users["biller"])
    patient = world.a.patient
    for url in ("/", f"/patients/{patient.pk}/", "/login/", f"/claims/{world.a.claim.pk}/"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert response["Cache-Control"] == "no-store", url
    pdf = client.get(f"/claims/{world.a.claim.pk}/cms1500.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "no-store"
    api = client.get("/api/patients")
    assert api["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(world):
    response = Client().get("/static/medbill/medbill.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@override_settings(MAX_UPLOAD_BYTES=1024 * 1024)
def test_oversized_uploads_are_refused(world, client_for):
    client = client_for(world.users["biller"])
    body = b"x" * (1024 * 1024 + 1)
    page = client.post("/remittances/import/", data=body, content_type="application/octet-stream")
    assert page.status_code == 413
    assert b"Upload too large" in page.content
    assert b"the largest this server accepts is 1.0 MB" in page.content
    api = client.post("/api/remittances/import", data=body, content_type="application/json")
    assert api.status_code == 413
    assert "MEDBILL_MAX_UPLOAD_MB" in api.json()["error"]
    small = client.post("/api/remittances/import", data=b"{}", content_type="application/json")
    assert small.status_code != 413


def test_the_default_upload_limit(settings):
    assert settings.MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_UPLOAD_BYTES


def _explode(request):
    raise RuntimeError("patient Mateo Ortega born 2019-06-30")


urlpatterns = [path("explode/", _explode), *app_urls]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_errors_show_no_phi_and_no_stack(world, client_for):
    client = client_for(world.users["coder"])
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong" in text and "medbill.css" in text
    assert "Ortega" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert response["Cache-Control"] == "no-store"


@override_settings(DEBUG=False)
def test_not_found_and_forbidden_pages(world, client_for):
    client = client_for(world.users["coder"])
    other = world.b.patient
    missing = client.get(f"/patients/{other.pk}/")
    assert missing.status_code == 404
    assert b"Not found" in missing.content and b"Ortega" not in missing.content
    forbidden = client_for(world.users["front_desk"]).get("/audit/")
    assert forbidden.status_code == 403 and b"Not allowed" in forbidden.content
    bad_host = Client(HTTP_HOST="evil.example").get("/login/")
    assert bad_host.status_code == 400 and b"Bad request" in bad_host.content
