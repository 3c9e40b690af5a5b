"""Citizen pages at phone width (390 px): nothing wider than the screen."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_home_and_search_fit_a_phone(page):
    from procedures.demo.seed import seed_demo

    seed_demo(history=0)  # the demo catalogue: long names, many fields (a row of chips wider than a phone)
    assert page.viewport_size["width"] == 390
    for path in ("/", "/?q=khai+sinh", "/?q=nguyen", "/tra-cuu/"):
        page.goto(page.base_url + path)
        assert _page_width(page) <= 390, f"{path} is {_page_width(page)} px wide at 390 px"
