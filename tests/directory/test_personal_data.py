"""Personal data of contacts (UU 27/2022, issue 13 item 12): every look is logged with who, when
and from where; a data-subject report lists what is stored and every access; anonymising removes
the identity and keeps the statistics."""

import csv
import io
import re
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.choices import Role
from core.models import ActivityLog
from directory.admin import ContactAdmin
from directory.models import Contact
from incidents.models import HandlingStep
from tests.factories import ContactFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(desa):
    return ContactFactory(name="Kyai Haji Abdul Basith", phone="081234567890", region=desa)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def report_url(contact, suffix=""):
    return reverse("admin:directory_contact_subject_report", args=[contact.pk]) + suffix


def test_opening_a_contact_is_logged_with_who_and_from_where(admin_client, admin_user, contact):
    url = reverse("admin:directory_contact_change", args=[contact.pk])
    assert admin_client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
    (entry,) = ActivityLog.objects.for_object(contact)
    assert (entry.actor, entry.action, entry.data["ip"]) == (
        admin_user,
        "directory.contact.view",
        "10.1.2.3",
    )


def test_subject_report_lists_what_is_stored_and_every_access(admin_client, contact):
    admin_client.get(reverse("admin:directory_contact_change", args=[contact.pk]))
    response = admin_client.get(report_url(contact))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.text
    assert "Kyai Haji Abdul Basith" in text and "+6281234567890" in text
    assert "Data tokoh dilihat" in text

    exported = admin_client.get(report_url(contact, "?format=csv"))
    assert exported["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert ["nama", "Kyai Haji Abdul Basith"] in rows
    # Read by the person who asked: "Ya", not "True"; "29 November 2026, 14.03", not ISO.
    assert ["aktif", "Ya"] in rows
    access_times = [row[0] for row in rows if len(row) == 5][1:]
    assert access_times and all(
        re.fullmatch(r"\d{1,2} \w+ \d{4}, \d\d\.\d\d", t) for t in access_times
    )
    actions = [row[2] for row in rows if len(row) == 5]
    # The change page, then the on-screen report (the CSV's own access is logged after).
    assert actions.count("Data tokoh dilihat") == 1
    assert actions.count("Laporan subjek data tokoh dibuat") == 1


def test_only_administrators_get_the_report_or_anonymise(client, roles, contact):
    staff = UserFactory(username="staf", is_staff=True, roles=[Role.SEKRETARIAT])
    client.force_login(staff)
    assert client.get(report_url(contact)).status_code == 403
    url = reverse("admin:directory_contact_anonymise", args=[contact.pk])
    assert client.post(url, {"confirm": "1"}).status_code == 403
    contact.refresh_from_db()
    assert contact.name == "Kyai Haji Abdul Basith"


def test_unknown_contact_is_not_found(admin_client):
    assert admin_client.get("/admin/directory/contact/999999/data-subjek/").status_code == 404


def test_anonymising_needs_the_confirmation(admin_client, contact):
    url = reverse("admin:directory_contact_anonymise", args=[contact.pk])
    response = admin_client.post(url, follow=True)
    assert "Centang konfirmasi dulu" in response.text
    contact.refresh_from_db()
    assert contact.name == "Kyai Haji Abdul Basith"
    assert admin_client.get(url).status_code == 405


def test_anonymising_removes_the_identity_and_keeps_the_statistics(
    admin_client, contact, petugas, desa
):
    incident = IncidentFactory(kecamatan=petugas.kecamatan, reported_by=petugas)
    step = HandlingStep.objects.create(
        incident=incident,
        date=date(2026, 3, 1),
        stage="pencegahan",
        action_type="mediasi",
        description="Mediasi di balai desa.",
        created_by=petugas,
    )
    step.contacts.add(contact)
    admin_client.get(reverse("admin:directory_contact_change", args=[contact.pk]))
    by_kind_before = Contact.objects.filter(kind=contact.kind, region=desa).count()

    url = reverse("admin:directory_contact_anonymise", args=[contact.pk])
    response = admin_client.post(url, {"confirm": "1"}, follow=True)
    assert "Identitas tokoh sudah dihapus" in response.text

    contact.refresh_from_db()
    assert contact.name == f"Anonim #{contact.pk}"
    assert (contact.phone, contact.organisation, contact.community) == ("", "", "")
    assert Contact.objects.filter(kind=contact.kind, region=desa).count() == by_kind_before
    assert list(step.contacts.all()) == [contact]
    # The access log keeps every entry, no longer under the name.
    log = ActivityLog.objects.for_object(contact)
    assert set(log.values_list("action", flat=True)) >= {
        "directory.contact.view",
        "directory.contact.anonymise",
    }
    assert not ActivityLog.objects.filter(object_repr__contains="Abdul Basith").exists()
    assert "Abdul Basith" not in response.text


def test_anonymising_erases_the_earlier_versions_and_the_admin_log_too(admin_client, contact):
    # The field history held every earlier name and number, the admin's log and its home page
    # the name: anonymised, the person could still be read there.
    url = reverse("admin:directory_contact_change", args=[contact.pk])
    data = {
        "name": "Kyai Haji Abdul Basith",
        "kind": contact.kind,
        "region": contact.region_id,
        "phone": "081299990000",
        "legal_basis": contact.legal_basis,
        "legal_basis_date": "",
        "active": "on",
    }
    edited = admin_client.post(url, data, follow=True)
    assert edited.redirect_chain, edited.context["adminform"].form.errors
    events = Contact.pgh_event_model.objects.filter(pgh_obj_id=contact.pk)
    assert events.filter(phone="+6281234567890").exists()
    assert LogEntry.objects.filter(object_repr__contains="Abdul Basith").exists()

    anonymise = reverse("admin:directory_contact_anonymise", args=[contact.pk])
    admin_client.post(anonymise, {"confirm": "1"}, follow=True)

    assert events.count() >= 3
    for name, phone, organisation, community in events.values_list(
        "name", "phone", "organisation", "community"
    ):
        assert (name, phone, organisation, community) == (f"Anonim #{contact.pk}", "", "", "")
    assert not LogEntry.objects.filter(object_repr__contains="Abdul Basith").exists()
    home = admin_client.get("/admin/").content.decode()
    assert "Abdul Basith" not in home
    report = " ".join(admin_client.get(report_url(contact)).content.decode().split())
    assert "Versi tersimpan di riwayat perubahan: 3" in report and "Contact events" not in report
    # Dates as a person reads them, not "2026-11-29 17:40:58.461787+00:00".
    changed = timezone.localtime(contact.updated_at)
    assert f"<td>{date_format(changed, 'DATETIME_FORMAT')}</td>" in report


@pytest.mark.parametrize("how", ["delete page", "delete action"])
def test_deleting_a_contact_leaves_no_name_or_number_behind(admin_client, contact, how):
    # The obvious way to honour an erasure request: once the row was gone, its earlier versions
    # and the logs kept the person, with no contact left to find and erase them by.
    pk = contact.pk
    admin_client.get(reverse("admin:directory_contact_change", args=[pk]))  # a logged view
    if how == "delete page":
        url = reverse("admin:directory_contact_delete", args=[pk])
        response = admin_client.post(url, {"post": "yes"}, follow=True)
    else:
        data = {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}
        response = admin_client.post(reverse("admin:directory_contact_changelist"), data)
    assert response.status_code in (200, 302)

    assert not Contact.objects.filter(pk=pk).exists()
    events = Contact.pgh_event_model.objects.filter(pgh_obj_id=pk)
    assert events.exists()
    assert not events.exclude(name=f"Anonim #{pk}").exists()
    assert not events.exclude(phone="").exists()
    assert not LogEntry.objects.filter(object_repr__contains="Abdul Basith").exists()
    assert not ActivityLog.objects.filter(object_repr__contains="Abdul Basith").exists()
    assert ActivityLog.objects.filter(action="directory.contact.delete", object_id=str(pk)).exists()
    assert "Abdul Basith" not in admin_client.get("/admin/").content.decode()


def test_a_report_page_showing_the_contact_counts_as_an_access(
    client, admin_user, contact, sekretariat, petugas
):
    incident = IncidentFactory(kecamatan=petugas.kecamatan, reported_by=petugas)
    step = HandlingStep.objects.create(
        incident=incident,
        date=date(2026, 3, 1),
        stage="pencegahan",
        action_type="mediasi",
        description="Mediasi di balai desa.",
        created_by=sekretariat,
    )
    step.contacts.add(contact)
    client.force_login(sekretariat)
    page = client.get(reverse("incidents:detail", args=[incident.pk]), REMOTE_ADDR="10.9.8.7")
    assert "Kyai Haji Abdul Basith" in page.text
    entry = ActivityLog.objects.get(action="incidents.identities.view")
    assert (entry.actor, entry.data["ip"], entry.data["contacts"]) == (
        sekretariat,
        "10.9.8.7",
        [contact.pk],
    )

    client.force_login(admin_user)
    report = client.get(report_url(contact))
    assert "Identitas pihak dan tokoh dalam laporan dilihat" in report.text
    assert incident.reference in report.text


def test_the_contact_list_is_an_access_to_each_contact_it_shows(
    admin_client, admin_user, contact, desa
):
    # The list shows names and numbers and finds whose a number is: nothing was logged.
    other = ContactFactory(name="Ibu Nyai Fatimah", phone="085600001111", region=desa)
    response = admin_client.get("/admin/directory/contact/", {"q": "0812"}, REMOTE_ADDR="10.4.4.4")
    assert "Kyai Haji Abdul Basith" in response.text and "Ibu Nyai Fatimah" not in response.text

    (entry,) = ActivityLog.objects.filter(action="directory.contact.list")
    assert (entry.actor, entry.data["contacts"], entry.data["ip"]) == (
        admin_user,
        [contact.pk],
        "10.4.4.4",
    )
    shown = admin_client.get(report_url(contact)).text
    assert "Daftar tokoh dilihat" in shown
    assert "Daftar tokoh dilihat" not in admin_client.get(report_url(other)).text


def test_the_report_shows_the_newest_accesses_and_the_csv_all_of_them(
    admin_client, admin_user, contact, monkeypatch
):
    # Every list page that showed the contact is an access: the page grew without bound.
    monkeypatch.setattr(ContactAdmin, "SUBJECT_REPORT_ACCESSES", 3)
    for _ in range(5):
        admin_client.get("/admin/directory/contact/")
    page = admin_client.get(report_url(contact)).content.decode()
    assert "Menampilkan 3 akses terbaru dari 5; unduh CSV untuk semuanya." in page
    assert page.count("<td>Daftar tokoh dilihat</td>") == 3

    exported = admin_client.get(report_url(contact, "?format=csv")).content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    # The five list views and the on-screen report.
    assert [row[2] for row in rows if len(row) == 5].count("Daftar tokoh dilihat") == 5


def test_a_contact_saved_on_top_of_a_colleague_s_change_is_refused_saying_what_changed(
    admin_client, contact
):
    # Two administrators open the same contact; one corrects the number, the other then saves
    # the organisation: the old number was written back without a word.
    url = reverse("admin:directory_contact_change", args=[contact.pk])
    page = admin_client.get(url)
    data = {
        "name": contact.name,
        "kind": contact.kind,
        "organisation": "PCNU Jombang",
        "community": "",
        "region": contact.region_id,
        "phone": "081234567890",
        "legal_basis": contact.legal_basis,
        "legal_basis_date": "",
        "active": "on",
        "opened": page.context["adminform"].form["opened"].value(),
    }
    Contact.objects.filter(pk=contact.pk).update(phone="+6285700001111")

    refused = admin_client.post(url, data)

    assert refused.status_code == 200
    text = " ".join(refused.content.decode().split())
    assert "Data ini diubah orang lain sejak Anda membukanya" in text
    assert "+6285700001111" in text
    contact.refresh_from_db()
    assert str(contact.phone) == "+6285700001111" and contact.organisation != "PCNU Jombang"

    # Sent again from the page that said so: saved knowingly.
    data["opened"] = refused.context["adminform"].form["opened"].value()
    data["phone"] = "085700001111"
    assert admin_client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.organisation == "PCNU Jombang"


def test_an_administrator_scoped_to_a_kecamatan_reads_no_contact_s_name_in_the_log(
    client, admin_user, contact, other_kecamatan
):
    """The log's "Data tokoh dilihat" entries name the contact: an administrator scoped to
    another kecamatan, who may not open that contact, does not read its name there either."""
    viewer = UserFactory(username="admin-kabupaten", is_staff=True, roles=[Role.ADMIN])
    client.force_login(viewer)
    client.get(reverse("admin:directory_contact_change", args=[contact.pk]))
    assert ActivityLog.objects.filter(action="directory.contact.view").exists()
    log = reverse("admin:core_activitylog_changelist")
    assert contact.name in client.get(log).content.decode()

    admin_user.kecamatan = other_kecamatan
    admin_user.save()
    client.force_login(admin_user)
    page = client.get(log).content.decode()
    assert client.get(reverse("admin:directory_contact_change", args=[contact.pk])).status_code in (
        302,
        404,
    )
    assert contact.name not in page
