"""No 500 for junk in any URL, query string or form a persona can reach, and every error message
it gets in Indonesian (tests/fuzzing.py).

`make test` runs a small campaign: three personas, one round, in Indonesian, each accepted form
sent twice at once. `make fuzz` runs every persona in both languages with more rounds, each
accepted form sent by four clients at once, with its own seed (FUZZ_PERSONAS, FUZZ_LANGUAGES,
FUZZ_ROUNDS, FUZZ_AT_ONCE, FUZZ_SEED). Requests are committed as in production (a transactional
test), so a view that breaks its transaction is seen as it would be.

A finding names the persona, the request and the exception; it is fixed in the portal and, when
the campaign would not find it again by chance, kept as an explicit test next to the view.
"""

import os
import random

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests.browser.test_page_audit import english_words, seed
from tests.fuzzing import Campaign, admin_urls
from tests.project.test_url_matrix import EXPECTATIONS, PERSONAS

pytestmark = pytest.mark.django_db(transaction=True)

SMOKE_PERSONAS = ["petugas", "sekretariat", "admin"]
FUZZ_PERSONAS = os.environ.get("FUZZ_PERSONAS", " ".join(SMOKE_PERSONAS)).split()
FUZZ_ROUNDS = int(os.environ.get("FUZZ_ROUNDS", "1"))
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "2026"))
# The portal's languages to fuzz in: an English page takes other translations (and placeholders)
# than an Indonesian one. Error messages are checked for English words in Indonesian only.
FUZZ_LANGUAGES = os.environ.get("FUZZ_LANGUAGES", "id").split()
# How many clients send an accepted form at the same moment (a double tap is two).
FUZZ_AT_ONCE = max(1, int(os.environ.get("FUZZ_AT_ONCE", "2")))


def start_urls(persona, objects) -> list[str]:
    """The portal's pages the persona may open (the URL matrix's 200s), then the
    administration's."""
    urls = []
    for name, (kwargs, query, codes) in sorted(EXPECTATIONS.items()):
        if codes[persona] != 200:
            continue
        url = reverse(name, kwargs=kwargs(objects) if kwargs else None)
        if query:
            url += f"?{query}={objects[query].pk}"
        urls.append(url)
    return urls


def first_object(model):
    return model._default_manager.order_by("pk").first()


@pytest.mark.parametrize("language", FUZZ_LANGUAGES)
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p in FUZZ_PERSONAS])
def test_junk_everywhere_is_answered_without_a_server_error(
    client, roles, kecamatan, default_framework, record_property, persona, language
):
    users, objects = seed(kecamatan)
    user = users[persona]
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    urls = start_urls(persona, objects)
    if user is not None and user.is_staff:
        urls += list(admin_urls(admin.site, first_object))
    assert client.get(urls[0]).get("Content-Language") == language
    client.raise_request_exception = False
    label = persona if language == "id" else f"{persona} ({language})"
    campaign = Campaign(
        client,
        label,
        random.Random(f"{FUZZ_SEED}-{persona}-{language}"),
        user,
        rounds=FUZZ_ROUNDS,
        twins=[Client(raise_request_exception=False) for _ in range(FUZZ_AT_ONCE - 1)],
        english_words=english_words if language == "id" else None,
    )
    campaign.run(urls)

    assert campaign.requests > len(urls)
    record_property(
        "fuzz",
        f"{label}: {campaign.requests} requests from {len(urls)} pages (seed {FUZZ_SEED}, "
        f"{FUZZ_ROUNDS} round(s)), {len(campaign.findings)} finding(s)",
    )
    unique = {}
    for finding in campaign.findings:
        unique.setdefault((finding.method, finding.error), finding)
    assert not unique, (
        f"{len(campaign.findings)} server errors or English messages in {campaign.requests} "
        f"requests (seed {FUZZ_SEED}); one of each kind:\n" + "\n".join(map(str, unique.values()))
    )


@pytest.mark.urls("tests.project.fuzz_probe_urls")
def test_the_campaign_finds_junk_that_breaks_a_query_a_form_a_path_and_english(client):
    client.raise_request_exception = False
    campaign = Campaign(
        client, "anonymous", random.Random(1), rounds=12, english_words=english_words
    )
    campaign.run(["/probe/", "/probe/7/"])

    broken = {
        (f.method, f.url.partition("?")[0], f.error.partition(":")[0]) for f in campaign.findings
    }
    assert ("GET", "/probe/", "ValueError") in broken  # junk in ?halaman=
    assert ("POST", "/probe/simpan/", "ValueError") in broken  # junk in jumlah, jenis drawn again
    beyond = {url for method, url, error in broken if error == "OverflowError"}
    assert beyond and beyond <= {"/probe/2147483648/", f"/probe/{'9' * 30}/"}  # the path's id
    english = {f.error for f in campaign.findings if f.error.startswith("English")}
    # Only the probe's own sentence; the junk quoted back (None, true…) is not counted.
    assert {"None", "true"} & campaign._sent
    assert english == {"English ['Please', 'select', 'value'] in 'Please select a value.'"}
    assert {error for _, _, error in broken} - english == {"ValueError", "OverflowError"}
    finding = next(f for f in campaign.findings if f.method == "POST")
    assert "'jenis': ['b']" in finding.data
    assert "ValueError: invalid literal for int()" in str(finding)


@pytest.mark.urls("tests.project.fuzz_probe_urls")
def test_forms_sent_at_once_find_a_check_then_insert_race_that_one_by_one_misses(client):
    client.raise_request_exception = False

    def campaign(twins):
        clients = [Client(raise_request_exception=False) for _ in range(twins)]
        run = Campaign(client, "anonymous", random.Random(1), twins=clients)
        run.run(["/probe/antre/"])
        return {f.error.partition(":")[0] for f in run.findings if f.method == "POST"}

    assert campaign(twins=0) == set()  # the same form twice, one after the other
    Group.objects.filter(name="antrean").delete()
    assert campaign(twins=3) == {"IntegrityError"}


@pytest.mark.urls("tests.project.fuzz_probe_urls")
def test_forms_sent_at_once_find_a_second_tap_refused_because_of_the_first(client):
    client.raise_request_exception = False

    def campaign(twins):
        Group.objects.filter(name="sekali").delete()
        clients = [Client(raise_request_exception=False) for _ in range(twins)]
        run = Campaign(client, "anonymous", random.Random(1), twins=clients)
        run.run(["/probe/sekali/"])
        return {f.error for f in run.findings if f.method == "POST"}

    assert campaign(twins=0) == set()
    assert campaign(twins=1) == {"one tap went through, another was refused: '400: (no message)'"}
