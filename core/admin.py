from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.forms import (
    LocalDateField,
    LocalDateInput,
    LocalDateTimeField,
    LocalDateTimeInput,
    OpenedStateMixin,
)
from core.log import action_choices
from core.models import ActivityLog


def _readable(field, value) -> bool:
    """Whether `value` (from a query string or a form) can be compared with `field` in SQL."""
    try:
        python = field.to_python(value)
    except ValidationError:
        return False
    if isinstance(python, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or low <= python) and (high is None or python <= high)
    return python is not None


class _KnownValuesOnly:
    """An admin autocomplete draws the chosen records by looking their ids up; a value that is
    no id (`?region=①` on an add page, a tampered form) failed that query with a 500. Such a
    value is left out of the drawing; the form says the choice is not valid."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if _readable(target, v)], attr)


class PortalAutocompleteSelect(_KnownValuesOnly, AutocompleteSelect):
    pass


class PortalAutocompleteSelectMultiple(_KnownValuesOnly, AutocompleteSelectMultiple):
    pass


class AutocompleteAdminMixin:
    """`autocomplete_fields` drawn with the widgets above. For ModelAdmins and inlines alike."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PortalAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PortalAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class LocalDatesAdminMixin:
    """Dates in the administration as everywhere else in the portal: typed and shown as
    DD/MM/YYYY (core.forms), ISO accepted too, with an Indonesian message for a bad date. The
    admin's own widgets show ISO text with an English calendar and a date and time split in
    two boxes. For ModelAdmins and inlines alike; a subclass that sets formfield_overrides of
    its own should extend this one's."""

    formfield_overrides = {
        models.DateField: {"form_class": LocalDateField, "widget": LocalDateInput},
        models.DateTimeField: {"form_class": LocalDateTimeField, "widget": LocalDateTimeInput},
    }


def yes_no_column(field: str, description):
    """A list column for a boolean field: Django's check icon, whose text says "Ya"/"Tidak"
    (Django's own icon text is the English True/False)."""

    @admin.display(description=description, ordering=field)
    def column(obj):
        return yes_no_icon(getattr(obj, field))

    return column


class ReadOnlyYesNoMixin:
    """A yes/no field shown read-only on a change page reads "Ya"/"Tidak": Django's icon says
    the English True/False there, as in a list. The admin's outermost `get_readonly_fields`
    returns `self.with_yes_no(fields)`; in the fieldsets such a field's name is then swapped
    for `<name>__yes_no`, a display of its own."""

    SUFFIX = "__yes_no"

    def _booleans(self, names) -> list[str]:
        return [
            field.name
            for field in self.model._meta.concrete_fields
            if isinstance(field, models.BooleanField) and field.name in names
        ]

    def with_yes_no(self, fields) -> list[str]:
        return [*fields, *(f"{name}{self.SUFFIX}" for name in self._booleans(fields))]

    def get_fieldsets(self, request, obj=None):
        swap = set(self._booleans(self.get_readonly_fields(request, obj)))

        def swapped(names):
            if isinstance(names, list | tuple):
                return type(names)(swapped(name) for name in names)
            return f"{names}{self.SUFFIX}" if names in swap else names

        return [
            (title, {**options, "fields": swapped(options["fields"])})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def __getattr__(self, name):
        if not name.endswith(ReadOnlyYesNoMixin.SUFFIX):
            raise AttributeError(name)
        field = self.model._meta.get_field(name.removesuffix(ReadOnlyYesNoMixin.SUFFIX))

        @admin.display(description=field.verbose_name)
        def shown(obj):
            return yes_no_icon(getattr(obj, field.name))

        return shown


def yes_no_icon(value: bool):
    """Django's check icon for a boolean list column, with the text "Ya"/"Tidak"."""
    icon = static(f"admin/img/icon-{'yes' if value else 'no'}.svg")
    return format_html('<img src="{}" alt="{}">', icon, _("Ya") if value else _("Tidak"))


class ChangedMeanwhileAdminForm(OpenedStateMixin, forms.ModelForm):
    """An admin change form that does not write a colleague's change back: saved on top of one
    made since the page was opened (a number corrected, a contact deactivated), it is refused
    saying what changed, with what was typed kept; sent again, it saves knowingly."""

    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance)._default_manager.select_for_update()
            self.refused_as_changed_meanwhile(
                current.get(pk=self.instance.pk),
                _(
                    "Data ini diubah orang lain sejak Anda membukanya: %(changes)s. Isian Anda "
                    "di bawah belum disimpan; periksa, lalu simpan lagi untuk menimpa perubahan "
                    "itu."
                ),
            )
        return cleaned


class ActionFilter(admin.SimpleListFilter):
    title = _("tindakan")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return action_choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ActivityLog)
class ActivityLogAdmin(LocalDatesAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by the portal's services, never edited by hand."""

    list_display = ["at", "actor", "action_label", "object_repr", "details"]
    fields = ["at", "actor", "action_label", "content_type", "object_repr", "details"]
    readonly_fields = fields
    list_filter = [ActionFilter]
    list_select_related = ["actor"]
    # The log is the largest table: one count (the filtered one) per page, not two.
    show_full_result_count = False
    search_fields = ["actor__username", "action", "object_repr"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("tindakan"), ordering="action")
    def action_label(self, obj):
        return obj.action_label

    @admin.display(description=_("rincian"))
    def details(self, obj):
        return format_html_join(mark_safe("<br>"), "{}: {}", obj.details)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
