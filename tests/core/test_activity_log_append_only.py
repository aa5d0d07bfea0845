"""The activity log is append-only, enforced by the database (UU 27/2022): whatever code, the
admin or a SQL session tries, no entry is deleted or rewritten."""

import pytest
from django.db import ProgrammingError, connection, transaction

from core.models import ActivityLog
from tests.factories import ActivityLogFactory


@pytest.fixture
def entry(db):
    return ActivityLogFactory(data={"format": "csv"})


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(ProgrammingError, match="Cannot delete"), transaction.atomic():
        entry.delete()
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_activitylog")
    assert ActivityLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "change", [{"action": "incidents.view"}, {"data": {}}, {"actor": None}, {"object_id": "9"}]
)
def test_an_entry_cannot_be_rewritten(entry, change):
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        ActivityLog.objects.filter(pk=entry.pk).update(**change)
    entry.refresh_from_db()
    assert entry.action == "incidents.export" and entry.data == {"format": "csv"}


def test_only_the_object_name_may_be_replaced_when_a_person_is_anonymised(entry):
    ActivityLog.objects.filter(pk=entry.pk).update(object_repr="Anonim #1")
    entry.refresh_from_db()
    assert entry.object_repr == "Anonim #1"
