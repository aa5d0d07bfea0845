"""A form of the evaluation pages sent twice (a double tap, or sent again after a slow answer)
is saved once and the second answer says so, instead of "changed by someone else"."""

import pytest

from evaluations.models import Evaluation
from evaluations.selectors import framework_for
from tests.evaluations.test_views import province_form, weights_form
from tests.helpers import submission_token

pytestmark = pytest.mark.django_db

SENT_BEFORE = "Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali."


def send_twice(client, url, form, **changes):
    """The page's form with `changes`, sent twice with the page's one submission token: the
    first is saved, the second answer says it was sent before."""
    data = {**form(client, url), **changes, "submission_token": submission_token(client.get(url))}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert SENT_BEFORE in again.content.decode()


def test_a_province_result_sent_twice_is_recorded_once(client, world, sekretariat):
    client.force_login(sekretariat)
    url = "/evaluasi/2024/tahun/hasil-provinsi/"
    send_twice(client, url, province_form, province_rank="6", province_award="Terbaik VI")
    evaluation = Evaluation.objects.get(year=2024, scope="tahun")
    assert (evaluation.province_rank, evaluation.province_award) == (6, "Terbaik VI")


def test_weights_sent_twice_are_saved_once(client, world, sekretariat):
    client.force_login(sekretariat)
    url = "/evaluasi/2027/bobot/"
    send_twice(client, url, weights_form, pillar__kolaborasi="30", pillar__komunikasi="20")
    assert framework_for(2027).pillars.get(code="kolaborasi").weight == 30
