from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

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

    def add_view(self, request, form_url="", extra_context=None):
        # The menu's "Tambah" link (offered without a query) leads to the letterhead there is.
        existing = Letterhead.objects.only("pk").first()
        if existing is not None and self.has_change_permission(request, existing):
            messages.info(request, _("Kop surat sudah ada: ubah kop surat yang ada."))
            return redirect("admin:reports_letterhead_change", existing.pk)
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False
