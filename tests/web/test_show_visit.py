"""The visit page and the visit list."""

from __future__ import annotations

import pytest

from medbill.web.frontdesk.models import ClinicalNote

pytestmark = pytest.mark.django_db


def test_it_works(world, client_for):
    ClinicalNote.objects.create(
        practice=world.a.practice,
        visit=world.a.visit,
        text="Sore throat for two days. Rapid strep positive.",
    )
    response = client_for(world.users["coder"]).get(f"/visits/{world.a.visit.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "J020" in text and "99213" in text and "Rapid strep positive" in text
    assert "Code this visit" in text
    # A checked-out visit waits for coding: the page leads to the coding screen.
    assert f'href="/coding/visits/{world.a.visit.pk}/"' in text


def test_front_desk_does_not_read_notes(world, client_for):
    ClinicalNote.objects.create(
        practice=world.a.practice, visit=world.a.visit, text="Private clinical text"
    )
    response = client_for(world.users["front_desk"]).get(f"/visits/{world.a.visit.pk}/")
    assert response.status_code == 200
    assert "Private clinical text" not in response.content.decode()
    assert "Code this visit" not in response.content.decode()


def test_visit_list_filters_by_status(world, client_for):
    client = client_for(world.users["coder"])
    page = client.get("/visits/", {"status": "checked_out"})
    assert [v.pk for v in page.context["page"]] == [world.a.visit.pk]
    page = client.get("/visits/", {"status": "billed"})
    assert list(page.context["page"]) == []
    page = client.get("/visits/", {"on": "2026-03-03"})
    assert [v.pk for v in page.context["page"]] == [world.a.visit.pk]
