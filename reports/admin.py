from django.contrib import admin

from core.admin import LocalDatesAdminMixin
from reports.models import Letterhead


@admin.register(Letterhead)
class LetterheadAdmin(LocalDatesAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "logo", "updated_at"]

    def has_add_permission(self, request):
        # One letterhead for the portal. Checked on the letterhead's own pages only, so the admin
        # menu (on every admin page) costs no query.
        if not super().has_add_permission(request):
            return False
        match = getattr(request, "resolver_match", None)
        if match is None or not (match.url_name or "").startswith("reports_letterhead_"):
            return True
        return not Letterhead.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
