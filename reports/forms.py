from django import forms

from reports.models import AnnualNarrative


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = AnnualNarrative
        fields = ["summary", "obstacles", "follow_up", "recommendations"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}
