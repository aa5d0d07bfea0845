from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

from accounts.choices import Role
from accounts.models import User, UserGroupEvent
from accounts.services import password_reset_link_issue, user_set_roles
from accounts.two_factor import two_factor_reset
from core.admin import (
    AutocompleteAdminMixin,
    LocalDatesAdminMixin,
    ReadOnlyYesNoMixin,
    yes_no_column,
)
from core.forms import OpenedStateMixin


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
        if self.instance.pk and "roles" in self.fields:
            self.fields["roles"].initial = list(
                self.instance.groups.filter(name__in=Role.values).values_list("name", flat=True)
            )


class UserChangeForm(OpenedStateMixin, RoleFormMixin, BaseUserAdmin.form):
    """A change saved on top of a colleague's (a user deactivated, a role taken away since this
    page was opened) is refused, saying what changed: the form wrote every field back and undid
    it without a word. Sent again from the page that said so, it saves knowingly."""

    # Declared, so the admin's fieldsets may name it (the mixin fills it in).
    opened = forms.CharField(required=False, widget=forms.HiddenInput)
    # The hash is shown, never sent back (a new password has its own page).
    UNTRACKED_FIELDS = ("password", "last_login")

    def row_state(self, obj) -> dict:
        state = super().row_state(obj)
        if "roles" in self.fields:
            held = set(obj.groups.filter(name__in=Role.values).values_list("name", flat=True))
            state["roles"] = ",".join(value for value in Role.values if value in held)
        return state

    def shown(self, name, stored):
        if name == "roles":
            return ", ".join(str(Role(value).label) for value in stored.split(",") if value)
        return super().shown(name, stored)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.refused_as_changed_meanwhile(
                User.objects.select_for_update().get(pk=self.instance.pk),
                _(
                    "Pengguna ini diubah orang lain sejak Anda membukanya: %(changes)s. Isian "
                    "Anda di bawah belum disimpan; periksa, lalu simpan lagi untuk menimpa "
                    "perubahan itu."
                ),
            )
        return cleaned


class UserCreationForm(RoleFormMixin, BaseUserAdmin.add_form):
    pass


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django appends this warning in English, outside its translated help text.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("Bila dinonaktifkan, sandi pengguna ini yang sekarang akan hilang."),
    )


NOT_YOURS = _("Akun superuser hanya dapat dikelola oleh superuser.")


