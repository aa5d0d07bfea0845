from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import password_reset_link_issue


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "agency", "kecamatan", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "agency__kind", "kecamatan"]
    list_select_related = ["agency", "kecamatan"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__name"]
    autocomplete_fields = ["agency", "kecamatan"]
    actions = ["issue_password_reset_link"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Tim Terpadu"), {"fields": ("agency", "kecamatan", "cleared_restricted")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Tim Terpadu"), {"fields": ("first_name", "last_name", "agency", "kecamatan")}),
    )

    @admin.display(description=_("nama lengkap"))
    def get_full_name(self, obj):
        return obj.get_full_name()

    @admin.action(description=_("Buat tautan atur ulang kata sandi"), permissions=["change"])
    def issue_password_reset_link(self, request, queryset):
        """For a user without email, or whose email is lost: a one-time link the admin hands
        over in person."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, _("Pilih tepat satu pengguna."), messages.ERROR)
            return None
        (user,) = users
        if not user.is_active:
            self.message_user(request, _("Akun ini tidak aktif: aktifkan dulu."), messages.ERROR)
            return None
        path = password_reset_link_issue(user=user, by=request.user)
        response = TemplateResponse(
            request,
            "admin/accounts/user/password_reset_link.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "target": user,
                "link": request.build_absolute_uri(path),
                "valid_until": timezone.localtime()
                + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
            },
        )
        add_never_cache_headers(response)
        return response
