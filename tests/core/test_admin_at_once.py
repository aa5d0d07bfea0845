"""The same admin form saved twice at the same moment (a double click on "Simpan"), each request
on its own database connection."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from directory.models import Agency
from reports.models import Letterhead
from tests.factories import jpeg_bytes
from tests.helpers import run_in_threads

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
            assert "Instansi dengan Nama telah ada." in answer.content.decode()
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
    # One saved it. Each other one, checked again, may no longer add one (403, as on the page)
    # or, past that check before the first committed, has the form refused by the constraint.
    codes = [a.status_code for a in answers]
    assert codes.count(302) == 1 and set(codes) <= {200, 302, 403}, codes
    for answer in answers:
        if answer.status_code == 200:
            assert "Kop surat sudah ada: ubah kop surat yang ada." in answer.content.decode()
    assert Letterhead.objects.count() == 1


def test_a_second_letterhead_is_refused_by_the_model_too():
    Letterhead.objects.create()
    with pytest.raises(ValidationError) as error:
        Letterhead().full_clean()
    assert error.value.messages == ["Kop surat sudah ada: ubah kop surat yang ada."]
