from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.log import register_actions, register_data, register_visibility


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun")

    def ready(self):
        from accounts.choices import Role
        from accounts.rules import is_regency_wide
        from directory.models import Contact

        register_actions(
            {
                "accounts.user.roles": _("Peran pengguna diubah"),
                "accounts.password_reset.request": _("Atur ulang kata sandi diminta"),
                "accounts.password_reset.done": _("Kata sandi diatur ulang"),
                "accounts.password_reset.link_issued": _("Tautan atur ulang kata sandi dibuat"),
                "accounts.two_factor.enrolled": _("Verifikasi dua langkah diaktifkan"),
                "accounts.two_factor.recovery_regenerated": _("Kode pemulihan dibuat ulang"),
                "accounts.two_factor.recovery_used": _("Kode pemulihan dipakai untuk masuk"),
                "accounts.two_factor.reset": _("Verifikasi dua langkah diatur ulang oleh admin"),
            }
        )
        # Entries about community-leader contacts name them: for those who see every contact
        # (not scoped to one kecamatan), like the reports' entries (incidents.apps).
        register_visibility(Contact, is_regency_wide)
        # The reset request's address is kept as a digest only (accounts.services).
        register_data({"email": _("alamat surel (sidik)")})
        register_data(
            {"added": _("peran ditambahkan"), "removed": _("peran dicabut")}, choices=Role.choices
        )
