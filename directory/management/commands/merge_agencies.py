"""Merge a duplicate agency into the one kept (directory.services.agency_merge), e.g.

    manage.py merge_agencies 3 7 --reason "Duplikat dari impor 2025"

Meant for the stop of migration directory 0006 (two agency names that differ only in letter
case or spacing), so it must run on a database that 0007 has not reached: the models it uses
differ from that schema only by 0007's unique constraint, which nothing here relies on.
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.management.base import BaseCommand
from core.utils import single_spaced
from directory.models import Agency
from directory.services import agency_merge, agency_merge_preview

YES = {"ya", "y", "yes"}


class Command(BaseCommand):
    help = gettext_lazy(
        "Menggabungkan instansi duplikat ke instansi yang dipertahankan: semua data yang "
        "menyebut instansi duplikat (pengguna, kegiatan RAT, instansi pendukung, anggota tim, "
        "tindak lanjut, …) dipindahkan ke instansi yang dipertahankan, lalu instansi duplikat "
        "dihapus. Data instansi yang dipertahankan tidak diubah. Menampilkan jumlah yang akan "
        "dipindahkan dan meminta konfirmasi kecuali dengan --yes. Gunakan bila `migrate` "
        "berhenti di migrasi directory 0006 karena nama dua instansi hanya berbeda huruf "
        "besar/kecil atau spasi; perintah ini berjalan sebelum migrasi itu selesai."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "keep_id", type=int, help=gettext_lazy("ID instansi yang dipertahankan.")
        )
        parser.add_argument(
            "duplicate_id",
            type=int,
            help=gettext_lazy("ID instansi duplikat yang digabungkan lalu dihapus."),
        )
        parser.add_argument(
            "--reason",
            default="",
            help=gettext_lazy("Alasan, dicatat di log aktivitas dan riwayat data."),
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help=gettext_lazy(
                "Gabungkan tanpa bertanya (wajib bila tidak dijalankan dari terminal, mis. CI)."
            ),
        )

    def handle(self, *args, keep_id, duplicate_id, reason, yes, **options):
        keep, duplicate = self.agency(keep_id), self.agency(duplicate_id)
        try:
            preview = agency_merge_preview(keep=keep, duplicate=duplicate)
            self.stdout.write(_("Dipertahankan: %(agency)s") % {"agency": preview.keep})
            self.stdout.write(
                _("Digabungkan lalu dihapus: %(agency)s") % {"agency": preview.duplicate}
            )
            if single_spaced(keep.name).lower() != single_spaced(duplicate.name).lower():
                # Nothing wrong in itself ("Dinsos" and "Dinas Sosial"), but a mistyped id
                # merges two institutions, and with --yes nobody reads the names above.
                self.stdout.write(
                    self.style.WARNING(
                        _(
                            "Perhatian: nama kedua instansi berbeda, bukan hanya huruf "
                            "besar/kecil atau spasi. Pastikan keduanya instansi yang sama."
                        )
                    )
                )
            self.write_counts(preview, _("Yang akan dipindahkan:"))
            if not yes and not self.confirmed():
                return
            result = agency_merge(keep=keep, duplicate=duplicate, reason=reason)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.write_counts(result, _("Dipindahkan:"))
        self.stdout.write(
            self.style.SUCCESS(
                _("%(duplicate)s digabungkan ke %(keep)s dan dihapus.")
                % {"duplicate": result.duplicate, "keep": result.keep}
            )
        )

    def agency(self, pk):
        agency = Agency.objects.filter(pk=pk).first()
        if agency is None:
            raise CommandError(_("Instansi dengan ID %(ids)s tidak ada.") % {"ids": pk})
        return agency

    def write_counts(self, result, heading):
        self.stdout.write(heading)
        shown = [
            references for references in result.references if references.moved or references.dropped
        ]
        for references in shown:
            self.stdout.write(f"  {references}")
        if not shown:
            self.stdout.write("  " + _("(tidak ada data yang menyebut instansi duplikat)"))

    def confirmed(self) -> bool:
        # Without a terminal (CI, a pipe) nobody can answer: refused rather than read a line
        # that was not meant as an answer, or wait forever.
        if not sys.stdin.isatty():
            raise CommandError(
                _(
                    "Tidak ada terminal untuk meminta konfirmasi: jalankan lagi dengan --yes "
                    "untuk menggabungkan. Tidak ada yang diubah."
                )
            )
        self.stdout.write(_("Gabungkan? Ketik “ya” untuk melanjutkan: "), ending="")
        self.stdout.flush()
        if sys.stdin.readline().strip().lower() in YES:
            return True
        self.stdout.write(_("Dibatalkan. Tidak ada yang diubah."))
        return False
