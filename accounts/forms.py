import logging

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

logger = logging.getLogger(__name__)


class LoginForm(BootstrapMixin, AuthenticationForm):
    # Django's own Indonesian message repeats the field name ("nama pengguna nama pengguna").
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau sandi salah. Perhatikan huruf besar dan kecil pada keduanya."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi administrator portal."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets max_length after the field is built, so it is never checked:
        # an over-long name would reach the lockout log (255 characters) and fail there.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class PortalPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass


class PortalPasswordResetForm(BootstrapMixin, PasswordResetForm):
    """Django's form, except that the email is only written and sent by `send_deferred`, which
    the view runs once its answer has gone out: otherwise the time an SMTP conversation takes
    would tell whoever asks whether the address has an account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deferred = []

    def send_mail(self, *args, **kwargs):
        send = super().send_mail
        # Written in the language of the page it was asked from, as Django's form would.
        language = translation.get_language()

        def deferred():
            with translation.override(language):
                send(*args, **kwargs)

        self.deferred.append(deferred)

    def send_deferred(self):
        """Write and send the emails of `save()`. Django's `send_mail` already logs a mail
        server that refuses; anything else is logged here too, the answer being long gone."""
        deferred, self.deferred = self.deferred, []
        for send in deferred:
            try:
                send()
            except Exception:
                logger.exception("Password reset email not sent")


class PortalSetPasswordForm(BootstrapMixin, SetPasswordForm):
    pass


class TwoFactorCodeForm(BootstrapMixin, forms.Form):
    """One field for either code: the six digits of the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=32,
        help_text=_("Enam angka dari aplikasi autentikator, atau salah satu kode pemulihan."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class TwoFactorSetupForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Kode dari aplikasi"),
        max_length=12,
        help_text=_("Enam angka yang sekarang tampil di aplikasi autentikator."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
