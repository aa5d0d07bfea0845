"""Merging a duplicate agency into the one kept: every record that names it names the kept one,
a link the kept agency already has is not doubled, the duplicate is gone, and the merge is in
the activity log and the history under its reason. Also from the command line, on a database
that migration 0006 stopped on."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from action_plans.models import Activity, ActivitySupport
from core.log import data_lines
from core.models import ActivityLog
from directory.models import Agency, TeamMember
from directory.services import AGENCY_MERGE, agency_merge, agency_merge_preview
from incidents.models import StepAgency
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    HandlingStepFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep():
    return AgencyFactory(name="Dinas Sosial", acronym="Dinsos", kind="pemda")


@pytest.fixture
def duplicate():
    return AgencyFactory(name="Dinas Sosial Kab.", acronym="", kind="lainnya", active=False)


@pytest.fixture
def other():
    return AgencyFactory(name="Polres Jombang", acronym="Polres", kind="polri")


def test_every_kind_of_reference_moves_to_the_kept_agency(keep, duplicate, other):
    operator = UserFactory(agency=duplicate)
    led = ActivityFactory(responsible_agency=duplicate, supporting=[other])
    supported = ActivityFactory(responsible_agency=other, supporting=[duplicate])
    member = TeamMemberFactory(agency=duplicate)
    step = HandlingStepFactory(agencies=[duplicate, other])
    untouched = UserFactory(agency=other)

    result = agency_merge(keep=keep, duplicate=duplicate, reason="Duplikat impor")

    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    assert User.objects.get(pk=operator.pk).agency == keep
    assert Activity.objects.get(pk=led.pk).responsible_agency == keep
    assert set(led.supporting_agencies.all()) == {other}
    assert set(supported.supporting_agencies.all()) == {keep}
    assert TeamMember.objects.get(pk=member.pk).agency == keep
    assert set(step.agencies.all()) == {keep, other}
    assert User.objects.get(pk=untouched.pk).agency == other
    assert result.keep == f"“Dinas Sosial” (ID {keep.pk})"
    assert result.duplicate == f"“Dinas Sosial Kab.” (ID {duplicate.pk})"
    assert {str(r) for r in result.references if r.moved or r.dropped} == {
        "Pengguna (instansi): 1 dipindahkan",
        "Anggota tim (instansi): 1 dipindahkan",
        "Kegiatan (penanggung jawab): 1 dipindahkan",
        "Kegiatan (instansi pendukung): 1 dipindahkan",
        "Tindak lanjut (instansi terlibat): 1 dipindahkan",
    }


def test_the_kept_agency_keeps_its_own_fields(keep, duplicate):
    agency_merge(keep=keep, duplicate=duplicate, reason="")

    keep.refresh_from_db()
    assert (keep.name, keep.acronym, keep.kind, keep.active) == (
        "Dinas Sosial",
        "Dinsos",
        "pemda",
        True,
    )


def test_a_link_the_kept_agency_already_has_is_dropped_not_doubled(keep, duplicate, other):
    step = HandlingStepFactory(agencies=[keep, duplicate])
    activity = ActivityFactory(responsible_agency=other, supporting=[keep, duplicate])

    result = agency_merge(keep=keep, duplicate=duplicate, reason="")

    assert list(StepAgency.objects.filter(handlingstep=step).values_list("agency", flat=True)) == [
        keep.pk
    ]
    assert list(
        ActivitySupport.objects.filter(activity=activity).values_list("agency", flat=True)
    ) == [keep.pk]
    assert {str(r) for r in result.references if r.dropped} == {
        "Kegiatan (instansi pendukung): 1 dilepas (sudah tertaut ke instansi yang dipertahankan)",
        "Tindak lanjut (instansi terlibat): 1 dilepas (sudah tertaut ke instansi yang "
        "dipertahankan)",
    }


def test_the_responsible_agency_is_not_left_among_its_supporting_agencies(keep, duplicate, other):
    # Responsible and supporting before the merge only under different ids.
    led_by_duplicate = ActivityFactory(responsible_agency=duplicate, supporting=[keep, other])
    led_by_keep = ActivityFactory(responsible_agency=keep, supporting=[duplicate])

    result = agency_merge(keep=keep, duplicate=duplicate, reason="")

    led_by_duplicate.refresh_from_db()
    assert led_by_duplicate.responsible_agency == keep
    assert set(led_by_duplicate.supporting_agencies.all()) == {other}
    assert set(led_by_keep.supporting_agencies.all()) == set()
    assert "Kegiatan (instansi pendukung yang juga penanggung jawab): 2 dilepas" in {
        str(r) for r in result.references
    }


def test_the_merge_is_logged_with_both_names_and_ids(keep, duplicate, admin_user):
    UserFactory(agency=duplicate)

    agency_merge(keep=keep, duplicate=duplicate, actor=admin_user, reason=" Duplikat impor ")

    entry = ActivityLog.objects.get(action=AGENCY_MERGE)
    assert entry.actor == admin_user
    assert entry.object_id == str(keep.pk)
    assert entry.data["kept"] == f"“Dinas Sosial” (ID {keep.pk})"
    assert entry.data["merged"] == f"“Dinas Sosial Kab.” (ID {duplicate.pk})"
    assert entry.data["reason"] == "Duplikat impor"
    assert ("data yang dipindahkan", "Pengguna (instansi): 1 dipindahkan") in data_lines(entry.data)


def test_the_history_of_each_changed_row_carries_the_actor_and_reason(keep, duplicate, admin_user):
    member = TeamMemberFactory(agency=duplicate)
    step = HandlingStepFactory(agencies=[duplicate])

    agency_merge(keep=keep, duplicate=duplicate, actor=admin_user, reason="Duplikat impor")

    wanted = {"user": admin_user.pk, "reason": "Duplikat impor"}
    updated = TeamMember.pgh_event_model.objects.filter(pgh_obj=member).latest("pgh_id")
    assert (updated.pgh_label, updated.agency_id) == ("update", keep.pk)
    assert updated.pgh_context.metadata == wanted
    deleted = Agency.pgh_event_model.objects.get(pgh_obj_id=duplicate.pk, pgh_label="delete")
    assert deleted.pgh_context.metadata == wanted
    # A link table's history: the duplicate's link removed, the kept agency's added.
    links = StepAgency.pgh_event_model.objects.filter(handlingstep=step).order_by("pgh_id")
    assert [(e.pgh_label, e.agency_id) for e in links][-2:] == [
        ("delete", duplicate.pk),
        ("insert", keep.pk),
    ]
    assert links.last().pgh_context.metadata == wanted


def test_an_agency_is_not_merged_into_itself(keep):
    UserFactory(agency=keep)

    with pytest.raises(ValidationError) as refused:
        agency_merge(keep=keep, duplicate=Agency.objects.get(pk=keep.pk), reason="")

    assert refused.value.messages == ["Instansi tidak dapat digabungkan dengan dirinya sendiri."]
    assert Agency.objects.filter(pk=keep.pk).exists()
    assert not ActivityLog.objects.filter(action=AGENCY_MERGE).exists()


def test_a_clash_with_a_unique_constraint_is_refused_and_changes_nothing(keep, duplicate):
    # No model has such a constraint on an agency today; one is added for this test (its
    # transaction undoes it), before any row, as a deferred foreign-key check would forbid it.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNIQUE INDEX one_seat_per_agency ON directory_teammember (decree_id, agency_id)"
        )
    kept_seat = TeamMemberFactory(agency=keep)
    duplicate_seat = TeamMemberFactory(agency=duplicate, decree=kept_seat.decree)
    operator = UserFactory(agency=duplicate)

    with pytest.raises(ValidationError) as refused:
        agency_merge(keep=keep, duplicate=duplicate, reason="")

    assert refused.value.messages == [
        f"Instansi tidak dapat digabungkan: Anggota tim (instansi) milik “Dinas Sosial Kab.” "
        f"(ID {duplicate.pk}) bentrok dengan milik “Dinas Sosial” (ID {keep.pk}), padahal hanya "
        "boleh ada satu (batasan one_seat_per_agency). Ubah atau hapus salah satunya lebih "
        "dulu. Tidak ada yang diubah."
    ]
    assert Agency.objects.filter(pk=duplicate.pk).exists()
    assert TeamMember.objects.get(pk=duplicate_seat.pk).agency == duplicate
    assert User.objects.get(pk=operator.pk).agency == duplicate


def test_the_preview_counts_what_the_merge_does_and_changes_nothing(keep, duplicate, other):
    UserFactory(agency=duplicate)
    HandlingStepFactory(agencies=[keep, duplicate])

    preview = agency_merge_preview(keep=keep, duplicate=duplicate)

    assert Agency.objects.filter(pk=duplicate.pk).exists()
    assert User.objects.filter(agency=duplicate).count() == 1
    assert StepAgency.objects.filter(agency=duplicate).count() == 1
    assert not ActivityLog.objects.filter(action=AGENCY_MERGE).exists()
    merged = agency_merge(keep=keep, duplicate=duplicate, reason="")
    assert [str(r) for r in preview.references] == [str(r) for r in merged.references]


# --- the command --------------------------------------------------------------------------------


class Terminal(io.StringIO):
    """Standard input typed at a terminal."""

    def isatty(self):
        return True


def merge_command(*args, stdin=None, monkeypatch):
    monkeypatch.setattr("sys.stdin", stdin if stdin is not None else io.StringIO(""))
    out = io.StringIO()
    call_command("merge_agencies", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_the_command_without_yes_and_without_a_terminal_refuses(keep, duplicate, monkeypatch):
    UserFactory(agency=duplicate)

    with pytest.raises(CommandError) as refused:
        # A line waiting on a pipe is not an answer.
        merge_command(keep.pk, duplicate.pk, stdin=io.StringIO("ya\n"), monkeypatch=monkeypatch)

    assert "--yes" in str(refused.value)
    assert str(refused.value).startswith("Tidak ada terminal untuk meminta konfirmasi")
    assert Agency.objects.filter(pk=duplicate.pk).exists()
    assert User.objects.filter(agency=duplicate).exists()


def test_the_command_with_yes_merges_and_prints_the_counts(keep, duplicate, monkeypatch):
    UserFactory(agency=duplicate)
    UserFactory(agency=duplicate)
    HandlingStepFactory(agencies=[keep, duplicate])

    out = merge_command(
        keep.pk, duplicate.pk, "--yes", "--reason", "Duplikat", monkeypatch=monkeypatch
    )

    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    assert User.objects.filter(agency=keep).count() == 2
    assert f"Dipertahankan: “Dinas Sosial” (ID {keep.pk})" in out
    assert f"Digabungkan lalu dihapus: “Dinas Sosial Kab.” (ID {duplicate.pk})" in out
    assert out.count("  Pengguna (instansi): 2 dipindahkan") == 2  # the preview, then the merge
    assert (
        "  Tindak lanjut (instansi terlibat): 1 dilepas (sudah tertaut ke instansi yang "
        "dipertahankan)"
    ) in out
    assert "digabungkan ke “Dinas Sosial”" in out
    # Names that are not one name in other letters: the operator is told to make sure.
    assert "Perhatian: nama kedua instansi berbeda" in out
    assert ActivityLog.objects.get(action=AGENCY_MERGE).data["reason"] == "Duplikat"


def test_the_command_asks_at_a_terminal(keep, duplicate, monkeypatch):
    UserFactory(agency=duplicate)

    out = merge_command(keep.pk, duplicate.pk, stdin=Terminal("tidak\n"), monkeypatch=monkeypatch)

    assert "Ketik “ya” untuk melanjutkan" in out
    assert "Dibatalkan. Tidak ada yang diubah." in out
    assert Agency.objects.filter(pk=duplicate.pk).exists()

    merge_command(keep.pk, duplicate.pk, stdin=Terminal("ya\n"), monkeypatch=monkeypatch)

    assert not Agency.objects.filter(pk=duplicate.pk).exists()


def test_the_command_says_when_no_record_names_the_duplicate(keep, duplicate, monkeypatch):
    out = merge_command(keep.pk, duplicate.pk, "--yes", monkeypatch=monkeypatch)

    assert "  (tidak ada data yang menyebut instansi duplikat)" in out
    assert not Agency.objects.filter(pk=duplicate.pk).exists()


def test_the_command_names_an_unknown_agency(keep, monkeypatch):
    with pytest.raises(CommandError, match=r"Instansi dengan ID 999999 tidak ada\."):
        merge_command(keep.pk, 999999, "--yes", monkeypatch=monkeypatch)


def test_the_command_refuses_one_agency_twice(keep, monkeypatch):
    with pytest.raises(CommandError, match="dengan dirinya sendiri"):
        merge_command(keep.pk, keep.pk, "--yes", monkeypatch=monkeypatch)


# --- the upgrade that stops at directory 0006 ---------------------------------------------------

BEFORE = ("directory", "0005_agency_names_without_surrounding_spaces")
LATEST = ("directory", "0007_agency_name_unique_ignoring_case")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_after_the_merge_the_migrations_that_stopped_apply(monkeypatch):
    # The database as before this upgrade (this test's transaction undoes it all): the name
    # unique as typed, so one institution could be stored in two letter cases.
    migrate(BEFORE)
    social = Agency.objects.create(name="Dinas Sosial", kind="pemda")
    shouting = Agency.objects.create(name="DINAS SOSIAL", kind="pemda")
    operator = UserFactory(agency=shouting)
    activity = ActivityFactory(responsible_agency=shouting, supporting=[social])

    with pytest.raises(CommandError, match="Migrasi dihentikan"):
        migrate(LATEST)

    out = merge_command(social.pk, shouting.pk, "--yes", monkeypatch=monkeypatch)
    assert "Pengguna (instansi): 1 dipindahkan" in out
    assert "Perhatian" not in out
    # The merge's deferred foreign-key checks run now, as they would at its commit: a table
    # with checks still pending cannot be altered.
    connection.check_constraints()
    migrate(LATEST)

    assert User.objects.get(pk=operator.pk).agency == social
    activity.refresh_from_db()
    assert activity.responsible_agency == social
    assert list(activity.supporting_agencies.all()) == []
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "directory_agency")
    assert "agency_name_unique_ignoring_case" in constraints
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert LATEST in applied
