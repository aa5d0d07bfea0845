"""Forms of the incident pages. Choices offered are limited to what the user may use, so a
tampered POST (another kecamatan, a hidden status) fails validation like any bad input."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import (
    BootstrapMixin,
    EvidenceFilesField,
    FastSelect,
    LocalDateField,
    ModelRulesMixin,
    OpenedStateMixin,
    RupiahField,
)
from core.pickers import PickerSelectMultiple, get_picker
from core.utils import parse_id
from directory.models import Region
from incidents.choices import DatePrecision, Kind, Resolution
from incidents.models import ConflictStatus, HandlingStep, Incident, Party


class IncidentForm(ModelRulesMixin, BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    files = EvidenceFilesField()
    # The risk assessment of a potential and the classification are required unless the report
    # is a quick one still to be completed: checked with the form, not first on save.
    instance_fields = ("needs_completion",)

    class Meta:
        model = Incident
        fields = Incident.EDITABLE_FIELDS
        field_classes = {"loss_rupiah": RupiahField}
        widgets = {
            "kind": forms.RadioSelect,
            "chronology": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Validated as what it becomes: a save through this form completes a quick report
        # (services.incident_update).
        self.instance.needs_completion = False
        regions = Region.objects.visible_to(user)
        self.fields["kecamatan"].queryset = regions.kecamatan()
        self.fields["kecamatan"].widget.attrs.update(
            {
                "hx-get": reverse("incidents:desa_options"),
                "hx-target": "#id_desa",
                "hx-trigger": "change",
                "hx-include": "this",
            }
        )
        kecamatan_id = self._selected_kecamatan_id()
        if user.kecamatan_id:
            self.fields["kecamatan"].initial = user.kecamatan_id
            kecamatan_id = kecamatan_id or user.kecamatan_id
        # Only the desa of the chosen kecamatan are valid choices.
        self.fields["desa"].queryset = regions.desa().filter(parent_id=kecamatan_id or 0)
        self.fields["conflict_status"].queryset = ConflictStatus.objects.visible_to(user)
        self.fields["kind"].choices = Kind.choices  # no empty radio button
        # Blank only on a quick report still to be completed; this form completes it.
        for name in ("conflict_source", "aspect", "form"):
            self.fields[name].required = True
        self.fields["chronology"].widget.attrs["maxlength"] = 20000
        # No inputmode: iOS's decimal keypad has no minus sign, and Jombang lies south of the
        # equator (a latitude typed without it put the report in the South China Sea).
        self.fields["latitude"].widget.attrs.update({"step": "any"})
        self.fields["longitude"].widget.attrs.update({"step": "any"})
        counts = (
            "killed",
            "injured",
            "displaced",
            "houses_damaged",
            "public_facilities_damaged",
            "worship_places_damaged",
        )
        for name in counts:
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        # Said once for the whole section (the loss is typed in a RupiahField's text box).
        for name in (*counts, "loss_rupiah"):
            self.fields[name].help_text = ""
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _selected_kecamatan_id(self):
        if self.is_bound:
            return parse_id(self.data.get(self.add_prefix("kecamatan")))
        return self.instance.kecamatan_id if self.instance.pk else None

    # Dates, the desa's kecamatan and the risk assessment of a potential are checked by
    # Incident.clean() and its constraints, the same for services, commands and imports.
    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and "latitude" not in self.errors:
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Isi lintang dan bujur bersama-sama."),
            )
        return cleaned


class QuickReportForm(ModelRulesMixin, BootstrapMixin, forms.ModelForm):
    """ "Lapor cepat": the essentials of a report on one phone screen (see
    services.incident_quick_report for what is filled in for the officer)."""

    instance_fields = ("needs_completion",)
    files = EvidenceFilesField(label=_("Foto"))
    # The day it happened, not the day it is sent: a report typed during an outage goes in the
    # next morning. A date, so it is not among Meta.fields (the model keeps a date-time, which
    # the service sets from it); named after the model's field so that Incident.clean()'s
    # refusals of that time (in the future, too long ago) are shown next to it.
    occurred_at = LocalDateField(
        label=_("Kapan terjadi"), help_text=_("Ubah bila kejadiannya bukan hari ini.")
    )

    class Meta:
        model = Incident
        fields = [
            "kind",
            "title",
            "chronology",
            "desa",
            "information_source",
            "latitude",
            "longitude",
        ]
        labels = {"chronology": _("Apa yang terjadi")}
        widgets = {
            "kind": forms.RadioSelect,
            "chronology": forms.Textarea(attrs={"rows": 4}),
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Validated as what it is: a report to be completed later (Incident.clean()).
        self.instance.needs_completion = True
        self.location_dropped = False  # see clean()
        self.fields["kind"].choices = Kind.choices
        self.fields["chronology"].widget.attrs["maxlength"] = 20000
        self.fields["occurred_at"].initial = timezone.localdate()
        # A draft restored on the device may bring back an older day than this page offers
        # (report-draft.js then shows the notice under the field).
        self.fields["occurred_at"].widget.attrs["data-draft-check"] = "1"
        desa = self.fields["desa"]
        desa.required = True
        desa.queryset = (
            Region.objects.visible_to(user).desa().select_related("parent").order_by("name")
        )
        # Grouped by kecamatan: a desa name may recur across kecamatan.
        desa.label_from_instance = lambda region: (
            f"{region.name} ({region.parent.name})" if region.parent else region.name
        )
        desa.widget.__class__ = FastSelect

    def clean(self):
        cleaned = super().clean()
        if day := cleaned.get("occurred_at"):
            # As the service stores it, so Incident.clean() refuses a day in the future or too
            # long ago with the form's other messages, not on the next send.
            self.instance.occurred_at = Incident.day_only(day)
            self.instance.occurred_precision = DatePrecision.DAY
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError(
                _("Lokasi tidak lengkap; tekan lagi “Gunakan lokasi saya”.")
            )
        # The phone's reading outside the regency (the officer reports from elsewhere, or a poor
        # fix) is not where it happened, and Incident.clean() refuses it; a quick report must
        # not wait for that, so it goes without the point and the view says so.
        self.location_dropped = bool(
            Incident(
                latitude=cleaned.get("latitude"), longitude=cleaned.get("longitude")
            ).coordinates_errors()
        )
        if self.location_dropped:
            cleaned["latitude"] = cleaned["longitude"] = None
        return cleaned


class PartyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Party
        fields = ["name", "party_type", "estimated_size"]
        widgets = {"estimated_size": forms.NumberInput(attrs={"min": 0})}


class BasePartyFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        alive = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]
        if not any(self.errors) and not alive:
            raise forms.ValidationError(_("Tambahkan paling sedikit satu pihak yang terlibat."))


PartyFormSet = forms.inlineformset_factory(
    Incident,
    Party,
    form=PartyForm,
    formset=BasePartyFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
    # A tampered TOTAL_FORMS builds at most this many forms (Django's default cap is 1,000
    # more than max_num: a thousand party forms validated and drawn again, 1.8 MB).
    absolute_max=30,
)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=20)
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    note = forms.CharField(required=False, max_length=5000)
    resolution = forms.ChoiceField(choices=[("", "---"), *Resolution.choices], required=False)
    confirm = forms.BooleanField(required=False)


class HandlingStepForm(ModelRulesMixin, BootstrapMixin, forms.ModelForm):
    files = EvidenceFilesField()

    class Meta:
        model = HandlingStep
        fields = ["date", "stage", "action_type", "description", "agencies", "contacts", "outcome"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "agencies": PickerSelectMultiple("instansi", attrs={"size": 6}),
            "contacts": PickerSelectMultiple("tokoh", attrs={"size": 6}),
        }

    def __init__(self, *args, user, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.incident = incident
        self.fields["agencies"].queryset = get_picker("instansi").queryset(user)
        self.fields["contacts"].queryset = get_picker("tokoh").queryset(user)
        self.fields["date"].initial = timezone.localdate()
        self.fields["stage"].initial = incident.stage


class ConflictStatusForm(ModelRulesMixin, OpenedStateMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ConflictStatus
        fields = [
            "decree_number",
            "scope",
            "start_date",
            "end_date",
            "extension_decree_number",
            "extended_until",
            "revocation_decree_number",
            "revoked_on",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
