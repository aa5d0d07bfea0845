"""Form pieces shared by the apps: multiple evidence files, Bootstrap classes on widgets."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from core.uploads import ALLOWED, ALLOWED_LABEL, validate_evidence_file

MAX_FILES_PER_SAVE = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Zero or more evidence files, each checked by content type and size."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Bukti (foto/dokumen)"))
        kwargs.setdefault(
            "help_text",
            _("%(types)s, paling besar 10 MB per berkas, paling banyak %(count)s berkas.")
            % {"types": ALLOWED_LABEL, "count": MAX_FILES_PER_SAVE},
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(f".{ext}" for ext in ALLOWED)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES_PER_SAVE:
            raise ValidationError(
                _("Paling banyak %(count)s berkas sekali simpan."),
                params={"count": MAX_FILES_PER_SAVE},
            )
        errors = []
        for upload in uploads:
            try:
                validate_evidence_file(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


class PortalFormRenderer(TemplatesSetting):
    """`{{ form.field.as_field_group }}` renders label, widget, help and errors the Bootstrap way
    (templates/forms/field.html), errors right under the field."""

    field_template_name = "forms/field.html"


class BootstrapMixin:
    """Gives every widget its Bootstrap class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound_field in self.fields.values():
            widget = bound_field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
                widget, forms.CheckboxSelectMultiple
            ):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = ""  # rendered by hand in the templates
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class FilterForm(BootstrapMixin, forms.Form):
    """Base form of the FilterSets (`Meta.form`), so filters look like the other forms."""
