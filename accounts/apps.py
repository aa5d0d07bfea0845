from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.log import register_actions


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun")

    def ready(self):
        register_actions({"accounts.user.roles": _("Peran pengguna diubah")})
