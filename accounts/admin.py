from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "agency", "kecamatan", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "agency__kind", "kecamatan"]
    list_select_related = ["agency", "kecamatan"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__name"]
    autocomplete_fields = ["agency", "kecamatan"]
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
