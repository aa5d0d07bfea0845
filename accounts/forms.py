from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin


class LoginForm(BootstrapMixin, AuthenticationForm):
    # Django's own Indonesian message repeats the field name ("nama pengguna nama pengguna").
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau sandi salah. Perhatikan huruf besar dan kecil pada keduanya."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi administrator portal."),
    }


class PortalPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass
