import csv
import datetime
import os
import re
import uuid

import pghistory
from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from core.admin import (
    AutocompleteAdminMixin,
    ChangedMeanwhileAdminForm,
    LocalDatesAdminMixin,
    yes_no_column,
    yes_no_icon,
)
from core.forms import SafeJSONField
from core.imports import kept_imports_folder, remove_kept_import
from core.models import ActivityLog
from core.services import log_action
from core.utils import spreadsheet_safe
from directory import resources as directory_resources
from directory.formats import SpreadsheetCSV, SpreadsheetXLSX
from directory.models import Agency, Contact, Region, TeamDecree, TeamMember
from directory.resources import (
    AgencyResource,
    ContactResource,
    FileTooLarge,
    ImportFileError,
)
from directory.services import (
    CONTACT_LIST,
    CONTACT_SUBJECT_REPORT,
    CONTACT_VIEW,
    BoundaryImportError,
    contact_access_log,
    contact_anonymise,
    contact_delete,
    read_boundary_collection,
    region_boundaries_load,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LabelledExportForm(SelectableFieldsExportForm):
    """Each column is offered by its header ("Tanggal dasar pemrosesan"), not by the field name
    turned into English ("Legal Basis Date")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return str(field.column_name) if field else field_name


class BoundedImportForm(ImportForm):
    """Refuses a file over IMPORT_MAX_BYTES before it is kept or read."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > directory_resources.IMPORT_MAX_BYTES:
            raise forms.ValidationError(str(FileTooLarge()))
        return upload


class SpreadsheetImportExportAdmin(LocalDatesAdminMixin, ImportExportModelAdmin):
    """Excel and CSV only; the import page lists every bad row by its line in the file and offers
    an Excel template to fill. Exported files are named in Indonesian."""

    formats = [SpreadsheetXLSX, SpreadsheetCSV]
    import_form_class = BoundedImportForm
    export_form_class = LabelledExportForm
    import_template_name = "admin/directory/import.html"

    # The files this session's previews kept for their confirmation (tempfile names, newest
    # last): a confirmation may take only one of those, never another file of the folder.
    KEPT_IMPORTS = "_kept_imports"

    def add_data_read_fail_error_to_form(self, form, e):
        # The library's message names the exception in English ('UnicodeDecodeError').
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                gettext(
                    "Berkas tidak dapat dibaca. Pastikan format yang dipilih (xlsx atau csv) "
                    "sesuai dengan berkasnya."
                ),
            )

    def has_export_permission(self, request):
        # django-import-export lets every staff user export unless told otherwise, even one
        # who may not see the list.
        return self.has_view_permission(request)

    def has_import_permission(self, request):
        # django-import-export lets every staff user import unless told otherwise.
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.import_{opts.model_name}")

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            kept = request.session.get(self.KEPT_IMPORTS, [])[-4:]
            request.session[self.KEPT_IMPORTS] = [
                *kept,
                os.path.basename(initial["import_file_name"]),
            ]
        return initial

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # A preview with bad rows offers no confirmation: its kept upload goes at once.
        kept = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        context = getattr(response, "context_data", None) or {}
        if kept and "confirm_form" not in context:
            remove_kept_import(kept)
        return response

    def process_import(self, request, **kwargs):
        """The confirmation takes the file kept since this session's preview by renaming it
        (atomically) before the import reads it: a second confirmation of the same upload (a
        double tap, a second tab, the back button) finds nothing and imports nothing, instead
        of importing the rows twice or failing on a file already removed. A confirmation whose
        hidden fields were changed (a format or resource that does not exist, a file this
        session did not upload) imports nothing either."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if form.is_valid():
            kept = form.cleaned_data["import_file_name"]
            formats = self.get_import_formats()
            resources = self.get_import_resource_classes(request)
            if (
                kept not in request.session.get(self.KEPT_IMPORTS, [])
                or form.cleaned_data["format"] not in {str(i) for i in range(len(formats))}
                or (form.cleaned_data["resource"] or "0")
                not in {str(i) for i in range(len(resources))}
            ):
                return self._import_already_confirmed(request)
            request.session[self.KEPT_IMPORTS] = [
                name for name in request.session[self.KEPT_IMPORTS] if name != kept
            ]
            taken = f"{kept}.{uuid.uuid4().hex}"
            folder = kept_imports_folder()
            try:
                os.rename(os.path.join(folder, kept), os.path.join(folder, taken))
            except FileNotFoundError:
                return self._import_already_confirmed(request)
            request.POST = request.POST.copy()
            request.POST["import_file_name"] = taken
        return super().process_import(request, **kwargs)

    def process_dataset(self, dataset, form, request, **kwargs):
        # All or nothing at the confirmation too: a row that turned bad since the preview (its
        # contact anonymised or deleted meanwhile) was skipped while the others were saved.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        """After the confirmation: saved, or (a row turned bad since the preview) nothing saved
        and the import page again with the rows to fix. The library said "Impor selesai" and
        logged rows it had not saved."""
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        problems = [f"{error.error}" for error in result.base_errors]
        problems += [
            gettext("Baris %(line)s: %(error)s") % {"line": line + 1, "error": error.error}
            for line, errors in result.row_errors()
            for error in errors
        ]
        problems += [
            gettext("Baris %(line)s: %(error)s")
            % {
                "line": row.number + 1,
                "error": "; ".join(
                    [
                        f"{column}: {' '.join(errors)}"
                        for column, errors in row.field_specific_errors.items()
                    ]
                    + [str(error) for error in row.non_field_specific_errors]
                ),
            }
            for row in result.invalid_rows
        ]
        messages.error(
            request,
            gettext(
                "Impor dibatalkan, tidak ada yang disimpan: data berubah sejak pratinjau. "
                "%(problems)s Unggah berkasnya lagi setelah diperbaiki."
            )
            % {"problems": " ".join(problems[:5])},
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")

    IMPORT_LOG_MESSAGES = {
        "new": _("Ditambahkan lewat impor berkas."),
        "update": _("Diubah lewat impor berkas."),
        "delete": _("Dihapus lewat impor berkas."),
    }

    def _create_log_entry(self, user_pk, rows, import_type, action_flag):
        """The object's history says how it came in Indonesian: the library's "new through
        import_export" is formatted before it is translated, so it never was. Stored text, in
        the portal's language."""
        if not rows:
            return
        with translation.override(settings.LANGUAGE_CODE):
            message = str(self.IMPORT_LOG_MESSAGES.get(import_type, import_type))
        LogEntry.objects.log_actions(
            user_pk, rows, action_flag, change_message=message, single_object=len(rows) == 1
        )

    def _import_already_confirmed(self, request):
        messages.error(
            request,
            _(
                "Impor ini sudah dikonfirmasi atau berkasnya tidak ada lagi; tidak ada yang "
                "diimpor lagi. Unggah berkasnya kembali bila perlu."
            ),
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")

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
        resource = self.get_import_resource_classes(request)[0](
            **self.get_import_resource_kwargs(request)
        )
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


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas GeoJSON"),
        help_text=_(
            "FeatureCollection; setiap fitur memuat kode Kemendagri wilayah (mis. 35.17.08) "
            "pada properti di bawah ini."
        ),
    )
    code_property = forms.CharField(label=_("Properti kode"), initial="kode", max_length=50)