class RoleFilter(admin.SimpleListFilter):
    """By role, named as the role column names it ("Petugas lapangan"), not by group name."""

    title = _("peran")
    parameter_name = "peran"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class UserAdmin(ReadOnlyYesNoMixin, AutocompleteAdminMixin, LocalDatesAdminMixin, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm
    list_display = [
        "username",
        "get_full_name",
        "role_list",
        "agency",
        "kecamatan",
        yes_no_column("is_active", _("aktif")),
        "last_login",
    ]
    list_filter = [RoleFilter, "is_active", "agency__kind", "kecamatan"]
    list_select_related = ["agency", "kecamatan"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__name"]
    autocomplete_fields = ["agency", "kecamatan"]
    # Set by the sign-in and by the account's creation, never by hand.
    readonly_fields = ["last_login", "date_joined"]
    actions = ["issue_password_reset_link", "reset_two_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password", "opened")}),
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

    # What an account may reach (its agency and kecamatan decide what it sees); not editable on
    # one's own account (accounts.rules).
    ACCESS_FIELDS = ("roles", "is_active", "is_staff", "cleared_restricted", "agency", "kecamatan")

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        # An administrator scoped to a kecamatan manages that kecamatan's accounts only.
        if self._scope(request):
            users = users.filter(kecamatan_id=self._scope(request))
        return users

    @staticmethod
    def _scope(request):
        return None if request.user.is_superuser else request.user.kecamatan_id

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # ... and gives accounts no other reach: an unscoped account (or another kecamatan's)
        # would see more than its maker.
        if db_field.name == "kecamatan" and field is not None and self._scope(request):
            field.queryset = field.queryset.filter(pk=self._scope(request))
            field.required = True
        return field

    def has_change_permission(self, request, obj=None):
        # A superuser's account is shown, not changed, to an administrator who is not one: no
        # edit, password, reset link or two-factor reset (Django's password page asks this too).
        return super().has_change_permission(request, obj) and (
            obj is None or request.user.has_perm("accounts.manage_account", obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.has_perm("accounts.manage_account", obj):
            return fieldsets
        # Shown, the password's summary carries a "Reset password" button to a page that
        # refuses this administrator.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("accounts.grant_superuser"):
            fields.append("is_superuser")
        if obj is not None and not request.user.has_perm("accounts.change_account_access", obj):
            fields += self.ACCESS_FIELDS
        return self.with_yes_no(fields)

    def history_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        extra = {"reach_history": user_history(user) if user is not None else []}
        return super().history_view(request, object_id, {**extra, **(extra_context or {})})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "roles" in form.cleaned_data:
            user_set_roles(user=form.instance, roles=form.cleaned_data["roles"], by=request.user)

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
        if not request.user.has_perm("accounts.manage_account", user):
            self.message_user(request, NOT_YOURS, messages.ERROR)
            return None
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

    @admin.action(description=_("Atur ulang verifikasi dua langkah"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        """For a lost phone without recovery codes: the user sets up again at the next sign-in."""
        users = list(queryset)
        if not all(request.user.has_perm("accounts.manage_account", user) for user in users):
            self.message_user(request, NOT_YOURS, messages.ERROR)
            return
        for user in users:
            two_factor_reset(user=user, by=request.user)
        self.message_user(
            request,
            _("Verifikasi dua langkah diatur ulang untuk %(count)d pengguna.")
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.display(description=_("Peran"))
    def roles(self, obj):
        """The roles, read-only (one's own account)."""
        return self.role_list(obj)

    @admin.display(description=_("peran"))
    def role_list(self, obj):
        names = {group.name for group in obj.groups.all()}  # prefetched
        labels = [str(label) for value, label in Role.choices if value in names]
        if obj.is_superuser:
            labels.append(str(_("superuser (semua akses)")))
        return ", ".join(labels) or "–"


# The reach fields tracked on `User` (see accounts.models), as shown in the user's history.
HISTORY_LIMIT = 200


def user_history(user: User) -> list[dict]:
    """Who changed `user`'s roles and reach, when, newest first: the history triggers' rows of
    the user and of their role memberships, with the acting user from the history context."""
    memberships = (
        UserGroupEvent.objects.filter(user_id=user.pk)
        .select_related("group", "pgh_context")
        .order_by("-pgh_created_at", "-pgh_id")[:HISTORY_LIMIT]
    )
    role_labels = dict(Role.choices)
    entries = [
        {
            "at": event.pgh_created_at,
            "actor_id": (event.pgh_context.metadata if event.pgh_context else {}).get("user"),
            "change": format_lazy(
                "{}: {}",
                _("Peran diberikan") if event.pgh_label == "insert" else _("Peran dicabut"),
                role_labels.get(event.group.name, event.group.name) if event.group else "–",
            ),
        }
        for event in memberships
    ]
    for event in Events.objects.tracks(user).order_by("-pgh_created_at", "-pgh_id")[:HISTORY_LIMIT]:
        entries.append(
            {
                "at": event.pgh_created_at,
                "actor_id": (event.pgh_context or {}).get("user"),
                "change": _reach_change(event),
            }
        )
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    entries = entries[:HISTORY_LIMIT]
    actors = User.objects.in_bulk({e["actor_id"] for e in entries if e["actor_id"]})
    for entry in entries:
        entry["actor"] = actors.get(entry["actor_id"])
    return entries


def _reach_change(event) -> str:
    if event.pgh_label == "insert":
        return str(_("Akun dibuat"))
    if event.pgh_label == "delete":
        return str(_("Akun dihapus"))
    parts = []
    for name, (old, new) in (event.pgh_diff or {}).items():
        field = User._meta.get_field(name.removesuffix("_id"))
        parts.append(f"{field.verbose_name}: {_shown(field, old)} → {_shown(field, new)}")
    return "; ".join(parts) or str(_("Diubah"))


def _shown(field, value) -> str:
    if value is None or value == "":
        return "–"
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    return str(value)
