"""Dates in the administration typed and shown as DD/MM/YYYY, like the rest of the portal (issue 11
notes): every date of the project's admin forms, inlines included, and a decree saved by hand."""

from datetime import date

import pytest
from django.contrib import admin

from core.forms import DATE_INVALID, LocalDateField, LocalDateTimeField
from directory.models import TeamDecree

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"accounts", "action_plans", "core", "directory", "evaluations", "incidents"}
PROJECT_APPS |= {"reports", "dashboard"}
ADD = "/admin/directory/teamdecree/add/"


def admin_forms(request):
    """(model admin name, form class) of every admin and inline of the project's own models."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        # The change form (of a first row, where there is one): the user admin's add form
        # asks only for a name and a password.
        obj = model._default_manager.first()
        yield type(model_admin).__name__, model_admin.get_form(request, obj)
        for inline in model_admin.get_inline_instances(request):
            yield type(inline).__name__, inline.get_formset(request).form


def test_every_date_of_the_project_admin_forms_is_day_first(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    checked = []
    for name, form in admin_forms(request):
        for field_name, field in form.base_fields.items():
            if isinstance(
                field.widget, admin.widgets.AdminDateWidget | admin.widgets.AdminSplitDateTime
            ):
                pytest.fail(f"{name}.{field_name} uses the admin's own date widget")
            if type(field) in (LocalDateField, LocalDateTimeField):
                checked.append(f"{name}.{field_name}")
    # The dates an administrator types: the decree's date and a contact's legal-basis date (a
    # user's sign-in dates are read-only).
    assert sorted(checked) == ["ContactAdmin.legal_basis_date", "TeamDecreeAdmin.decree_date"]


def decree_payload(**overrides):
    data = {
        "year": "2026",
        "number": "188/45/415.10.1.3/2026",
        "decree_date": "19/12/2025",
        "notes": "",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    return {**data, **overrides}


def test_an_admin_types_the_decree_date_day_first_and_sees_it_so(client, admin_user):
    client.force_login(admin_user)
    form = client.get(ADD).content.decode()
    assert 'placeholder="HH/BB/TTTT"' in form
    assert "vDateField" not in form
    response = client.post(ADD, decree_payload())
    assert response.status_code == 302, response.content.decode()[:2000]
    decree = TeamDecree.objects.get(year=2026)
    assert decree.decree_date == date(2025, 12, 19)
    change = client.get(f"/admin/directory/teamdecree/{decree.pk}/change/").content.decode()
    assert 'value="19/12/2025"' in change


def test_a_bad_admin_date_is_explained_in_indonesian_and_kept(client, admin_user):
    client.force_login(admin_user)
    response = client.post(ADD, decree_payload(decree_date="31/02/2025"))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(DATE_INVALID) in page
    assert 'value="31/02/2025"' in page
    assert not TeamDecree.objects.exists()
