from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.log import register_actions, register_data
from core.pickers import register_picker


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Direktori")

    def ready(self):
        from directory.pickers import AgencyPicker, ContactPicker

        register_picker("instansi", AgencyPicker())
        register_picker("tokoh", ContactPicker())
        register_actions(
            {
                "directory.contact.export": _("Data tokoh diekspor"),
                "directory.contact.view": _("Data tokoh dilihat"),
                "directory.contact.list": _("Daftar tokoh dilihat"),
                "directory.contact.subject_report": _("Laporan subjek data tokoh dibuat"),
                "directory.contact.anonymise": _("Data tokoh dianonimkan"),
                "directory.contact.delete": _("Data tokoh dihapus"),
                "directory.region.boundaries_set": _("Batas wilayah dimuat"),
                "directory.agency.merge": _("Instansi duplikat digabungkan"),
            }
        )
        register_data(
            {
                "contacts": _("tokoh (ID)"),
                "codes": _("kode wilayah"),
                "unknown": _("kode tidak dikenal"),
                "kept": _("instansi yang dipertahankan"),
                "merged": _("instansi yang digabungkan dan dihapus"),
                "moved": _("data yang dipindahkan"),
            }
        )
