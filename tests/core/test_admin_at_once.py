"""The same admin form saved twice at the same moment (a double click on "Simpan"), each request
on its own database connection."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from directory.models import Agency, Contact, TeamDecree, TeamMember
from reports.models import Letterhead
from tests.factories import AgencyFactory, TeamDecreeFactory, TeamMemberFactory, jpeg_bytes
from tests.helpers import form_as_sent, run_in_threads, submission_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agency_added_twice_at_once_is_added_once_without_a_server_error(admin_user):
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for client in clients:
        client.force_login(admin_user)
    data = {"name": "Dinas Sosial Uji", "acronym": "DINSOS", "kind": "pemda", "active": "on"}

    answers, errors = run_in_threads(
        len(clients), lambda i: clients[i].post("/admin/directory/agency/add/", data)
    )

    assert errors == []
    # One saved it; the others are shown the form again, the name refused next to its field.
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 302]
    for answer in answers:
        if answer.status_code == 200:
            assert "Instansi dengan nama ini sudah ada" in answer.content.decode()
    assert Agency.objects.filter(name="Dinas Sosial Uji").count() == 1


def test_the_letterhead_added_twice_at_once_stays_one(admin_user):
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for client in clients:
        client.force_login(admin_user)

    def add(index):
        logo = SimpleUploadedFile(f"logo-{index}.jpg", jpeg_bytes((60, 60)), "image/jpeg")
        return clients[index].post("/admin/reports/letterhead/add/", {"logo": logo})

    answers, errors = run_in_threads(len(clients), add)

    assert errors == []
    # One saved it (back to the list). Each other one is sent to the saved letterhead, or, past
    # that check before the first committed, refused by the permission or the constraint.
    saved = [a for a in answers if a.status_code == 302 and a["Location"].endswith("letterhead/")]
    assert len(saved) == 1, [(a.status_code, a.get("Location")) for a in answers]
    for answer in answers:
        if answer.status_code == 302 and answer is not saved[0]:
            assert answer["Location"].endswith("/change/")
        else:
            assert answer.status_code in (200, 302, 403)
        if answer.status_code == 200:
            assert "Kop surat sudah ada: ubah kop surat yang ada." in answer.content.decode()
    assert Letterhead.objects.count() == 1


def test_a_second_letterhead_is_refused_by_the_model_too():
    Letterhead.objects.create()
    with pytest.raises(ValidationError) as error:
        Letterhead().full_clean()
    assert error.value.messages == ["Kop surat sudah ada: ubah kop surat yang ada."]


def clients_signed_in(user, count=4):
    clients = [Client(raise_request_exception=False) for _ in range(count)]
    for client in clients:
        client.force_login(user)
    return clients


def test_a_contact_saved_twice_at_once_is_stored_once(admin_user):
    # A contact has no unique field: before the token, a double click stored the person twice.
    clients = clients_signed_in(admin_user)
    data = form_as_sent(clients[0].get("/admin/directory/contact/add/"), "contact_form")
    assert data["submission_token"][0]
    data.update(name="Kyai Haji Uji", kind="agama")

    answers, errors = run_in_threads(
        len(clients), lambda i: clients[i].post("/admin/directory/contact/add/", data)
    )

    assert errors == []
    assert [a.status_code for a in answers] == [302] * 4
    assert {a["Location"] for a in answers} == {"/admin/directory/contact/"}
    assert Contact.objects.filter(name="Kyai Haji Uji").count() == 1
    # Each client was told: one that it was added, the others that it was sent before.
    told = sorted(
        "ditambahkan" if "berhasil ditambahkan" in note else note
        for client in clients
        for note in map(str, client.get("/admin/directory/contact/").context["messages"])
    )
    assert told == ["Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali."] * 3 + [
        "ditambahkan"
    ]


def test_an_admin_form_sent_after_the_session_expired_leads_to_the_login(admin_user, client):
    client.force_login(admin_user)
    data = form_as_sent(client.get("/admin/directory/contact/add/"), "contact_form")
    data.update(name="Kyai Haji Uji", kind="agama")
    client.logout()
    client.raise_request_exception = False

    answer = client.post("/admin/directory/contact/add/", data)

    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")
    assert not Contact.objects.exists()


def test_an_agency_deleted_while_a_decree_naming_it_is_saved_is_refused_not_a_500(
    admin_user, monkeypatch
):
    agency = AgencyFactory(name="Instansi yang dihapus")
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    url = "/admin/directory/teamdecree/add/"
    data = form_as_sent(client.get(url), "teamdecree_form")
    data.update(
        {
            "year": "2025",
            "number": "188/1/415.10.1.3/2025",
            "decree_date": "15/01/2025",
            "members-0-position": "anggota",
            "members-0-agency": str(agency.pk),
            "members-0-person_name": "Kepala Instansi",
        }
    )
    real_save = TeamMember.save

    def deleted_meanwhile(member, *args, **kwargs):
        # Another administrator deletes the agency after the form was checked: the member's
        # reference breaks when the decree's transaction commits.
        run_in_threads(1, lambda _i: Agency.objects.filter(pk=agency.pk).delete())
        return real_save(member, *args, **kwargs)

    monkeypatch.setattr(TeamMember, "save", deleted_meanwhile)

    answer = client.post(url, data)

    assert answer.status_code == 200
    errors = answer.context_data["inline_admin_formsets"][0].formset.errors
    assert "agency" in errors[0]
    assert not TeamDecree.objects.filter(year=2025).exists()


def test_a_decree_s_new_member_row_saved_twice_at_once_is_added_once(admin_user):
    decree = TeamDecreeFactory()
    TeamMemberFactory(decree=decree, person_name="Pejabat Lama")
    agency = AgencyFactory(name="Kodim 0814")
    clients = clients_signed_in(admin_user)
    url = f"/admin/directory/teamdecree/{decree.pk}/change/"
    data = form_as_sent(clients[0].get(url), "teamdecree_form")
    new_row = int(data["members-INITIAL_FORMS"][0])
    data[f"members-{new_row}-position"] = ["anggota"]
    data[f"members-{new_row}-agency"] = [str(agency.pk)]
    data[f"members-{new_row}-person_name"] = ["Dandim Uji"]

    answers, errors = run_in_threads(len(clients), lambda i: clients[i].post(url, data))

    assert errors == []
    assert [a.status_code for a in answers] == [302] * 4
    assert decree.members.filter(person_name="Dandim Uji").count() == 1
    assert decree.members.count() == 2


def test_a_form_refused_keeps_its_token_and_saves_once_corrected(admin_user, client):
    client.force_login(admin_user)
    data = form_as_sent(client.get("/admin/directory/contact/add/"), "contact_form")
    data.update(kind="agama")

    refused = client.post("/admin/directory/contact/add/", data)

    assert refused.status_code == 200
    assert refused.context_data["adminform"].form.errors["name"] == [
        "Bidang ini tidak boleh kosong."
    ]
    assert submission_token(refused) == data["submission_token"][0]
    saved = client.post("/admin/directory/contact/add/", {**data, "name": "Ibu Nyai Uji"})
    assert saved.status_code == 302 and saved["Location"] == "/admin/directory/contact/"
    again = client.post("/admin/directory/contact/add/", {**data, "name": "Ibu Nyai Uji"})
    assert again["Location"] == "/admin/directory/contact/"
    assert Contact.objects.filter(name="Ibu Nyai Uji").count() == 1


def test_each_admin_form_carries_a_token_of_its_own(admin_user, client):
    client.force_login(admin_user)
    pages = [
        "/admin/directory/contact/add/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{admin_user.pk}/change/",
    ]
    tokens = [submission_token(client.get(page)) for page in pages]
    assert len(set(tokens)) == len(pages)


def test_a_popup_form_saved_twice_closes_the_popup_both_times(admin_user, client):
    # The "+" next to a related field opens the add form in a popup (?_popup=1). A second tap
    # was sent to the list without the popup flag: a whole admin page in the little window,
    # the field below never filled in.
    client.force_login(admin_user)
    page = client.get("/admin/directory/agency/add/?_popup=1&_to_field=id")
    data = form_as_sent(page, "agency_form")
    data.update(name="Dinas Kominfo Uji", acronym="KOMINFO", kind="pemda")

    first = client.post("/admin/directory/agency/add/?_popup=1&_to_field=id", data)
    again = client.post("/admin/directory/agency/add/?_popup=1&_to_field=id", data)

    agency = Agency.objects.get(name="Dinas Kominfo Uji")
    for answer in (first, again):
        assert answer.status_code == 200
        # The page whose script closes the popup and picks the new row in the field below.
        assert "admin/popup_response.html" in [t.name for t in answer.templates]
        assert json.loads(answer.context["popup_response_data"]) == {
            "value": str(agency.pk),
            "obj": str(agency),
        }
    assert Agency.objects.filter(name="Dinas Kominfo Uji").count() == 1
