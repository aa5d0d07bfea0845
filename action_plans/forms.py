"""Forms of the action-plan pages."""

from itertools import pairwise

from django import forms
from django.utils.translation import gettext_lazy as _

from action_plans.choices import Pillar
from action_plans.models import ActionPlan, Activity, Period, Realisation
from core.forms import BootstrapMixin, EvidenceFilesField
from directory.models import Agency, Region
from incidents.choices import Status
from incidents.forms import DateInput
from incidents.models import Incident

REASON_HELP = _("Wajib diisi karena rencana sudah ditetapkan; dicatat sebagai revisi.")


class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["year", "period_scheme", "decree_reference"]


class ActivityForm(BootstrapMixin, forms.ModelForm):
    """An activity with one target field per period of its plan (`target_<code>`)."""

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
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Laporan potensi atau kejadian konflik yang ditangani kegiatan ini."),
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
        widgets = {"supporting_agencies": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        # Only reports this user may see, and no drafts.
        self.fields["incidents"].queryset = (
            Incident.objects.visible_to(user).exclude(status=Status.DRAFT).order_by("-occurred_at")
        )
        if self.instance.pk:
            self.fields["incidents"].initial = list(
                self.instance.incidents.values_list("pk", flat=True)
            )
        self.instance.plan = plan
        agencies = Agency.objects.filter(active=True)
        self.fields["responsible_agency"].queryset = agencies
        self.fields["supporting_agencies"].queryset = agencies
        self.fields["location"].queryset = Region.objects.kecamatan()
        self.fields["budget"].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        if not plan.is_locked:
            del self.fields["reason"]
        self.periods = list(plan.periods.all())
        current = (
            {t.period_id: t.value for t in self.instance.targets.all()}
            if (self.instance.pk)
            else {}
        )
        for period in self.periods:
            self.fields[f"target_{period.code}"] = forms.DecimalField(
                label=_("Target %(code)s") % {"code": period.code},
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                initial=current.get(period.pk),
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "min": 0, "step": "any", "inputmode": "decimal"}
                ),
            )

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
        responsible = cleaned.get("responsible_agency")
        if responsible and responsible in (cleaned.get("supporting_agencies") or []):
            self.add_error(
                "supporting_agencies",
                _("Penanggung jawab tidak perlu dicantumkan lagi sebagai pendukung."),
            )
        return cleaned


class PeriodForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Period
        fields = ["name", "start_date", "end_date", "due_date"]
        widgets = {name: DateInput() for name in ("start_date", "end_date", "due_date")}

    def clean(self):
        cleaned = super().clean()
        start, end, due = (cleaned.get(n) for n in ("start_date", "end_date", "due_date"))
        if start and end and end < start:
            self.add_error("end_date", _("Periode tidak boleh berakhir sebelum dimulai."))
        if end and due and due < end:
            self.add_error("due_date", _("Batas laporan tidak boleh sebelum periode berakhir."))
        if not self.instance.plan_id:
            return cleaned  # an id not among the plan's periods: refused by the formset
        year = self.instance.plan.year
        for name in ("start_date", "end_date"):
            value = cleaned.get(name)
            if value and value.year != year:
                self.add_error(name, _("Tanggal harus di tahun %(year)s.") % {"year": year})
        return cleaned


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
        periods = sorted(
            (f.cleaned_data for f in self.forms if f.cleaned_data),
            key=lambda data: data["start_date"],
        )
        for before, after in pairwise(periods):
            if after["start_date"] <= before["end_date"]:
                raise forms.ValidationError(
                    _("Periode %(a)s dan %(b)s tumpang tindih.")
                    % {"a": before["id"].code, "b": after["id"].code}
                )


# edit_only: the periods are created with the plan; a tampered form count cannot add one.
PeriodFormSet = forms.modelformset_factory(
    Period, form=PeriodForm, formset=BasePeriodFormSet, extra=0, edit_only=True
)


class DecreeForm(forms.Form):
    decree = forms.CharField(required=False, max_length=150)


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)


class RealisationForm(BootstrapMixin, forms.ModelForm):
    files = EvidenceFilesField()
    # The version this person opened (0: none saved yet); see services.realisation_save.
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    class Meta:
        model = Realisation
        fields = ["achieved_value", "narrative", "budget_spent", "obstacles", "follow_up"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "obstacles": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "achieved_value": forms.NumberInput(attrs={"min": 0, "step": "any"}),
            "budget_spent": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    def clean_budget_spent(self):
        spent = self.cleaned_data["budget_spent"]
        budget = self.instance.activity.budget
        others = sum(
            r.budget_spent for r in self.instance.activity.realisations.exclude(pk=self.instance.pk)
        )
        if spent is not None and budget and others + spent > budget:
            raise forms.ValidationError(
                _("Realisasi anggaran melebihi pagu kegiatan (Rp %(budget)s).")
                % {"budget": f"{budget:,}".replace(",", ".")}
            )
        return spent


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("Catatan perbaikan"), max_length=5000)


MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas Excel (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar: paling besar 5 MB."))
        return upload
