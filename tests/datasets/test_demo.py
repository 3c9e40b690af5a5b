"""seed_demo publishes the demonstration sector datasets once, labelled as such, and pins one on the leaders' IOC."""

from __future__ import annotations

import pytest

from datasets.models import Dataset, DatasetStatus, PinnedPanel
from procedures.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_datasets():
    seed_demo(history=0)
    seed_demo(history=0)
    datasets = Dataset.objects.all()
    assert {d.sector for d in datasets} == {"health", "education", "labour", "prices"}
    assert datasets.count() == 5
    assert all(d.is_demo and d.status == DatasetStatus.PUBLISHED and d.versions.count() == 1 for d in datasets)
    assert PinnedPanel.objects.filter(user__email="leader@example.org").count() == 1
