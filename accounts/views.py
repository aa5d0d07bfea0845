"""Password reset by email, on Django's views with the portal's templates and a throttle;
two-factor login: set-up, the code step after the password, recovery codes."""

import time
import uuid

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device

from accounts import two_factor
from accounts.forms import (
    PortalPasswordChangeForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    TwoFactorCodeForm,
    TwoFactorSetupForm,
)
from accounts.middleware import TwoFactorRequiredMiddleware
from accounts.services import ResetRequest, password_reset_done, password_reset_request
from core.mixins import SUBMISSION_FIELD
from core.services import AlreadySubmitted, submission_claim, submission_done, submission_earlier
from core.sessions import SessionStore
from core.utils import parse_uuid


def form_token(request) -> str:
    """The token of the rendered form that was sent ({% submission_token_input %}); "" for
    none (an old page, a script)."""
    token = parse_uuid(request.POST.get(SUBMISSION_FIELD))
    return str(token) if token else ""


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = PortalPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        outcome = password_reset_request(email=email, ip=get_client_ip_address(self.request))
        if outcome is ResetRequest.JUST_SENT:
            # The form sent twice: the first request's email is on its way; same answer.
            return redirect(self.get_success_url())
        if outcome is ResetRequest.TOO_MANY:
            form.add_error(
                "email",
                _(
                    "Terlalu banyak permintaan atur ulang kata sandi. Coba lagi satu jam lagi, "
                    "atau minta tautan kepada administrator portal."
                ),
            )
            return self.form_invalid(form)
        # The answer never tells whether an address has an account: the same page, and the
        # email (if any) written and sent only after the answer has gone out, so the time an
        # SMTP conversation takes does not tell either. Django logs a failing mail server.
        form.save(
            use_https=self.request.is_secure(),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return RedirectThen(self.get_success_url(), then=form.send_deferred)


class RedirectThen(HttpResponseRedirect):
    """A redirect that runs `then` after it has been sent: the WSGI server (gunicorn, the
    development server) calls `close()` once the answer is written to the socket; Django's test
    client calls it before handing the answer back."""

    def __init__(self, url, *, then):
        super().__init__(url)
        self.then = then

    def close(self):
        try:
            super().close()
        finally:
            self.then()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view. A reset marks this browser's session with the form that did it
    (`DONE_FOR`): that form sent again (a double tap) finds the link used up by the first send,
    and is told the password was saved instead of the link being no longer valid. Another form
    (a second tab with another password) is still told the link is used up, and no other
    browser learns anything here."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = PortalSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    DONE_FOR = "_password_reset_done_for"
    DONE_WINDOW_SECONDS = 10 * 60

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "POST" and not self.validlink and self.done_here(kwargs["uidb64"]):
            messages.info(request, _("Kata sandi Anda sudah diatur ulang oleh kiriman sebelumnya."))
            return redirect(self.success_url)
        return response

    def done_here(self, uidb64: str) -> bool:
        mark = self.request.session.get(self.DONE_FOR)
        return (
            isinstance(mark, dict)
            and mark.get("uid") == uidb64
            and mark.get("form") == form_token(self.request)
            and time.time() - mark.get("at", 0) < self.DONE_WINDOW_SECONDS
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if form_token(self.request):
            self.request.session[self.DONE_FOR] = {
                "uid": self.kwargs["uidb64"],
                "form": form_token(self.request),
                "at": int(time.time()),
            }
        password_reset_done(user=form.user, ip=get_client_ip_address(self.request))
        # A lockout from forgotten-password attempts ends with the new password.
        axes_reset(username=form.user.get_username())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view. A change moves the session to a new key (update_session_auth_hash); under
    the old key a note of the form that did it stays for a minute (`PASSWORD_CHANGED`), so that
    form sent again with the old key (a double tap) is answered as done and leaves the
    browser's cookie alone."""

    template_name = "accounts/password_change.html"
    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")
    PASSWORD_CHANGED = "_password_changed"
    DONE_BEFORE = _("Kata sandi Anda sudah diubah oleh kiriman sebelumnya.")
    NOTE_SECONDS = 60

    def dispatch(self, request, *args, **kwargs):
        note = request.session.get(self.PASSWORD_CHANGED)
        if not request.user.is_authenticated and note and note == form_token(request):
            # Sent twice: the first request changed the password and signed this tab in under
            # a new key. The login page would delete the cookie, that new key with it.
            messages.info(request, self.DONE_BEFORE)
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)
        if old_key and form_token(self.request):
            # Without a sign-in: the old key opens nothing.
            SessionStore.leave_note(
                old_key, {self.PASSWORD_CHANGED: form_token(self.request)}, self.NOTE_SECONDS
            )
        return response

    def form_invalid(self, form):
        # Sent twice (a double tap): the first request changed the password, so the second finds
        # the old one wrong, and the browser shows that answer. The new password typed twice is
        # already the account's: say it is done.
        new = form.data.get("new_password1", "")
        if (
            list(form.errors) == ["old_password"]
            and new
            and new == form.data.get("new_password2")
            and self.request.user.check_password(new)
        ):
            messages.info(self.request, self.DONE_BEFORE)
            return redirect(self.get_success_url())
        return super().form_invalid(form)


class TwoFactorMixin(LoginRequiredMixin):
    def next_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def show_recovery_codes(self, codes: list[str]):
        response = render(self.request, "accounts/two_factor_recovery_codes.html", {"codes": codes})
        add_never_cache_headers(response)
        return response


class TwoFactorView(TwoFactorMixin, TemplateView):
    """The account's two-factor status: set it up, or make new recovery codes."""

    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            enrolled=two_factor.is_enrolled(user),
            required=two_factor.is_required(user),
            codes_left=two_factor.recovery_codes_left(user),
            **kwargs,
        )


