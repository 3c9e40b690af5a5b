"""axe-core on the staff pages in Chromium: the officer's queue and dossier page, the IOC dashboard, the public
statistics page and the template editor (list and one section editor). No serious or critical violation may remain;
every finding is printed with its rule id and targets (run with -s to see them).
"""

from __future__ import annotations

import pytest

from citizens.roles import Role
from procedures.services.versions import version_draft_create
from tests.browser.conftest import sign_in, verified
from tests.conftest import PASSWORD, World, make_user
from tests.dashboard.conftest import accepted, act, at, completed, filed
from tests.procedures.dossier_flow import drive

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
MARCH = "from=2026-03-01&to=2026-03-31"


def axe_findings(page, name: str) -> list[dict]:
    """Run axe-core on the page, print every violation (id, impact, targets), return the blocking ones."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]})
    violations = results.response["violations"]
    print(f"\n[{name}] {page.url}: {len(violations)} violation(s)")
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]]
        print(f"  {violation['id']} ({violation['impact']}): {targets}")
    return [
        f"{name}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v.get("impact") in BLOCKING
    ]


def test_officer_queue_and_dossier_page(page):
    world = World()
    dossier = drive(world, "submitted")
    drive(world, "submitted")
    verified(world.reception)
    sign_in(page, world.reception.email, PASSWORD)

    blocking = []
    page.goto(page.base_url + "/can-bo/hang-doi/tiep-nhan/")
    assert page.locator("h1").inner_text().strip() == "Tiếp nhận hồ sơ mới"
    blocking += axe_findings(page, "officer-queue")
    page.goto(page.base_url + f"/can-bo/ho-so/{dossier.pk}/")
    assert dossier.code in page.locator("h1").inner_text()
    blocking += axe_findings(page, "officer-dossier")
    assert not blocking, "\n".join(blocking)


def test_ioc_dashboard_and_public_statistics(page):
    world = World()
    completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 12, 9, 0))
    accepted(world, at(2026, 3, 3, 9, 0))  # late, held by reception
    act(filed(world, at(2026, 3, 4, 9, 0), applicant=world.citizen2), "refuse", world.reception, at(2026, 3, 4, 10, 0),
        reason="Sai thẩm quyền")  # fmt: skip
    verified(world.leader)

    blocking = []
    page.goto(page.base_url + f"/thong-ke/?{MARCH}")
    blocking += axe_findings(page, "public-statistics")
    sign_in(page, world.leader.email, PASSWORD)
    page.goto(page.base_url + f"/ioc/?{MARCH}")
    assert page.locator("#dash-overdue-title").count() == 1
    blocking += axe_findings(page, "ioc")
    assert not blocking, "\n".join(blocking)


def test_template_editor_list_and_section_page(page):
    world = World()
    admin = verified(make_user("agency.admin@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN]))
    version_draft_create(procedure=world.procedure)
    sign_in(page, admin.email, PASSWORD)

    blocking = []
    page.goto(page.base_url + "/quan-tri-thu-tuc/")
    assert world.procedure.code in page.locator("#main").inner_text()
    blocking += axe_findings(page, "editor-list")
    page.goto(page.base_url + f"/quan-tri-thu-tuc/{world.procedure.code}/sua/fields/")
    assert page.locator("form").count() >= 1
    blocking += axe_findings(page, "editor-fields")
    assert not blocking, "\n".join(blocking)
