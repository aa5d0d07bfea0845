from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from accounts.services import user_set_roles


class RoleFormMixin(forms.Form):
    """One role picker instead of the groups and the ~150 raw permission rows: what a user may
    do follows from their roles."""

    roles = forms.MultipleChoiceField(
        label=_("Peran"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Petugas melapor dan menindaklanjuti; sekretariat memverifikasi dan menjalankan RAT; "
            "pimpinan membaca; administrator mengelola pengguna dan data rujukan."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(
                self.instance.groups.filter(name__in=Role.values).values_list("name", flat=True)
            )


class UserChangeForm(RoleFormMixin, BaseUserAdmin.form):
    pass


class UserCreationForm(RoleFormMixin, BaseUserAdmin.add_form):
    pass


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django appends this warning in English, outside its translated help text.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("Bila dinonaktifkan, sandi pengguna ini yang sekarang akan hilang."),
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm
    list_display = [
        "username",
        "get_full_name",
        "role_list",
        "agency",
        "kecamatan",
        "is_active",
        "last_login",
    ]
    list_filter = ["groups", "is_active", "agency__kind", "kecamatan"]
    list_select_related = ["agency", "kecamatan"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__name"]
    autocomplete_fields = ["agency", "kecamatan"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Informasi pribadi"), {"fields": ("first_name", "last_name", "email")}),
        (_("Peran dan akses"), {"fields": ("roles", "is_active", "is_staff", "is_superuser")}),
        (_("Tim Terpadu"), {"fields": ("agency", "kecamatan", "cleared_restricted")}),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Tim Terpadu"),
            {"fields": ("first_name", "last_name", "roles", "agency", "kecamatan")},
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_set_roles(user=form.instance, roles=form.cleaned_data["roles"], by=request.user)

    @admin.display(description=_("nama lengkap"))
    def get_full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("peran"))
    def role_list(self, obj):
        names = {group.name for group in obj.groups.all()}  # prefetched
        labels = [str(label) for value, label in Role.choices if value in names]
        if obj.is_superuser:
            labels.append(str(_("superuser (semua akses)")))
        return ", ".join(labels) or "–"
