"""The admin's export refuses filters it does not know instead of failing (issue 13 item 3)."""

import pytest

from core.models import ActivityLog
from directory.models import Agency, TeamDecree
from tests.directory.test_geography import SQUARE, region_change
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AgencyFactory,
    ContactFactory,
    HandlingStepFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/directory/contact/export/?foo=bar",
        "/admin/directory/contact/export/?format=9",
        "/admin/directory/agency/export/?region__nama=x",
    ],
)
def test_export_with_an_unknown_parameter_goes_back_to_the_list_with_a_message(
    client, admin_user, url
):
    client.force_login(admin_user)
    for method in (client.get, client.post):
        response = method(url, {"format": "0"} if method == client.post else None, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].endswith("/")
        assert "Filter ekspor tidak dikenal" in response.content.decode()
    assert not ActivityLog.objects.filter(action="directory.contact.export").exists()


def test_a_huge_tampered_member_count_builds_no_more_forms_than_allowed(client, admin_user):
    client.force_login(admin_user)
    data = {
        "year": "2026",
        "number": "188/1/2026",
        "members-TOTAL_FORMS": "100000",
        "members-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/directory/teamdecree/add/", data)
    assert response.status_code == 200
    [members] = response.context["inline_admin_formsets"]
    assert len(members.formset.forms) <= 300
    assert not TeamDecree.objects.exists()


@pytest.mark.parametrize("junk", ["[" * 100_000, "9" * 5_000, '{"a": ' * 50_000])
def test_an_outline_the_json_reader_cannot_take_is_refused_next_to_the_field(
    client, admin_user, kecamatan, junk
):
    # Deep nesting (RecursionError) and a 5,000-digit number (ValueError) passed Django's check,
    # which looks for syntax errors only: a 500 on saving, and again on showing the form.
    client.force_login(admin_user)
    response = region_change(client, kecamatan, boundary=junk)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["boundary"] == ["Masukkan JSON yang valid."]
    kecamatan.refresh_from_db()
    assert kecamatan.boundary is None


def test_the_region_list_says_which_have_an_outline_in_a_fixed_number_of_queries(
    client, admin_user, kecamatan, django_assert_num_queries
):
    for number in range(10, 30):
        RegionFactory(
            code=f"35.17.08.20{number}",
            name=f"Desa {number}",
            level="desa",
            parent=kecamatan,
            boundary=SQUARE if number % 2 else None,
        )
    client.force_login(admin_user)
    # session, user, filter choices, counts x2, rows, the viewer's permissions x2 and roles,
    # the session's expiry moved on: no query per row for its outline
    with django_assert_num_queries(9):
        page = client.get("/admin/directory/region/?level=desa").content.decode()
    assert page.count('alt="Ya"') == 10 and page.count('alt="Tidak"') == 10


def test_an_agency_or_contact_named_by_a_record_is_not_deleted(client, admin_user, desa):
    # The links went with them: a closed plan's activity lost a supporting agency and a past
    # handling step its contact, with no revision and no word.
    agency, contact = AgencyFactory(name="Kemenag Jombang"), ContactFactory(region=desa)
    activity = ActivityFactory(plan=ActionPlanFactory(established=True), supporting=[agency])
    step = HandlingStepFactory(incident__kecamatan=desa.parent)
    step.contacts.add(contact)
    client.force_login(admin_user)
    for model, obj, named in [
        ("agency", agency, f"{agency}: disebut di 1 kegiatan"),
        ("contact", contact, f"{contact.name}: disebut di 1 tindak lanjut"),
    ]:
        url = f"/admin/directory/{model}/{obj.pk}/delete/"
        page = client.get(url).content.decode()
        assert named in page, page[:3000]
        client.post(url, {"post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists()
        # Nor by the list's bulk action.
        client.post(
            f"/admin/directory/{model}/",
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert type(obj).objects.filter(pk=obj.pk).exists()
    assert list(activity.supporting_agencies.all()) == [agency]
    assert list(step.contacts.all()) == [contact]

    unused = AgencyFactory(name="Instansi Tanpa Rujukan")
    client.post(f"/admin/directory/agency/{unused.pk}/delete/", {"post": "yes"})
    assert not Agency.objects.filter(pk=unused.pk).exists()


def test_a_kecamatan_with_desa_keeps_its_code(client, admin_user, kecamatan, desa):
    # Renumbered, its desa (codes starting with the old one) fell out of it: its officers no
    # longer saw them.
    client.force_login(admin_user)
    response = region_change(client, kecamatan, code="35.17.99")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == [
        "Kode dan tingkat wilayah yang memiliki wilayah di bawahnya tidak dapat diubah (kode "
        "mereka diawali kode ini). Tambahkan wilayah baru bila pemekaran."
    ]
    kecamatan.refresh_from_db()
    assert kecamatan.code == "35.17.08"
    # Its name may change.
    response = region_change(client, kecamatan, name="Diwek Baru")
    assert response.status_code == 302
