"""The patient list and its search."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_works(world, client_for):
    response = client_for(world.users["front_desk"]).get("/patients/")
    assert response.status_code == 200
    assert b"CVFP-0001" in response.content


@pytest.mark.parametrize("q", ["ortega", "Ortega Mat", "CVFP-0001", "2019-06-30"])
def test_search_finds(world, client_for, q):
    page = client_for(world.users["front_desk"]).get("/patients/", {"q": q})
    assert [p.pk for p in page.context["page"]] == [world.a.patient.pk]


@pytest.mark.parametrize("q", ["Smith", "2000-01-01", "LKCD-0001"])
def test_search_misses(world, client_for, q):
    page = client_for(world.users["front_desk"]).get("/patients/", {"q": q})
    assert list(page.context["page"]) == []