class TwoFactorSetupView(TwoFactorMixin, View):
    """Scan the QR code (or type the key) into an authenticator app, confirm with a code."""

    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        # The form sent again after it confirmed the authenticator (a double tap): it would now
        # be a wrong code for a new one, or the code page.
        if (
            request.method == "POST"
            and user.is_authenticated
            and submission_earlier(token=request.POST.get(SUBMISSION_FIELD), by=user)
        ):
            return self.sent_twice()
        # Replacing an authenticator needs the current one: a stolen password alone must not
        # be enough to add the thief's phone.
        if user.is_authenticated and two_factor.is_enrolled(user) and not user.is_verified():
            # The session may still say "no authenticator" (TwoFactorRequiredMiddleware), e.g.
            # written back by a request that ran beside the set-up: it would send the code page
            # back here, and the browser round in circles.
            request.session.pop(TwoFactorRequiredMiddleware.NO_DEVICE_KEY, None)
            return redirect("accounts:two_factor_verify")
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200):
        device = two_factor.totp_pending(user=self.request.user)
        context = {
            "form": form,
            "qr_svg": mark_safe(two_factor.totp_qr_svg(device)),  # segno's own markup, no input
            "manual_key": two_factor.totp_manual_key(device),
            "next": self.next_url(),
            "submission_token": parse_uuid(self.request.POST.get(SUBMISSION_FIELD)) or uuid.uuid4(),
        }
        response = render(self.request, self.template_name, context, status=status)
        add_never_cache_headers(response)
        return response

    def get(self, request):
        return self.page(TwoFactorSetupForm())

    def post(self, request):
        form = TwoFactorSetupForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        device = two_factor.totp_pending(user=request.user, create=False)
        if device is None and two_factor.is_enrolled(request.user):
            # Confirmed by the other tap since this one passed dispatch(): a new secret now
            # would answer "Kode tidak cocok" with a QR code nobody scanned.
            return self.sent_twice()
        device = device or two_factor.totp_pending(user=request.user)
        waiting = two_factor.device_wait_seconds(device)  # before this code counts
        try:
            with transaction.atomic():
                codes = two_factor.totp_confirm(
                    device=device, code=form.cleaned_data["code"], by=request.user
                )
                if codes is not None:
                    claimed = submission_claim(
                        token=request.POST.get(SUBMISSION_FIELD), by=request.user
                    )
                    submission_done(submission=claimed, url=reverse("accounts:two_factor"))
        except (two_factor.AlreadyEnrolled, AlreadySubmitted):
            return self.sent_twice()
        if codes is None:
            if waiting:
                # Throttled after wrong codes, this code was not even looked at: blaming the
                # phone's clock sent the person after a fault that was not there.
                message = _(
                    "Terlalu banyak kode salah. Tunggu %(seconds)s detik sebelum mencoba lagi."
                ) % {"seconds": waiting}
            else:
                message = _(
                    "Kode tidak cocok. Periksa jam ponsel (harus tepat) dan masukkan kode yang "
                    "sedang tampil."
                )
            form.add_error("code", message)
            return self.page(form, status=400)
        device.refresh_from_db()
        otp_login(request, device)
        request.session.pop(TwoFactorRequiredMiddleware.NO_DEVICE_KEY, None)
        return self.show_recovery_codes(codes)

    def sent_twice(self):
        """The other request confirmed the authenticator and showed the recovery codes; the
        browser shows this answer instead, so say where to get codes that can be seen."""
        messages.warning(
            self.request,
            _(
                "Aplikasi autentikator sudah aktif: formulir terkirim dua kali. Kode pemulihan "
                "hanya ditampilkan sekali, pada kiriman pertama. Bila Anda belum menyimpannya, "
                "buat kode pemulihan baru di halaman Verifikasi dua langkah."
            ),
        )
        return redirect("accounts:two_factor")


