"""`make seed-bench` fills only a database meant for it: the demo or production data must never
receive a million synthetic reports."""

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_seed_bench_refuses_a_database_not_named_for_the_bench():
    with pytest.raises(CommandError, match="not a benchmark database"):
        call_command("seed_bench", "--reports", "10")
    assert not Incident.objects.exists()


def test_seed_bench_refuses_an_empty_load(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "portal_bench")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_bench", "--reports", "0")