class HasBoundaryFilter(admin.SimpleListFilter):
    title = _("batas wilayah")
    parameter_name = "batas"

    def lookups(self, request, model_admin):
        return [("ada", _("Ada")), ("belum", _("Belum ada"))]

    def queryset(self, request, queryset):
        if self.value() == "ada":
            return queryset.filter(boundary__isnull=False)
        if self.value() == "belum":
            return queryset.filter(boundary__isnull=True)
        return queryset


@admin.register(Region)
class RegionAdmin(AutocompleteAdminMixin, LocalDatesAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "latitude", "longitude", "has_boundary"]
    list_filter = ["level", HasBoundaryFilter]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    change_list_template = "admin/directory/region/change_list.html"
    formfield_overrides = {models.JSONField: {"form_class": SafeJSONField}}

    def get_queryset(self, request):
        # The outline can be large; the list only says whether there is one (reading the
        # deferred field for that was a query per row, each loading the whole outline).
        return (
            super()
            .get_queryset(request)
            .defer("boundary")
            .annotate(
                outlined=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField())
            )
        )

    @admin.display(description=_("batas"))
    def has_boundary(self, obj):
        return yes_no_icon(obj.outlined)

    # A region changes what a whole kecamatan's records mean (directory.manage_regions).
    def has_add_permission(self, request):
        return super().has_add_permission(request) and request.user.has_perm(
            "directory.manage_regions"
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "directory.manage_regions"
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and request.user.has_perm(
            "directory.manage_regions"
        )

    # Pickers of other admins offering only the regions the user works in (their form fields
    # are narrowed the same way): (app label, model name, field name).
    SCOPED_PICKERS = {("directory", "contact", "region")}

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        picker = tuple(request.GET.get(key) for key in ("app_label", "model_name", "field_name"))
        if picker in self.SCOPED_PICKERS:
            results = results.filter(pk__in=Region.objects.visible_to(request.user).values("pk"))
        return results, may_have_duplicates

    def get_urls(self):
        return [
            path(
                "batas/unggah/",
                self.admin_site.admin_view(self.boundary_upload_view),
                name="directory_region_boundary_upload",
            ),
            *super().get_urls(),
        ]

    def boundary_upload_view(self, request):
        """Load outlines from an uploaded GeoJSON FeatureCollection (same rules as the
        `load_region_boundaries` command): all or nothing, each problem named."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = BoundaryUploadForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > settings.REGION_BOUNDARY_MAX_BYTES:
                    raise BoundaryImportError(
                        [
                            gettext("Berkas terlalu besar: maksimal %(mb)s MB.")
                            % {"mb": settings.REGION_BOUNDARY_MAX_BYTES // (1024 * 1024)}
                        ]
                    )
                collection = read_boundary_collection(upload.read())
                result = region_boundaries_load(
                    collection=collection,
                    by=request.user,
                    code_property=form.cleaned_data["code_property"].strip(),
                )
            except BoundaryImportError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    gettext("Batas wilayah dimuat untuk %(n)s wilayah.")
                    % {"n": len(result.updated)},
                )
                if result.unknown:
                    messages.warning(request, result.skipped_note())
                return redirect("admin:directory_region_changelist")
        return TemplateResponse(
            request,
            "admin/directory/region/boundary_upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "problems": problems,
                "title": gettext("Unggah batas wilayah (GeoJSON)"),
            },
        )


class KeptWhileNamedMixin:
    """An agency or contact named by a record (an activity's supporting agencies, a handling
    step's agencies and contacts) is not deleted: the links went with it, and closed plans and
    past steps changed after the fact without a revision. Django's delete page lists the
    records instead; deactivating (or anonymising a contact) is the way."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            for relation in obj._meta.related_objects:
                if not relation.many_to_many:
                    continue
                named = getattr(obj, relation.get_accessor_name()).count()
                if named:
                    protected.append(
                        gettext("%(object)s: disebut di %(count)s %(records)s")
                        % {
                            "object": obj,
                            "count": named,
                            "records": relation.related_model._meta.verbose_name_plural,
                        }
                    )
        return deleted, counts, perms_needed, protected


@admin.register(Agency)
class AgencyAdmin(KeptWhileNamedMixin, AutocompleteAdminMixin, SpreadsheetImportExportAdmin):
    form = ChangedMeanwhileAdminForm
    resource_classes = [AgencyResource]
    list_display = ["name", "acronym", "kind", "region", yes_no_column("active", _("aktif"))]
    list_filter = ["kind", "active"]
    list_select_related = ["region"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["region"]


@admin.register(Contact)
class ContactAdmin(KeptWhileNamedMixin, AutocompleteAdminMixin, SpreadsheetImportExportAdmin):
    form = ChangedMeanwhileAdminForm
    resource_classes = [ContactResource]
    list_display = [
        "name",
        "kind",
        "organisation",
        "region",
        "phone",
        yes_no_column("active", _("aktif")),
    ]
    list_filter = ["kind", "legal_basis", "active"]
    list_select_related = ["region"]
    search_fields = ["name", "organisation", "community", "phone"]
    autocomplete_fields = ["region"]
    readonly_fields = ["created_at", "updated_at", "personal_data"]

    def get_resource_kwargs(self, request, *args, **kwargs):
        # The import finds, overwrites and names only the contacts and regions this user may
        # see (ContactResource), as the list does.
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def import_action(self, request, **kwargs):
        """The preview shows the stored data of the contacts the file's rows matched: logged
        as the list is (UU 27/2022)."""
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        self.log_contacts_shown(request, getattr(result, "contacts_shown", None))
        return response

    @staticmethod
    def log_contacts_shown(request, ids) -> None:
        if ids:
            log_action(
                actor=request.user,
                action=CONTACT_LIST,
                ip=get_client_ip_address(request),
                contacts=sorted(ids),
            )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A contact is saved only in a region the user works in: one saved in another
        # kecamatan vanished from a scoped administrator's own list. (The picker's search is
        # narrowed the same way: RegionAdmin.get_search_results.)
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.visible_to(request.user)
            # Without a region a scoped administrator's new contact would vanish the same way.
            if request.user.kecamatan_id:
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("data pribadi"))
    def personal_data(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:directory_contact_subject_report", args=[obj.pk]),
            gettext("Laporan subjek data: isi yang disimpan dan setiap akses"),
        )

    def delete_model(self, request, obj):
        # Anonymised first (contact_delete): the history and the logs keep no name, and the
        # admin's deletion entry (written just before) is renamed with the rest.
        contact_delete(contact=obj, by=request.user, ip=get_client_ip_address(request))

    def delete_queryset(self, request, queryset):
        for contact in queryset:
            self.delete_model(request, contact)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Opening a contact shows its personal data: who looked, when, from where (UU 27/2022).
        if obj is not None and obj.pk is not None:
            contact_access_log(
                contact=obj, by=request.user, action=CONTACT_VIEW, ip=get_client_ip_address(request)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        """A number typed as people write it (0812…) finds the contact stored as +62812…."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        local = re.sub(r"[\s.-]", "", search_term)
        if re.fullmatch(r"0\d{2,14}", local):
            results |= queryset.filter(phone__startswith="+62" + local[1:])
        return results, may_have_duplicates

    def changelist_view(self, request, extra_context=None):
        """The list shows names and phone numbers (and finds whose a number is): who saw which
        contacts, when and from where is kept, as for one contact's page (UU 27/2022); each
        contact's data-subject report finds the entry by its id."""
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and request.method == "GET":
            self.log_contacts_shown(request, [contact.pk for contact in changelist.result_list])
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/data-subjek/",
                view(self.subject_report_view),
                name="directory_contact_subject_report",
            ),
            path(
                "<int:object_id>/anonimkan/",
                view(require_POST(self.anonymise_view)),
                name="directory_contact_anonymise",
            ),
            *super().get_urls(),
        ]

    def _personal_data_contact(self, request, object_id) -> Contact:
        if not request.user.has_perm("directory.manage_contact_personal_data"):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    SUBJECT_REPORT_ACCESSES = 1000

    def subject_report_view(self, request, object_id):
        """Everything stored about one contact, what refers to it, and every access to it;
        on screen or as CSV."""
        contact = self._personal_data_contact(request, object_id)
        as_csv = request.GET.get("format") == "csv"
        fields = [
            (str(field.verbose_name), self._field_display(contact, field))
            for field in contact._meta.concrete_fields
        ]
        # What refers to the contact, counted per kind of record (the directory cannot name the
        # apps above it; the model's relations can).
        references = []
        for rel in contact._meta.related_objects:
            count = rel.related_model._base_manager.filter(**{rel.field.name: contact}).count()
            if count:
                label = rel.related_model._meta.verbose_name_plural
                if issubclass(rel.related_model, pghistory.models.Event):
                    label = _("versi tersimpan di riwayat perubahan")
                references.append((str(label), count))
        # Its own entries, and pages of other records that showed it (they list its id).
        logged = (
            ActivityLog.objects.for_object(contact)
            | ActivityLog.objects.filter(data__contacts__contains=[contact.pk])
        ).order_by("-at", "-pk")
        if as_csv:  # the whole record, for the person who asked
            accesses = list(logged.select_related("actor"))
            access_total = len(accesses)
        else:
            # Every list page that showed the contact counts: on the page, the newest, with
            # the total.
            accesses = list(logged.select_related("actor")[: self.SUBJECT_REPORT_ACCESSES + 1])
            access_total = len(accesses)
            if access_total > self.SUBJECT_REPORT_ACCESSES:
                accesses = accesses[: self.SUBJECT_REPORT_ACCESSES]
                access_total = logged.count()
        contact_access_log(
            contact=contact,
            by=request.user,
            action=CONTACT_SUBJECT_REPORT,
            ip=get_client_ip_address(request),
        )
        if as_csv:
            response = self._subject_report_csv(contact, fields, references, accesses)
        else:
            response = TemplateResponse(
                request,
                "admin/directory/contact/subject_report.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "contact": contact,
                    "fields": fields,
                    "references": references,
                    "accesses": accesses,
                    "access_total": access_total,
                },
            )
        add_never_cache_headers(response)
        return response

    @staticmethod
    def _field_display(contact, field):
        if field.choices:
            return str(getattr(contact, f"get_{field.name}_display")())
        value = getattr(contact, field.name)
        if isinstance(value, bool):
            return gettext("Ya") if value else gettext("Tidak")
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return date_format(value, "DATE_FORMAT")
        return "" if value in (None, "") else str(value)

    @staticmethod
    def _subject_report_csv(contact, fields, references, accesses):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="data-subjek-tokoh-{contact.pk}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([gettext("Data yang disimpan")])
        for label, value in fields:
            writer.writerow([spreadsheet_safe(label), spreadsheet_safe(value)])
        writer.writerow([])
        writer.writerow([gettext("Dirujuk oleh"), gettext("jumlah")])
        for label, count in references:
            writer.writerow([spreadsheet_safe(label), count])
        writer.writerow([])
        writer.writerow(
            [
                gettext("Waktu"),
                gettext("Pengguna"),
                gettext("Tindakan"),
                gettext("Data"),
                gettext("Alamat IP"),
            ]
        )
        for entry in accesses:
            writer.writerow(
                [
                    date_format(timezone.localtime(entry.at), "DATETIME_FORMAT"),
                    spreadsheet_safe(entry.actor.get_username() if entry.actor else "-"),
                    spreadsheet_safe(entry.action_label),
                    spreadsheet_safe(entry.object_repr),
                    spreadsheet_safe(entry.data.get("ip") or ""),
                ]
            )
        return response

    def anonymise_view(self, request, object_id):
        contact = self._personal_data_contact(request, object_id)
        if request.POST.get("confirm") != "1":
            messages.error(request, _("Centang konfirmasi dulu; tidak ada yang diubah."))
        else:
            contact_anonymise(contact=contact, by=request.user, ip=get_client_ip_address(request))
            messages.success(
                request,
                _("Identitas tokoh sudah dihapus; jenis, wilayah dan rujukannya tetap tercatat."),
            )
        return redirect("admin:directory_contact_subject_report", object_id=contact.pk)

    def has_export_permission(self, request):
        return request.user.has_perm("directory.export_contact")

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # Contacts are personal data: who exported which of them, from where, is kept (UU
        # 27/2022), so a contact's data-subject report lists the export (`data.contacts`, as
        # the list views log them) and a lost file's people can be named.
        exported = sorted(queryset.values_list("pk", flat=True))
        log_action(
            actor=request.user,
            action="directory.contact.export",
            format=file_format.get_title(),
            count=len(exported),
            contacts=exported,
            ip=get_client_ip_address(request),
        )
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def get_queryset(self, request):
        # Personal data: even in the admin, start from what this user may see.
        return Contact.objects.visible_to(request.user).select_related("region")


class TeamMemberInline(AutocompleteAdminMixin, LocalDatesAdminMixin, admin.TabularInline):
    model = TeamMember
    extra = 1
    autocomplete_fields = ["agency"]
    # A task force decree names a few dozen members; a tampered TOTAL_FORMS builds no more
    # forms than this (Django's default cap is 1,000 more than max_num).
    max_num = 300

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)


@admin.register(TeamDecree)
class TeamDecreeAdmin(LocalDatesAdminMixin, admin.ModelAdmin):
    list_display = ["year", "number", "decree_date", "member_count"]
    list_filter = [("members__agency", admin.RelatedOnlyFieldListFilter), "members__sub_team"]
    search_fields = ["number", "members__person_name", "members__agency__name"]
    inlines = [TeamMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_members=Count("members"))

    @admin.display(description=_("jumlah anggota"), ordering="num_members")
    def member_count(self, obj):
        return obj.num_members
