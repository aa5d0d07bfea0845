"""An activity-log entry's data as people read it: registered keys by their Indonesian label and
choice values by their label, lists of changes as "old → new", nested data as "key: value",
empty values left out."""

from django.utils import translation

from core.log import data_lines


def test_entry_data_reads_as_labelled_lines():
    with translation.override("id"):
        lines = _lines()

    assert lines == {
        "status baru": "Diverifikasi",
        "perubahan": "1.1 · anggaran: — → Rp 5.000.000; catatan bebas",
        "saringan": "status: draft; tahun: 2026",
    }


def _lines():
    return dict(
        data_lines(
            {
                "to_status": "diverifikasi",
                "changes": [
                    {"item": "1.1", "field": "anggaran", "old": "", "new": "Rp 5.000.000"},
                    "catatan bebas",
                ],
                "filters": {"status": "draft", "tahun": 2026},
                "note": "",
            }
        )
    )
