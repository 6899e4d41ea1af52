"""Ids beyond what the database stores name no row: a 404 or a 422, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = str(10**30)


def test_a_page_with_a_huge_id_is_not_found(world, client_for):
    client = client_for(world.users["biller"])
    assert client.get(f"/claims/{HUGE}/").status_code == 404
    assert client.get(f"/denials/{HUGE}/").status_code == 404


def test_an_api_query_with_a_huge_id_is_refused_in_words(world, client_for):
    client = client_for(world.users["coder"])
    response = client.get(
        "/api/coding/queue", {"practice_id": world.a.practice.pk, "provider_id": HUGE}
    )
    assert response.status_code in (404, 422)
    assert "internal" not in response.content.decode()
