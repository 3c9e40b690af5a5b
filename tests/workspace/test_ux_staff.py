"""Sign-in lands staff on their queue; queue counts are capped; the Django admin link only for admin rights."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser.conftest import verified
from tests.conftest import (
    PASSWORD,
    staff_login,  # noqa: I001
)
from tests.procedures.dossier_flow import drive
from workspace.counts import capped_count_text, queue_counts
from workspace.selectors import workspace_memberships

pytestmark = pytest.mark.django_db


def _login(user, **extra):
    verified(user)
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD, **extra})
    return client, response


def test_staff_land_on_their_queue_citizens_on_home_and_next_wins(world):
    assert _login(world.reception)[1].url == reverse("workspace:home")
    assert _login(world.specialist)[1].url == reverse("workspace:home")
    assert _login(world.citizen)[1].url == reverse("home")
    assert _login(world.leader, next="/ioc/")[1].url == "/ioc/"  # a link from an e-mail keeps its page


def test_counts_are_capped_and_cost_about_one_query_per_queue(world, django_assert_max_num_queries):
    for _i in range(3):
        drive(world, "submitted")
    memberships = workspace_memberships(world.reception)
    # About one per queue, plus the reminder policies and the calendar that near-due reads.
    with django_assert_max_num_queries(12):
        counts = queue_counts(user=world.reception, memberships=memberships, cap=2)
    assert counts["tiep-nhan"] == "2+" and counts["qua-han"] == "0"
    assert capped_count_text(100) == "99+" and capped_count_text(99) == "99"


def test_admin_link_only_for_people_with_admin_rights(world):
    world.reception.is_staff = True  # staff flag without any permission: the admin would be empty
    world.reception.save()
    client = Client()
    staff_login(client, world.reception)
    page = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") not in page
    world.leader.is_staff = world.leader.is_superuser = True
    world.leader.save()
    client = Client()
    staff_login(client, world.leader)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(("chosen", "expected"), [("online", "online"), ("post", "post"), ("", "desk")])
def test_delivery_defaults_to_the_channel_the_citizen_chose(world, chosen, expected):
    from workspace.forms import DeliverForm

    dossier = drive(world, "submitted")
    dossier.data = {**dossier.data, "delivery_method": chosen}
    form = DeliverForm(dossier=dossier)
    assert form["channel"].value() == expected
