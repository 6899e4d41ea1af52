"""A page shows only the forms the user's role may send: the 835 and acknowledgement
imports and the claim send are for billers (and managers), and the cash desk is for
those who take money at the desk."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

FORMS = {
    "/remittances/": 'action="/remittances/import/"',
    "/claims-out/acks/": 'enctype="multipart/form-data"',
    "/claims-out/": 'action="/claims-out/submit/"',
}


@pytest.mark.parametrize("role", ["front_desk", "coder", "auditor"])
def test_roles_that_would_be_refused_see_no_form(world, client_for, role):
    client = client_for(world.users[role])
    for url, form in FORMS.items():
        page = client.get(url)
        assert page.status_code == 200, url
        assert form not in page.content.decode(), f"{role} is offered {form} on {url}"


@pytest.mark.parametrize("role", ["biller", "manager"])
def test_roles_that_may_send_them_see_them(world, client_for, role):
    client = client_for(world.users[role])
    for url, form in FORMS.items():
        assert form in client.get(url).content.decode(), f"{role} misses {form} on {url}"


@pytest.mark.parametrize("role", ["coder", "auditor"])
def test_coder_and_auditor_have_no_cash_desk(world, client_for, role):
    client = client_for(world.users[role])
    assert client.get("/desk/").status_code == 403
    assert client.get("/desk/report/").status_code == 403
    assert 'href="/desk/' not in client.get("/").content.decode()


def test_the_desk_sees_its_cash_desk(world, client_for):
    client = client_for(world.users["front_desk"])
    page = client.get("/desk/")
    assert page.status_code == 200 and 'href="/desk/report/' in page.content.decode()
    assert client.get("/desk/report/").status_code == 200
