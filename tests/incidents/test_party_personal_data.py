"""Personal data of parties named in reports (UU 27/2022, issue 13 item 12): a data-subject
report by name across all reports, with every access, exportable; anonymising keeps counts."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.choices import Role
from core.models import ActivityLog
from incidents.models import Evidence, HandlingStep, Incident, Party
from tests.factories import IncidentFactory, UserFactory
from tests.incidents.test_bad_input import edit_payload

URL = reverse("incidents:party_subject_report")
ANONYMISE = reverse("incidents:party_anonymise")


@pytest.fixture
def named(kecamatan, petugas):
    """Two reports naming 'Pak Sukarmin', one restricted draft among them, and one that does not."""
    first = IncidentFactory(kecamatan=kecamatan, parties=["Pak Sukarmin", "Warga Dusun Kulon"])
    hidden = IncidentFactory(
        kecamatan=kecamatan,
        parties=["Kelompok Pak Sukarmin"],
        status="draft",
        confidentiality="terbatas",
        reported_by=petugas,
        chronology="Pak Sukarmin menolak hadir di mediasi.",
    )
    other = IncidentFactory(kecamatan=kecamatan, parties=["Karang Taruna"])
    return first, hidden, other


def test_report_finds_the_name_in_every_report_and_lists_accesses(
    client, admin_user, sekretariat, named
):
    first, hidden, other = named
    client.force_login(sekretariat)
    client.get(reverse("incidents:detail", args=[first.pk]))  # an access to the identities
    client.force_login(admin_user)
    response = client.get(URL, {"nama": "sukarmin"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert first.reference in page and hidden.reference in page
    assert other.reference not in page and "Karang Taruna" not in page
    assert "Disebut dalam teks laporan, tindak lanjut atau nama berkas" in page  # chronology
    accesses = page.split('data-testid="accesses"')[1]
    assert "Budi Sekretariat" in accesses and "Identitas pihak dan tokoh" in accesses
    entry = ActivityLog.objects.get(action="incidents.party.subject_report")
    # The log names rows by id, never the searched name.
    assert "ukarmin" not in str(entry.data)
    assert sorted(entry.data["incidents"]) == sorted([first.pk, hidden.pk])


def step_naming_him(report, *, by):
    """A handling step whose result names Pak Sukarmin."""
    return HandlingStep.objects.create(
        incident=report,
        date=report.occurred_at.date(),
        stage="penghentian",
        action_type="mediasi",
        description="Mediasi di balai desa.",
        outcome="Pak Sukarmin bersedia berdamai.",
        created_by=by,
    )


def file_naming_him(report, *, by):
    """An attached file whose name names him (a scan of his identity card)."""
    return Evidence.objects.create(
        incident=report,
        file="bukti/ktp.jpg",
        original_name="KTP_Sukarmin.jpg",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
        uploaded_by=by,
    )


def test_report_finds_the_name_in_steps_places_rejections_and_file_names(
    client, admin_user, sekretariat, kecamatan
):
    # A name removed from the parties, or never one, still stood in a step's account, the
    # place, a rejection reason or an attached file's name, and the search found none of them.
    in_step, at_place, rejected, in_file, elsewhere = (
        IncidentFactory(kecamatan=kecamatan) for _ in range(5)
    )
    step_naming_him(in_step, by=sekretariat)
    Incident.objects.filter(pk=at_place.pk).update(address="Rumah Pak Sukarmin, Dusun Kidul")
    Incident.objects.filter(pk=rejected.pk).update(rejection_reason="Sukarmin sudah melapor.")
    file_naming_him(in_file, by=sekretariat)

    client.force_login(admin_user)
    page = client.get(URL, {"nama": "sukarmin"}).content.decode()

    mentioned = page.split("Disebut dalam teks laporan, tindak lanjut atau nama berkas")[1]
    mentioned = mentioned.split('data-testid="accesses"')[0]
    for report in (in_step, at_place, rejected, in_file):
        assert report.reference in mentioned
    assert elsewhere.reference not in mentioned


def test_opening_a_report_s_edit_form_is_listed_among_the_accesses(
    client, admin_user, petugas, named
):
    # The edit form shows the parties' names and addresses, as the report page does.
    _first, draft, _other = named  # the officer's own draft
    client.force_login(petugas)
    assert client.get(reverse("incidents:update", args=[draft.pk])).status_code == 200
    entry = ActivityLog.objects.get(action="incidents.identities.view")
    assert (entry.actor, entry.object_id) == (petugas, str(draft.pk))
    client.force_login(admin_user)
    accesses = client.get(URL, {"nama": "sukarmin"}).content.decode()
    assert "Identitas pihak dan tokoh" in accesses.split('data-testid="accesses"')[1]


def test_short_search_asks_for_more_letters(client, admin_user, named):
    client.force_login(admin_user)
    response = client.get(URL, {"nama": "Pa"})
    assert "paling sedikit 3 huruf" in response.content.decode()
    assert not ActivityLog.objects.filter(action="incidents.party.subject_report").exists()


def test_report_exports_as_csv_and_excel(client, admin_user, sekretariat, named):
    first, _hidden, _other = named
    client.force_login(sekretariat)
    client.get(f"/laporan/{first.pk}/")  # an access to the report that names the party
    client.force_login(admin_user)
    response = client.get(URL, {"nama": "Sukarmin", "format": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(row[:2] == [first.reference, "Pak Sukarmin"] for row in rows)
    # The accesses (the search page just opened) dated as people read them, not ISO.
    times = [row[0] for row in rows if len(row) == 5 and row[2] and row[0] != "Waktu"]
    assert times and all(re.fullmatch(r"\d{1,2} \w+ \d{4}, \d\d\.\d\d", t) for t in times)
    response = client.get(URL, {"nama": "Sukarmin", "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "Pak Sukarmin" in values and first.reference in values


def test_only_administrators_may_search(client, sekretariat, named):
    client.force_login(sekretariat)
    assert client.get(URL, {"nama": "Sukarmin"}).status_code == 403
    party = Party.objects.get(name="Pak Sukarmin")
    response = client.post(ANONYMISE, {"nama": "x", "party": [party.pk], "confirm": "1"})
    assert response.status_code == 403
    assert Party.objects.filter(name="Pak Sukarmin").exists()


def test_an_administrator_scoped_to_a_kecamatan_answers_for_that_kecamatan_only(
    client, kecamatan, other_kecamatan, named
):
    elsewhere = IncidentFactory(
        kecamatan=other_kecamatan,
        parties=["Pak Sukarmin"],
        confidentiality="terbatas",
        chronology="Pak Sukarmin datang ke balai desa.",
    )
    scoped = UserFactory(roles=[Role.ADMIN], is_staff=True, kecamatan=kecamatan)
    client.force_login(scoped)

    page = client.get(URL, {"nama": "Sukarmin"})
    assert kecamatan.name in page.content.decode()  # the page says the search is the kecamatan's
    assert named[0].reference in page.content.decode()
    assert elsewhere.reference not in page.content.decode()
    theirs = elsewhere.parties.get()
    client.post(ANONYMISE, {"nama": "Sukarmin", "party": [theirs.pk], "confirm": "1"})
    client.post(
        reverse("incidents:party_text_redact"), {"nama": "Pak Sukarmin", "confirm_text": "1"}
    )
    theirs.refresh_from_db()
    elsewhere.refresh_from_db()
    assert theirs.name == "Pak Sukarmin"
    assert elsewhere.chronology == "Pak Sukarmin datang ke balai desa."
    assert "[nama disamarkan]" in Incident.objects.get(pk=named[1].pk).chronology


def test_anonymising_removes_the_name_everywhere_and_keeps_the_counts(client, admin_user, named):
    first, _hidden, _other = named
    party = Party.objects.get(name="Pak Sukarmin")
    client.force_login(admin_user)
    # Without the confirmation nothing changes.
    client.post(ANONYMISE, {"nama": "Sukarmin", "party": [party.pk]})
    assert Party.objects.filter(name="Pak Sukarmin").exists()

    response = client.post(ANONYMISE, {"nama": "Sukarmin", "party": [party.pk], "confirm": "1"})
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.name == f"Anonim #{party.pk}"
    assert party.party_type == "pemuda" and party.incident_id == first.pk
    assert first.parties.count() == 2
    # The field history no longer holds the name either.
    assert not Party.pgh_event_model.objects.filter(name__icontains="Sukarmin", pgh_obj=party)
    assert ActivityLog.objects.filter(action="incidents.party.anonymise").count() == 1
    # A second search finds only the other party.
    page = client.get(URL, {"nama": "Sukarmin"}).content.decode()
    assert "Kelompok Pak Sukarmin" in page and f"Anonim #{party.pk}" not in page


def test_export_of_reports_records_the_address(client, sekretariat, named):
    client.force_login(sekretariat)
    client.get(reverse("incidents:export_csv"), REMOTE_ADDR="10.1.2.3")
    entry = ActivityLog.objects.get(action="incidents.export")
    assert entry.data["ip"] == "10.1.2.3"


def test_a_control_character_in_a_name_does_not_fail_the_excel_export(
    client, admin_user, kecamatan
):
    # Forms refuse only NUL; openpyxl refuses every control character and the export failed.
    IncidentFactory(kecamatan=kecamatan, title="Judul\x0cberhalaman", parties=["Budi\x01Santoso"])
    client.force_login(admin_user)
    response = client.get(URL, {"nama": "Santoso", "format": "xlsx"})
    assert response.status_code == 200
    cells = [v for row in load_workbook(io.BytesIO(response.content)).active.values for v in row]
    assert "BudiSantoso" in cells


def test_the_name_is_redacted_in_the_reports_text_and_its_earlier_versions(
    client, admin_user, sekretariat, petugas, kecamatan
):
    # Anonymising the parties left "Pak Sukarmin" in the title, chronology, a step's result and
    # a file's name, and in every earlier version in the field history.
    report = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas,
        title="Sengketa tanah Pak Sukarmin",
        chronology="Warga menuduh PAK SUKARMIN memindah patok.",
        parties=["Pak Sukarmin"],
    )
    Incident.objects.filter(pk=report.pk).update(address="Rumah Sukarmin")  # a second version
    step = step_naming_him(report, by=sekretariat)
    file_naming_him(report, by=sekretariat)
    untouched = IncidentFactory(kecamatan=kecamatan, title="Sengketa irigasi")
    client.force_login(admin_user)
    url = reverse("incidents:party_text_redact")
    page = client.get(URL, {"nama": "sukarmin"}).content.decode()
    assert 'data-testid="redact-text"' in page and "Samarkan nama di teks laporan" in page

    # Without the confirmation nothing changes.
    client.post(url, {"nama": "sukarmin"})
    report.refresh_from_db()
    assert "Sukarmin" in report.title

    response = client.post(url, {"nama": "sukarmin", "confirm_text": "1"}, follow=True)

    assert "sudah disamarkan di 1 laporan" in response.content.decode()
    report.refresh_from_db()
    step.refresh_from_db()
    assert report.title == "Sengketa tanah Pak [nama disamarkan]"
    assert report.chronology == "Warga menuduh PAK [nama disamarkan] memindah patok."
    assert report.address == "Rumah [nama disamarkan]"
    assert step.outcome == "Pak [nama disamarkan] bersedia berdamai."
    assert report.evidence.get().original_name == "KTP_[nama disamarkan].jpg"
    for model in (Incident, HandlingStep, Evidence):
        rows = model.pgh_event_model.objects.values()
        assert rows and not any("ukarmin" in str(row).lower() for row in rows), model
    untouched.refresh_from_db()
    assert untouched.title == "Sengketa irigasi"
    entry = ActivityLog.objects.get(action="incidents.party.text_redact")
    assert entry.object_id == str(report.pk) and "ukarmin" not in str(entry.data).lower()
    # The party itself is the anonymise button's (it stays until then).
    assert report.parties.get().name == "Pak Sukarmin"

    # Sent twice (a double tap): nothing more changes.
    client.post(url, {"nama": "sukarmin", "confirm_text": "1"})
    report.refresh_from_db()
    assert report.title == "Sengketa tanah Pak [nama disamarkan]"


def test_redaction_takes_whole_words_and_an_edit_form_opened_before_keeps_it(
    client, admin_user, petugas, kecamatan
):
    # "Adi" is no part of "terjadi"; a name only in an earlier version is found too; and the
    # author's edit form, opened before, does not write the name back.
    report = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas,
        status="draft",
        title="Keributan yang terjadi di pasar",
        chronology="Adi dan ADI SUSANTO terlibat; kejadian terjadi malam hari.",
    )
    earlier = IncidentFactory(kecamatan=kecamatan, title="Laporan tentang Adi")
    Incident.objects.filter(pk=earlier.pk).update(title="Laporan tentang seorang warga")
    # The author's edit form, as opened before the redaction.
    data = edit_payload(report, title="Keributan di pasar")

    client.force_login(admin_user)
    page = client.get(URL, {"nama": "adi"}).content.decode()
    mentioned = page.split('data-testid="redact-text"')[0]
    assert report.reference in mentioned and earlier.reference in mentioned
    client.post(reverse("incidents:party_text_redact"), {"nama": "adi", "confirm_text": "1"})

    report.refresh_from_db()
    assert report.title == "Keributan yang terjadi di pasar"
    assert report.chronology == (
        "[nama disamarkan] dan [nama disamarkan] SUSANTO terlibat; kejadian terjadi malam hari."
    )
    assert not any(
        "Adi " in row["title"] for row in Incident.pgh_event_model.objects.values("title")
    )

    client.force_login(petugas)
    refused = client.post(f"/laporan/{report.pk}/ubah/", data)
    assert refused.status_code == 400  # changed meanwhile: said so
    data["version"] = refused.context["form"]["version"].value()
    assert client.post(f"/laporan/{report.pk}/ubah/", data).status_code == 302
    report.refresh_from_db()
    assert report.title == "Keributan di pasar"
    assert "Adi dan" not in report.chronology and "[nama disamarkan]" in report.chronology
