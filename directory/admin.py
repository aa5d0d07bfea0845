from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from core.services import log_action
from directory.models import Agency, Contact, Region, TeamDecree, TeamMember
from directory.resources import AgencyResource, ContactResource

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LabelledExportForm(SelectableFieldsExportForm):
    """Each column is offered by its header ("Tanggal dasar pemrosesan"), not by the field name
    turned into English ("Legal Basis Date")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return str(field.column_name) if field else field_name


class SpreadsheetImportExportAdmin(ImportExportModelAdmin):
    """Excel and CSV only; the import page lists every bad row by its line in the file and offers
    an Excel template to fill. Exported files are named in Indonesian."""

    formats = [XLSX, CSV]
    export_form_class = LabelledExportForm
    import_template_name = "admin/directory/import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        template = path(
            "import/templat.xlsx",
            self.admin_site.admin_view(self.import_template_view),
            name="{}_{}_import_template".format(*info),
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        response = HttpResponse(resource.template(), content_type=XLSX_TYPE)
        name = slugify(self.opts.verbose_name_plural)
        response["Content-Disposition"] = f'attachment; filename="templat-impor-{name}.xlsx"'
        return response

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(self.opts.verbose_name_plural)
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def export_action(self, request):
        # The export takes the changelist's filters from the URL; one the changelist does not
        # know would fail deep in the query. Refuse it on the list instead, exporting nothing.
        try:
            self.get_export_queryset(request)
        except IncorrectLookupParameters:
            messages.error(
                request, _("Filter ekspor tidak dikenal atau tidak valid; tidak ada yang diekspor.")
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return super().export_action(request)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Agency)
class AgencyAdmin(SpreadsheetImportExportAdmin):
    resource_classes = [AgencyResource]
    list_display = ["name", "acronym", "kind", "region", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["region"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["region"]


@admin.register(Contact)
class ContactAdmin(SpreadsheetImportExportAdmin):
    resource_classes = [ContactResource]
    list_display = ["name", "kind", "organisation", "region", "phone", "active"]
    list_filter = ["kind", "legal_basis", "active"]
    list_select_related = ["region"]
    search_fields = ["name", "organisation", "community", "phone"]
    autocomplete_fields = ["region"]
    readonly_fields = ["created_at", "updated_at"]

    def has_export_permission(self, request):
        return request.user.has_perm("directory.export_contact")

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # Contacts are personal data: who exported them, and how many, is kept (UU 27/2022).
        log_action(
            actor=request.user,
            action="directory.contact.export",
            format=file_format.get_title(),
            count=queryset.count(),
        )
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def get_queryset(self, request):
        # Personal data: even in the admin, start from what this user may see.
        return Contact.objects.visible_to(request.user).select_related("region")


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(TeamDecree)
class TeamDecreeAdmin(admin.ModelAdmin):
    list_display = ["year", "number", "decree_date", "member_count"]
    list_filter = [("members__agency", admin.RelatedOnlyFieldListFilter), "members__sub_team"]
    search_fields = ["number", "members__person_name", "members__agency__name"]
    inlines = [TeamMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_members=Count("members"))

    @admin.display(description=_("jumlah anggota"), ordering="num_members")
    def member_count(self, obj):
        return obj.num_members
