"""Password reset by email, on Django's views with the portal's templates and a throttle."""

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalPasswordResetForm, PortalSetPasswordForm
from accounts.services import password_reset_done, password_reset_request


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = PortalPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not password_reset_request(email=email, ip=get_client_ip_address(self.request)):
            form.add_error(
                "email",
                _(
                    "Terlalu banyak permintaan atur ulang kata sandi. Coba lagi satu jam lagi, "
                    "atau minta tautan kepada administrator portal."
                ),
            )
            return self.form_invalid(form)
        # Django logs a failing mail server and still shows the 'sent' page: the answer never
        # tells whether an address has an account.
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = PortalSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_done(user=form.user, ip=get_client_ip_address(self.request))
        # A lockout from forgotten-password attempts ends with the new password.
        axes_reset(username=form.user.get_username())
        return response
