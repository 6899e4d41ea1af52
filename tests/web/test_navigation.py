"""The menu marks the one page the user is on; amount inputs say they are in dollars."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def active_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', html)


@pytest.mark.parametrize(
    ("url", "active"),
    [
        ("/claims-out/build/", "/claims-out/build/"),
        ("/claims-out/", "/claims-out/"),
        ("/claims/", "/claims/"),
        ("/", "/"),
    ],
)
def test_one_menu_entry_is_marked_the_current_page(world, client_for, url, active):
    page = client_for(world.users["biller"]).get(url)
    assert page.status_code == 200
    assert active_links(page.content.decode()) == [active]


def test_the_statement_thresholds_are_dollar_amounts(world, client_for):
    page = client_for(world.users["biller"]).get("/statements/").content.decode()
    for name in ("threshold", "write_off_under"):
        assert re.search(
            r'<span class="dollar-input"><span aria-hidden="true">\$</span>'
            rf'<input name="{name}"',
            page,
        ), name
