"""The denials-by-root-cause report."""

from __future__ import annotations

import pytest
from django.urls import reverse
from test_era_pages import denied_bytes

from medbill.web.billing import era

pytestmark = pytest.mark.django_db


def test_a_missing_authorization_is_an_authorization_denial_with_its_check(world, client_for):
    site = world.a
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")  # CO-197
    manager = client_for(world.users["manager"])
    page = manager.get(reverse("show_denial_causes"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-cause="authorization"' in html and "Record the authorization number" in html
    section = html.split('id="cause-authorization"')[1]
    assert site.payer.name in section and "99213" in section
    assert "authorization" in section.lower()
    other = client_for(world.outsider).get(reverse("show_denial_causes")).content.decode()
    assert 'data-cause="authorization"' not in other
    bad = manager.get(reverse("show_denial_causes"), {"months": "100"})
    assert bad.status_code == 422 and "from 1 to 36" in bad.content.decode()
    assert (
        client_for(world.users["front_desk"]).get(reverse("show_denial_causes")).status_code == 403
    )
