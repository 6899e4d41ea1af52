"""The claim page and the claim list."""

from __future__ import annotations

import pytest

from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_works(world, client_for):
    response = client_for(world.users["biller"]).get(f"/claims/{world.a.claim.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "CVFP-000102" in text and "99213" in text and "$130.00" in text
    assert AuditEvent.objects.filter(object_type="billing.Claim", action="view").exists()


def test_claim_list_filters(world, client_for):
    client = client_for(world.users["biller"])
    page = client.get("/claims/", {"status": "draft"})
    assert [c.pk for c in page.context["page"]] == [world.a.claim.pk]
    assert list(client.get("/claims/", {"status": "paid"}).context["page"]) == []
    assert [c.pk for c in client.get("/claims/", {"q": "000102"}).context["page"]] == [
        world.a.claim.pk
    ]
