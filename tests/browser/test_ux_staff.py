"""Staff side in Chromium: sign-in lands on the queue, queues show counts, codes stay on one line, and a 1366×768
screen shows 15+ queue rows (screenshot saved under ../ux-shots/ when that folder exists)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import (
    sign_in,  # noqa: I001
    verified,
)
from tests.conftest import PASSWORD, World
from tests.procedures.dossier_flow import drive

pytestmark = [pytest.mark.browser]

SHOTS = Path(__file__).resolve().parents[3] / "ux-shots"


def _sign_in(page, email):
    sign_in(page, email, PASSWORD)  # staff type their TOTP code (STAFF_MFA_REQUIRED)


def test_reception_lands_on_a_dense_counted_queue(page):
    world = World()
    for _i in range(20):
        drive(world, "submitted")
    verified(world.reception)
    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, world.reception.email)

    assert "/can-bo/hang-doi/" in page.url  # the queue, not the citizen home page
    link = page.locator(".ws-nav__link[href$='/tiep-nhan/']")
    assert link.locator(".ws-nav__count").inner_text().startswith("20")
    assert page.get_by_role("link", name="Quản trị", exact=True).count() == 0  # no empty Django admin

    link.click()
    page.wait_for_load_state()
    code = page.locator(".ws-table td a.mono").first
    box = code.bounding_box()
    line = float(code.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    assert box["height"] < 2 * line, "the dossier code wraps"

    rows = page.locator(".ws-table tbody tr")
    visible = sum(1 for i in range(rows.count()) if (rows.nth(i).bounding_box() or {"y": 9999})["y"] + 10 < 768)
    print(f"queue rows visible at 1366x768: {visible}")
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "queue-1366x768.png"))
    assert visible >= 15


def test_staff_nav_fits_one_line_at_1280_for_a_leader(page):
    world = World()
    verified(world.leader)
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, world.leader.email)
    tops = page.eval_on_selector_all(
        ".site-nav__list > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert max(tops) - min(tops) < 20, tops  # one line (items may sit a few px apart vertically, not a row apart)
    page.goto(page.base_url + "/")  # the citizen pages keep the full header; its menu fits one line too
    tops = page.eval_on_selector_all(
        ".site-nav__list > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert max(tops) - min(tops) < 20, tops
