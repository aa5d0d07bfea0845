"""`make seed-bench` fills only a database meant for it: the demo or production data must never
receive a million synthetic reports."""

import pytest
from django.core.management import CommandError, call_command

from dashboard.benchdata import bench_seed
from directory.choices import RegionLevel
from incidents.models import Incident
from tests.factories import RegionFactory
from tests.helpers import author_tally_counted, author_tally_rows

pytestmark = pytest.mark.django_db


def test_seed_bench_refuses_a_database_not_named_for_the_bench():
    with pytest.raises(CommandError, match="bukan basis data bench"):
        call_command("seed_bench", "--reports", "10")
    assert not Incident.objects.exists()


def test_seed_bench_refuses_an_empty_load(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "portal_bench")
    with pytest.raises(CommandError, match="paling sedikit 1"):
        call_command("seed_bench", "--reports", "0")


def test_the_bulk_load_leaves_each_authors_tally_equal_to_counting(
    roles, kecamatan, other_kecamatan, desa, agency
):
    """The load writes with every trigger off (the suite's database owner is a superuser, like
    the local cluster's), then recounts: "my reports by status" must be right at once."""
    # A desa in each kecamatan, so the reports come from both kecamatan's officers.
    RegionFactory(
        code="35.17.05.2001", name="Wonosalam", level=RegionLevel.DESA, parent=other_kecamatan
    )
    result = bench_seed(reports=300)
    assert result["reports"] == 300
    tallied = author_tally_rows()
    assert tallied == author_tally_counted()
    # Several officers in both kecamatan, several statuses, restricted reports and risk levels:
    # not trivially equal.
    assert len({author for author, *_rest in tallied}) >= 2
    assert {kecamatan_id for _a, kecamatan_id, *_rest in tallied} == {
        kecamatan.pk,
        other_kecamatan.pk,
    }
    assert {confidentiality for *_key, confidentiality, _risk in tallied} == {
        "internal",
        "terbatas",
    }
    assert len(tallied) >= 8
