"""Forms of the evaluation pages."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import (
    BootstrapMixin,
    EvidenceFilesField,
    OpenedStateMixin,
    read_opened,
    sign_opened,
)
from evaluations.models import SCORE_VALIDATORS, Evaluation
from evaluations.services import weights_state


class ManualScoreForm(BootstrapMixin, forms.Form):
    score = forms.DecimalField(
        label=_("Nilai (0-100)"),
        max_digits=5,
        decimal_places=2,
        validators=SCORE_VALIDATORS,
        localize=True,  # "87,5" as people here write it
    )
    justification = forms.CharField(
        label=_("Alasan penilaian"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = EvidenceFilesField()
    # The score as the form was opened (signed): a colleague's later score is not written over
    # unseen.
    opened = forms.CharField(required=False, widget=forms.HiddenInput)


class FinaliseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Saya mengerti: nilai evaluasi ini dibekukan dan tidak berubah lagi."),
        error_messages={"required": _("Centang konfirmasi untuk memfinalkan evaluasi.")},
    )


class ProvinceResultForm(OpenedStateMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["province_rank", "province_score", "province_award", "province_note"]
        localized_fields = ["province_score"]
        widgets = {"province_note": forms.Textarea(attrs={"rows": 3})}


class WeightsForm(forms.Form):
    """One weight field per pillar and per indicator of the framework in force."""

    OPENED_SALT = "opened:evaluations.weights"

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        # The weights as shown, signed: a colleague's change saved meanwhile is not undone.
        self.fields["opened"] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial["opened"] = sign_opened(weights_state(framework), self.OPENED_SALT)
        self.groups = []
        for pillar in framework.pillars.all():
            name = f"pillar__{pillar.code}"
            self.fields[name] = self.weight_field(pillar.name, pillar.weight)
            names = []
            for indicator in pillar.indicators.all():
                field_name = f"indicator__{indicator.code}"
                self.fields[field_name] = self.weight_field(indicator.name, indicator.weight)
                names.append(field_name)
            self.groups.append((name, names))

    @staticmethod
    def weight_field(label, initial):
        return forms.DecimalField(
            label=label,
            initial=initial.normalize() if isinstance(initial, Decimal) else initial,
            max_digits=5,
            decimal_places=2,
            validators=SCORE_VALIDATORS,
            localize=True,
            widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
        )

    def opened(self) -> dict | None:
        return read_opened(self.cleaned_data.get("opened"), self.OPENED_SALT)

    def reopened(self, state: dict) -> None:
        """Carry `state` (the weights as stored now) as opened: sent again, it saves knowingly."""
        self.data = self.data.copy()
        self.data["opened"] = sign_opened(state, self.OPENED_SALT)

    def weights(self):
        data = self.cleaned_data
        pillars = {k.split("__", 1)[1]: v for k, v in data.items() if k.startswith("pillar__")}
        indicators = {
            k.split("__", 1)[1]: v for k, v in data.items() if k.startswith("indicator__")
        }
        return pillars, indicators
