"""Forms of the action-plan pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from action_plans.choices import Pillar
from action_plans.models import ActionPlan, Activity, Period, Realisation, Target
from action_plans.services import activity_opened_state, linked_reports_out_of_reach
from core.forms import (
    NUMBER_NEGATIVE,
    BootstrapMixin,
    EvidenceFilesField,
    IndonesianDecimalField,
    IndonesianDecimalInput,
    LocalDateField,
    OpenedStateMixin,
    RupiahField,
    read_opened,
    sign_opened,
)
from core.pickers import PickerSelect, PickerSelectMultiple, get_picker
from directory.models import Agency, Region
from incidents.models import Incident

REASON_HELP = _("Wajib diisi karena rencana sudah ditetapkan; dicatat sebagai revisi.")


class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["year", "period_scheme", "decree_reference"]


class ActivityForm(BootstrapMixin, forms.ModelForm):
    """An activity with one target field per period of its plan (`target_<code>`)."""

    # The activity as this form was opened (signed): saving on top of a change made meanwhile
    # is refused with what changed (services.StaleActivity).
    OPENED_SALT = "action_plans.activity.opened"
    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    pillars = forms.MultipleChoiceField(
        label=_("Pilar"),
        choices=Pillar.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    incidents = forms.ModelMultipleChoiceField(
        label=_("Laporan terkait"),
        queryset=Incident.objects.none(),
        required=False,
        widget=PickerSelectMultiple("laporan", attrs={"size": 5}),
        help_text=_(
            "Laporan potensi atau kejadian konflik yang ditangani kegiatan ini. Cari dengan "
            "nomor atau judul laporan."
        ),
    )
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        required=False,
        max_length=2000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Activity
        fields = [
            "code",
            "stage",
            "pillars",
            "title",
            "responsible_agency",
            "supporting_agencies",
            "indicator",
            "unit",
            "budget",
            "budget_source",
            "location",
        ]
        field_classes = {"budget": RupiahField}
        widgets = {
            "responsible_agency": PickerSelect("instansi"),
            "supporting_agencies": PickerSelectMultiple("instansi", attrs={"size": 6}),
        }

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        # Only reports this user may see, and no drafts (the picker's rows).
        self.fields["incidents"].queryset = get_picker("laporan").queryset(user)
        if self.instance.pk:
            self.fields["incidents"].initial = list(
                self.instance.incidents.values_list("pk", flat=True)
            )
            # Links this user may not see are neither shown nor sent back; saving keeps them
            # (services.activity_save). Say so, or the list looks complete when it is not.
            hidden = linked_reports_out_of_reach(self.instance, user).count()
            if hidden:
                field = self.fields["incidents"]
                field.help_text = format_lazy(
                    "{} {}",
                    field.help_text,
                    _(
                        "%(count)s laporan terkait lain tidak ditampilkan karena di luar akses "
                        "Anda; tautannya tetap tersimpan."
                    )
                    % {"count": hidden},
                )
        self.instance.plan = plan
        if self.instance.pk and not self.is_bound:
            self.initial["opened"] = self.sign_opened(activity_opened_state(self.instance, user))
        agencies = get_picker("instansi").queryset(user)
        if self.instance.pk:
            # An agency deactivated since it was linked is no longer offered, but stays linked
            # (and can be removed) on an edit of something else: it was dropped without a word
            # from the supporting ones, and a responsible one made the form unsaveable.
            linked = [
                self.instance.responsible_agency_id,
                *self.instance.supporting_agencies.values_list("pk", flat=True),
            ]
            agencies = Agency.objects.filter(Q(pk__in=agencies.values("pk")) | Q(pk__in=linked))
        self.fields["responsible_agency"].queryset = agencies
        self.fields["supporting_agencies"].queryset = agencies
        self.fields["location"].queryset = Region.objects.kecamatan()
        if plan.is_locked:
            # Needed for any change (the service refuses one without it), so marked as
            # required; saving without a change needs none, so not required by the form.
            self.fields["reason"].widget.attrs["required"] = True
        else:
            del self.fields["reason"]
        self.periods = list(plan.periods.all())
        current = (
            {t.period_id: t.value for t in self.instance.targets.all()}
            if (self.instance.pk)
            else {}
        )
        for period in self.periods:
            # The model's digits and decimal places, typed the Indonesian way ("1.500", "2,5").
            self.fields[f"target_{period.code}"] = Target._meta.get_field("value").formfield(
                form_class=IndonesianDecimalField,
                label=_("Target %(code)s") % {"code": period.code},
                required=False,
                min_value=0,
                initial=current.get(period.pk),
                widget=IndonesianDecimalInput(attrs={"class": "form-control"}),
            )

    @classmethod
    def sign_opened(cls, snapshot: dict) -> str:
        return sign_opened(snapshot, cls.OPENED_SALT)

    def opened_snapshot(self) -> dict | None:
        """The snapshot the form was opened with (None: the save goes ahead as before)."""
        return read_opened(self.cleaned_data.get("opened"), self.OPENED_SALT)

    @property
    def target_fields(self):
        return [self[f"target_{period.code}"] for period in self.periods]

    def targets(self) -> dict:
        return {p: self.cleaned_data.get(f"target_{p.code}") for p in self.periods}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Activity.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Kode kegiatan sudah dipakai di rencana ini."))
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("responsible_agency"):
            self.instance.responsible_agency = cleaned["responsible_agency"]
            try:
                self.instance.check_supporting(cleaned.get("supporting_agencies") or [])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


MAX_PERIODS = 12


class PeriodForm(OpenedStateMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Period
        fields = ["name", "start_date", "end_date", "due_date"]


class BasePeriodFormSet(forms.BaseModelFormSet):
    def clean(self):
        """Periods follow each other without overlapping."""
        super().clean()
        # A tampered form (an id of no period of this plan, a wrong INITIAL_FORMS) edits nothing.
        if any(not form.instance.plan_id for form in self.forms):
            raise forms.ValidationError(
                _("Daftar periode tidak cocok dengan rencana ini. Muat ulang halaman lalu ulangi.")
            )
        if any(self.errors):
            return
        Period.check_no_overlap([form.instance for form in self.forms])


# edit_only: the periods are created with the plan; a tampered form count cannot add one.
PeriodFormSet = forms.modelformset_factory(
    Period,
    form=PeriodForm,
    formset=BasePeriodFormSet,
    extra=0,
    edit_only=True,
    # A plan has three or four periods; a tampered TOTAL_FORMS builds no more forms than this.
    max_num=MAX_PERIODS,
    absolute_max=MAX_PERIODS,
)


class DecreeForm(forms.Form):
    """Establishing a plan: its decree (number and date) and an explicit confirmation, since an
    established plan is locked."""

    decree = forms.CharField(
        label=_("Nomor SK penetapan"),
        max_length=150,
        error_messages={"required": _("Isi nomor SK penetapan rencana.")},
    )
    decree_date = LocalDateField(
        label=_("Tanggal SK"),
        error_messages={"required": _("Isi tanggal SK penetapan rencana.")},
    )
    confirm = forms.BooleanField(
        label=_("Saya mengerti: rencana dikunci; perubahan sesudahnya dicatat sebagai revisi."),
        error_messages={"required": _("Centang konfirmasi untuk menetapkan rencana.")},
    )


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Saya mengerti: rencana yang ditutup tidak dapat diubah atau dilaporkan lagi."),
        error_messages={"required": _("Centang konfirmasi untuk menutup rencana.")},
    )


class NextYearForm(forms.Form):
    """Starting next year's plan: a draft copied from this one, so an explicit confirmation
    (a second tap on a button should not create a year's plan by mistake)."""

    confirm = forms.BooleanField(
        error_messages={"required": _("Centang konfirmasi untuk memulai rencana tahun berikutnya.")}
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _(
            "Saya mengerti: draf RAT %(year)s dibuat sebagai salinan kegiatan dan target "
            "rencana ini."
        ) % {"year": plan.year + 1}


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)


class RealisationForm(BootstrapMixin, forms.ModelForm):
    files = EvidenceFilesField(label=_("Data dukung (foto, notulen, daftar hadir)"))
    # The version this person opened (0: none saved yet); see services.realisation_save.
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    class Meta:
        model = Realisation
        fields = ["achieved_value", "narrative", "budget_spent", "obstacles", "follow_up"]
        field_classes = {"budget_spent": RupiahField, "achieved_value": IndonesianDecimalField}
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "obstacles": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }
        # The model's own rule (NON_NEGATIVE), in the words of the other number boxes.
        error_messages = {"achieved_value": {"min_value": NUMBER_NEGATIVE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        # A new report's spending box starts empty rather than with a "0" to delete first; left
        # empty there, the model's default applies. A saved report's box keeps requiring a
        # value: a cleared box would silently wipe the spending the documents report.
        if not self.instance.pk:
            self.fields["budget_spent"].required = False
            self.initial["budget_spent"] = None

    def clean_budget_spent(self):
        spent = self.cleaned_data["budget_spent"]
        if spent is None:
            return Realisation._meta.get_field("budget_spent").get_default()
        return spent


class EvidenceForm(forms.Form):
    files = EvidenceFilesField(required=True, label=_("Data dukung"))


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan perbaikan"),
        max_length=5000,
        error_messages={"required": _("Tuliskan catatan perbaikan untuk operator.")},
    )


MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas Excel (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar: paling besar 5 MB."))
        return upload
