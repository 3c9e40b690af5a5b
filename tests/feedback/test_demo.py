"""seed_demo runs the registered demo seeders: PAKN questions answered and published, once however often it runs."""

from __future__ import annotations

import pytest

from feedback.models import Feedback
from procedures import hooks
from procedures.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_seeders_are_registered():
    assert "feedback.questions" in [hook.name for hook in hooks.demo_seeders()]


def test_seed_demo_publishes_answered_questions_once():
    seed_demo(history=0)
    first = Feedback.objects.count()
    assert first == 3
    assert Feedback.objects.filter(published_at__isnull=False).count() == 2
    seed_demo(history=0)
    assert Feedback.objects.count() == first
