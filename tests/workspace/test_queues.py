"""Queues: the right dossiers in each, nothing from another agency, filters, search, a fixed query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citizens.models import User
from procedures.models import Dossier
from procedures.workflow import Action
from tests.conftest import module_world
from tests.procedures.dossier_flow import T0, act, drive, new_draft
from tests.workspace.conftest import login, recent

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db


def codes(response) -> set[str]:
    return set(re.findall(r'class="mono" href="/can-bo/ho-so/[^"]+/">([^<]+)</a>', response.content.decode()))


def test_anonymous_goes_to_login_and_non_staff_gets_403(world, client):
    response = client.get("/can-bo/hang-doi/tiep-nhan/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login(world.citizen).get("/can-bo/hang-doi/tiep-nhan/").status_code == 403
    dossier = drive(world, "submitted")
    assert login(world.citizen).get(f"/can-bo/ho-so/{dossier.pk}/").status_code == 403
    assert login(world.citizen).post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/accept/", {}).status_code == 403


def test_other_agency_sees_nothing_and_cannot_open(world):
    dossier = drive(world, "submitted")
    client = login(world.other_reception)
    for queue in ("tiep-nhan", "tat-ca", "qua-han", "dieu-phoi"):
        assert codes(client.get(f"/can-bo/hang-doi/{queue}/")) == set()
    assert client.get(f"/can-bo/ho-so/{dossier.pk}/").status_code == 404


def test_each_queue_shows_its_dossiers(world, quick_procedure):
    submitted = drive(world, "submitted")
    overdue = drive(world, "processing@2")  # accepted in October 2026: long past its due date
    mine = recent(world, "processing@2")
    act(mine, Action.ASSIGN, world.leader, now=mine.accepted_at, assignee=world.specialist.pk)
    near = recent(world, "processing@1", procedure_code="T.0002")
    withdrawal = recent(world, "withdrawal_requested")
    completed = recent(world, "completed")
    # Coordination: processing without an assignee (routing found nobody, e.g. the only leader left).
    unassigned = recent(world, "processing@3")
    Dossier.objects.filter(pk=unassigned.pk).update(assignee=None)
    other = drive(world, "submitted")
    other_agency = other.agency  # same agency; the other agency's exclusion is tested above

    spec = login(world.specialist)
    reception = login(world.reception)
    assert codes(reception.get("/can-bo/hang-doi/tiep-nhan/")) == {submitted.code, other.code}
    assert mine.code in codes(spec.get("/can-bo/hang-doi/cua-toi/"))
    # Routing gave the overdue step-2 dossier to the only specialist, so it is in their own queue too.
    assert overdue.code in codes(spec.get("/can-bo/hang-doi/cua-toi/"))
    department = codes(spec.get("/can-bo/hang-doi/phong-ban/"))  # the justice department: step 2
    assert {mine.code, overdue.code, withdrawal.code} <= department
    assert submitted.code not in department
    assert codes(reception.get("/can-bo/hang-doi/qua-han/")) == {overdue.code}
    assert near.code in codes(reception.get("/can-bo/hang-doi/sap-den-han/"))
    assert mine.code not in codes(reception.get("/can-bo/hang-doi/sap-den-han/"))
    assert codes(reception.get("/can-bo/hang-doi/rut-ho-so/")) == {withdrawal.code}
    assert codes(reception.get("/can-bo/hang-doi/tra-ket-qua/")) == {completed.code}
    coordination = codes(reception.get("/can-bo/hang-doi/dieu-phoi/"))
    assert unassigned.code in coordination and mine.code not in coordination
    assert other_agency == world.agency


def test_due_colouring_has_text(world, quick_procedure):
    drive(world, "processing@2")
    recent(world, "processing@1", procedure_code="T.0002")
    recent(world, "processing@2")
    html = login(world.reception).get("/can-bo/hang-doi/tat-ca/").content.decode()
    assert "Quá hạn" in html and "Sắp đến hạn" in html and "Trong hạn" in html
    assert "ws-row--overdue" in html and "ws-row--near" in html


def test_filters_search_and_sort(world):
    first = drive(world, "processing@2")
    second = drive(world, "processing@2", applicant=world.citizen2, start=T0 + timedelta(days=1))
    User.objects.filter(pk=world.citizen2.pk).update(national_id="079123456789")
    client = login(world.reception)
    assert codes(client.get("/can-bo/hang-doi/tat-ca/", {"q": "Bình"})) == {second.code}
    assert codes(client.get("/can-bo/hang-doi/tat-ca/", {"q": "079123456789"})) == {second.code}
    assert codes(client.get("/can-bo/hang-doi/tat-ca/", {"q": first.code})) == {first.code}
    assert codes(client.get("/can-bo/hang-doi/tat-ca/", {"q": first.code[-4:]})) >= {first.code}
    assert codes(client.get("/can-bo/hang-doi/tat-ca/", {"status": "submitted"})) == set()
    assert codes(client.get("/can-bo/hang-doi/tat-ca/", {"procedure": "NOPE"})) == set()
    assert codes(client.get("/can-bo/hang-doi/tat-ca/", {"procedure": world.procedure.code})) == {
        first.code,
        second.code,
    }
    html = client.get("/can-bo/hang-doi/tat-ca/", {"sort": "-due"}).content.decode()
    assert html.index(second.code) < html.index(first.code)  # later due first
    html = client.get("/can-bo/hang-doi/tat-ca/").content.decode()
    assert html.index(first.code) < html.index(second.code)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_fixed_query_count_and_count_free_pagination(world):
    def file(n):
        for _i in range(n):
            act(new_draft(world), Action.SUBMIT, world.citizen, now=T0)

    client = login(world.reception)
    file(5)
    few = _queries(client, "/can-bo/hang-doi/tiep-nhan/")
    file(45)
    many = _queries(client, "/can-bo/hang-doi/tiep-nhan/")
    assert few == many, (few, many)
    print(f"queries per queue page: {many} (5 rows: {few})")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/can-bo/hang-doi/tiep-nhan/", {"page": 2})
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
    assert len(codes(response)) == 25
    assert 'rel="prev"' in response.content.decode() and 'rel="next"' not in response.content.decode()
    assert len(codes(client.get("/can-bo/hang-doi/tiep-nhan/", {"page": 1}))) == 25
    assert Dossier.objects.filter(status="submitted").count() == 50


def test_near_due_queue_uses_the_reminder_policy_margin(world):
    """The "Sắp đến hạn" queue and its colouring take near_due_days from the agency's reminder policy, the margin
    the near-due reminders use, not a margin of their own."""
    from notifications.models import ReminderPolicy

    five_days = recent(world, "processing@1")  # the five-working-day procedure: due well after tomorrow
    reception = login(world.reception)
    assert five_days.code not in codes(reception.get("/can-bo/hang-doi/sap-den-han/"))

    ReminderPolicy.objects.create(agency=None, near_due_days=7)
    assert five_days.code in codes(reception.get("/can-bo/hang-doi/sap-den-han/"))
    assert "ws-row--near" in reception.get("/can-bo/hang-doi/tat-ca/").content.decode()

    # The agency's own row wins over the default one.
    ReminderPolicy.objects.create(agency=world.agency, near_due_days=1)
    assert five_days.code not in codes(reception.get("/can-bo/hang-doi/sap-den-han/"))
    assert "ws-row--near" not in reception.get("/can-bo/hang-doi/tat-ca/").content.decode()


def test_queue_pages_follow_cursors_both_ways_at_a_constant_query_count(world):
    for index in range(60):
        act(new_draft(world), Action.SUBMIT, world.citizen, now=T0 + timedelta(minutes=index))
    client = login(world.reception)
    url = "/can-bo/hang-doi/tiep-nhan/"
    first_queries = _queries(client, url)
    html = client.get(url).content.decode()
    seen = [re.findall(r'class="mono" href="/can-bo/ho-so/[^"]+/">([^<]+)</a>', html)]
    pages_html = [html]
    while 'rel="next"' in html:
        following = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert "cursor=" in following and "page=" not in following
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url + following).content.decode()
        assert len(ctx.captured_queries) == first_queries  # page 2 and 3 cost what page 1 costs
        seen.append(re.findall(r'class="mono" href="/can-bo/ho-so/[^"]+/">([^<]+)</a>', html))
        pages_html.append(html)
    codes_in_order = [code for page in seen for code in page]
    assert [len(page) for page in seen] == [25, 25, 10]
    assert len(set(codes_in_order)) == 60
    # Filing order at the desk: no due date yet, so by filing time.
    filed = dict(Dossier.objects.filter(status="submitted").values_list("code", "submitted_at"))
    assert [filed[code] for code in codes_in_order] == sorted(filed.values())
    back = re.search(r'rel="prev" href="([^"]+)"', pages_html[-1]).group(1).replace("&amp;", "&")
    assert "cursor=" in back
    again = re.findall(r'class="mono" href="/can-bo/ho-so/[^"]+/">([^<]+)</a>', client.get(url + back).content.decode())
    assert again == seen[1]
    # A damaged cursor shows the first page rather than an error.
    assert codes(client.get(url, {"cursor": "damaged"})) == set(seen[0])
