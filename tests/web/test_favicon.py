"""The tab icon: /favicon.ico, which browsers ask for on every page, and the icon each
page links, are served (not a 404 in the logs on every page)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.parametrize(
    ("url", "signed_in"), [("/login/", False), ("/", True), ("/no-such-page/", True)]
)
def test_every_page_links_the_icon_and_it_is_served(world, client, client_for, url, signed_in):
    page = client_for(world.users["biller"]) if signed_in else client
    html = page.get(url).content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert "/favicon.ico" in icons
    (svg,) = [href for href in icons if href.endswith(".svg")]
    response = client_for(world.users["biller"]).get(svg)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
