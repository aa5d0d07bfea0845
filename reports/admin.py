from django.contrib import admin

from reports.models import Letterhead


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    list_display = ["__str__", "logo", "updated_at"]

    def has_add_permission(self, request):
        # One letterhead for the portal.
        return super().has_add_permission(request) and not Letterhead.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
