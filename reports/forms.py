from django import forms

from core.forms import read_opened, sign_opened
from reports.models import AnnualNarrative
from reports.services import NARRATIVE_FIELDS, text_digest


class NarrativeForm(forms.ModelForm):
    # Each section's digest as the page was opened (signed): services.narrative_save keeps a
    # colleague's newer text in the sections this user did not touch.
    OPENED_SALT = "reports.narrative.opened"
    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = AnnualNarrative
        fields = ["summary", "obstacles", "follow_up", "recommendations"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["opened"] = self.sign_opened(
                {name: text_digest(getattr(self.instance, name)) for name in NARRATIVE_FIELDS}
            )

    @classmethod
    def sign_opened(cls, digests: dict) -> str:
        return sign_opened(digests, cls.OPENED_SALT)

    def opened_digests(self) -> dict | None:
        return read_opened(self.cleaned_data.get("opened"), self.OPENED_SALT)

    def texts(self) -> dict:
        return {name: self.cleaned_data[name] for name in NARRATIVE_FIELDS}
