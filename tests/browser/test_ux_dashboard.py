"""Dashboard charts: every axis and legend label at 11 px or more on screen (desktop and phone widths)."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.procedures.dossier_flow import drive

pytestmark = [pytest.mark.browser]

SMALLEST_LABEL = """() => Math.min(...[...document.querySelectorAll('svg.dash-chart')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}))"""


def test_public_statistics_chart_labels_are_readable(page):
    world = World()
    for state in ("submitted", "submitted"):
        drive(world, state)
    for size in ({"width": 1280, "height": 900}, {"width": 1366, "height": 768}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        page.goto(page.base_url + "/thong-ke/")
        if page.locator("svg.dash-chart text").count() == 0:
            pytest.fail("no chart labels on the statistics page")
        smallest = page.evaluate(SMALLEST_LABEL)
        assert smallest >= 11, f"{size['width']} px: smallest chart label {smallest:.1f} px"