class TwoFactorVerifyView(TwoFactorMixin, View):
    """The second step of signing in: a code from the app or a recovery code."""

    template_name = "accounts/two_factor_verify.html"

    def page(self, form, status=200):
        return render(
            self.request, self.template_name, {"form": form, "next": self.next_url()}, status=status
        )

    def get(self, request):
        if request.user.is_verified() or not two_factor.is_enrolled(request.user):
            return redirect(self.next_url())
        return self.page(TwoFactorCodeForm())

    def post(self, request):
        if request.user.is_verified():
            # Sent twice: the first tap used the code and this session is through; the code,
            # used up, would now be refused and counted as a wrong one.
            return redirect(self.next_url())
        form = TwoFactorCodeForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        with transaction.atomic():
            # Sent twice at the same moment: the account's codes are checked in turn, and the
            # session stored with the lock held, so the tap that waited finds it through.
            two_factor.two_factor_lock(user=request.user)
            if self.passed_meanwhile():
                return redirect(self.next_url())
            device = two_factor.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                request.session.save()
        if device is None:
            form.add_error("code", _("Kode salah atau sudah dipakai."))
            # django-otp doubles the wait after each wrong code; say how long it is.
            wait = two_factor.two_factor_wait_seconds(request.user)
            if wait:
                form.add_error(
                    "code",
                    _("Tunggu %(seconds)s detik sebelum mencoba lagi.") % {"seconds": wait},
                )
            return self.page(form, status=400)
        return redirect(self.next_url())

    def passed_meanwhile(self) -> bool:
        """Whether this session passed the second factor in another request since this one
        read it."""
        stored = SessionStore(session_key=self.request.session.session_key)
        device_id = stored.get(DEVICE_ID_SESSION_KEY)
        device = Device.from_persistent_id(device_id) if device_id else None
        return device is not None and device.user_id == self.request.user.pk


class TwoFactorRecoveryView(TwoFactorMixin, View):
    """New recovery codes (POST), shown once; the old ones stop working."""

    def post(self, request):
        if not two_factor.is_enrolled(request.user) or not request.user.is_verified():
            return redirect("accounts:two_factor")
        codes = two_factor.recovery_codes_regenerate(user=request.user, by=request.user)
        return self.show_recovery_codes(codes)
