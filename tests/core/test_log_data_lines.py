"""An activity-log entry's data as people read it: registered keys by their Indonesian label and
choice values by their label, lists of changes as "old → new", nested data as "key: value",
empty values left out."""

from django.utils import timezone, translation
from django.utils.formats import date_format

from core.log import data_lines
from core.services import log_action


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


def test_roles_dates_and_addresses_read_in_indonesian(roles):
    with translation.override("id"):
        lines = dict(
            data_lines(
                {
                    "added": ["sekretariat", "pimpinan"],
                    "removed": ["petugas"],
                    "decree_date": "2026-01-15",
                    "ip": "10.0.0.7",
                    "contacts": [12, 15],
                    "note": "2026-01-15",  # a note that looks like a date stays as typed
                    "changes": [{"item": "", "field": "batas", "old": "2026-05-10", "new": ""}],
                }
            )
        )
    assert lines == {
        "peran ditambahkan": "Sekretariat; Pimpinan",
        "peran dicabut": "Petugas",
        "tanggal SK": "15 Januari 2026",
        "alamat IP": "10.0.0.7",
        "tokoh (ID)": "12; 15",
        "catatan": "2026-01-15",
        "perubahan": "batas: 10 Mei 2026 → —",
    }


def test_an_entry_is_named_by_its_time_actor_and_action(admin_user):
    entry = log_action(actor=admin_user, action="incidents.export", format="csv")
    with translation.override("id"):
        name = str(entry)
    assert name.endswith(f" · {admin_user.username} · Laporan diekspor")
    assert date_format(timezone.localtime(entry.at), "DATETIME_FORMAT") in name
