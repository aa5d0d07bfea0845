"""Every page of every role, checked in the browser by axe-core and for English words (issue 12).

The pages come from the URL matrix (tests/project/test_url_matrix.py): every named URL a persona
may open (expected answer 200) is visited, so a page added to the URLconf is checked as soon as
the matrix declares it. The administration adds its index, every changelist and a few forms.
Non-HTML answers (exports, JSON, files) and htmx fragments are skipped.

One browser context per persona and size (desktop 1280, phone 390) and one data set seeded per
size keep the walk short; each page is visited once and given both checks:
- axe-core (bundled by axe-playwright-python): no serious or critical violation;
- English words: none of the usual English interface words in the text of the page or in the
  `title`, `placeholder`, `aria-label` and `alt` attributes and button values, with the page in
  Indonesian. Words that are also Indonesian (Status, Data, Total, Detail...) are not listed.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from accounts.choices import Role
from incidents.models import Incident
from tests.factories import (
    AgencyFactory,
    ContactFactory,
    DesaFactory,
    HandlingStepFactory,
    IncidentFactory,
    UserFactory,
)
from tests.project.test_url_matrix import EXPECTATIONS, _objects

# The sizes of the `page` and `phone_page` fixtures.
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
PERSONAS = ["anonymous", "no_role", "petugas", "operator", "sekretariat", "pimpinan", "admin"]
AXE_SOURCE = Axe().axe_script
BLOCKING_IMPACTS = {"serious", "critical"}
# Minor in axe-core, but a screen reader announces nothing for such a header (issue 12 names it).
BLOCKING_RULES = {"empty-table-header"}

# Usual English interface words; matched as whole words, case-insensitively. Left out on purpose
# because they are Indonesian words too: Status, Data, Total, Detail, Format, Email, Media, Forum,
# Program, Final, Map ("folder"), Area, Unit, Online, Log; and "an" (as in "tahun 90-an").
ENGLISH_WORDS = {
    # buttons and links
    "save", "delete", "cancel", "search", "submit", "edit", "add", "back", "next", "previous",
    "filter", "export", "import", "download", "upload", "login", "logout", "sign",
    "password", "username", "home", "dashboard", "yes", "close", "select", "choose", "show",
    "hide", "clear", "reset", "change", "update", "create", "remove", "view", "open", "go", "run",
    "apply", "confirm", "continue", "print", "send", "more", "less", "all", "none",
    # labels and messages
    "loading", "error", "required", "optional", "page", "date", "name", "action", "actions",
    "welcome", "history", "recent", "documentation", "unknown", "today", "now", "true", "false",
    "warning", "success", "invalid", "please", "enter", "field", "value", "results", "items",
    "selected", "sort", "ascending", "descending", "first", "last", "new", "user", "users",
    "group", "groups", "permissions", "list", "description", "title", "type", "kind", "notes",
    # function words: a sign of an English sentence
    "of", "the", "and", "or", "to", "for", "with", "from", "your", "you", "this", "is", "are",
    "not", "by", "on", "in", "at", "be", "has", "have", "was", "were",
}  # fmt: skip
# "No" is English, but "No." is the Indonesian abbreviation of "nomor".
ENGLISH_NO = re.compile(r"\bNo\b(?!\.)")

# Words and phrases the portal says on purpose, with the reason.
ALLOWED_WORDS = {
    "filter": "Indonesian word too (KBBI: filter, saringan); the filter panels say Filter.",
}
ALLOWED_PHRASES = {
    "Single Sign-On": "the name of a technique, kept by Django's Indonesian help text of the "
    "user form",
}

# A word stands alone: letters glued to digits are a code (a salt, a hash, an ID), not a word.
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+(?![A-Za-z0-9])")
# Email addresses, web addresses and domain names are not words of the interface.
ADDRESS = re.compile(r"\S+@\S+|\w+://\S+|\b[\w-]+(?:\.[a-z]{2,})+\b")

# The text a person reads or hears: text nodes (hidden menus and collapsed panels included:
# they open on a tap), the page title, labelling attributes and button values.
PAGE_TEXTS = """() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    // translate="no" marks what is not language: keys, codes, numbers to type.
    if (node.parentElement.closest("script, style, template, noscript, [translate=no]")) continue;
    if (node.data.trim()) texts.push(node.data.trim());
  }
  for (const el of document.body.querySelectorAll("[title], [placeholder], [aria-label], [alt]")) {
    for (const name of ["title", "placeholder", "aria-label", "alt"]) {
      const value = el.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  for (const el of document.body.querySelectorAll(
    "input[type=submit], input[type=button], input[type=reset], button[value]"
  )) {
    if (el.value) texts.push(el.value);
  }
  return texts;
}"""


def english_words(text: str) -> set[str]:
    text = ADDRESS.sub(" ", text)
    for phrase in ALLOWED_PHRASES:
        text = text.replace(phrase, " ")
    found = {
        word
        for word in WORD.findall(text)
        if word.lower() in ENGLISH_WORDS and word.lower() not in ALLOWED_WORDS
    }
    if ENGLISH_NO.search(text):
        found.add("No")
    return found


@dataclass
class Findings:
    size: str
    pages: int = 0
    violations: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)

    def report(self) -> str:
        parts = []
        if self.violations:
            parts.append(
                f"{len(self.violations)} serious or critical axe-core violation(s):\n"
                + "\n".join(self.violations)
            )
        if self.english:
            parts.append(
                f"{len(self.english)} page(s) with English words:\n" + "\n".join(self.english)
            )
        return "\n\n".join(parts)


# --- the data set -------------------------------------------------------------------------------


def seed(kecamatan):
    """The personas and a small but realistic portal: the URL matrix's objects (a verified
    report with a step and evidence, an established plan with a realisation, a conflict status,
    an issued document) and reports of each kind, risk and status."""
    dinsos = AgencyFactory(name="Dinas Sosial", acronym="Dinsos")
    users = {
        "anonymous": None,
        "no_role": UserFactory(username="tanpa-peran"),
        "petugas": UserFactory(
            username="petugas", first_name="Siti", kecamatan=kecamatan, roles=[Role.PETUGAS]
        ),
        "operator": UserFactory(username="operator", agency=dinsos, roles=[Role.PETUGAS]),
        "sekretariat": UserFactory(
            username="sekretariat",
            first_name="Budi",
            agency=AgencyFactory(name="Badan Kesatuan Bangsa dan Politik", acronym="Bakesbangpol"),
            roles=[Role.SEKRETARIAT],
        ),
        "pimpinan": UserFactory(username="pimpinan", first_name="Bapak", roles=[Role.PIMPINAN]),
        "admin": UserFactory(username="admin", is_staff=True, roles=[Role.ADMIN]),
    }
    objects = _objects(users, kecamatan)
    desa = DesaFactory(parent=kecamatan, name="Ceweng")
    reporter = users["petugas"]
    for status, likelihood, impact in [
        ("draft", 1, 2),
        ("diajukan", 3, 3),
        ("ditolak", 2, 1),
        ("ditangani", 4, 4),
    ]:
        IncidentFactory(
            kecamatan=kecamatan,
            desa=desa,
            reported_by=reporter,
            status=status,
            likelihood=likelihood,
            impact=impact,
            rejection_reason="Lokasi bukan di wilayah kabupaten." if status == "ditolak" else "",
        )
    handled = IncidentFactory(
        event=True, kecamatan=kecamatan, reported_by=reporter, status="selesai", injured=2
    )
    HandlingStepFactory(incident=handled, created_by=users["sekretariat"], date=date.today())
    ContactFactory(name="K.H. Abdullah (DEMO)")
    return users, objects


def pages_of(persona, objects, users) -> list[str]:
    """The URLs of the pages a persona opens: every named URL the matrix expects to answer 200,
    the page telling an account without a role to ask for one, and the administration."""
    urls = []
    for name, (kwargs, query, codes) in sorted(EXPECTATIONS.items()):
        if codes[persona] == 200 or (persona == "no_role" and name == "dashboard"):
            url = reverse(name, kwargs=kwargs(objects) if kwargs else None)
            if query:
                url += f"?{query}={objects[query].pk}"
            urls.append(url)
    if persona == "admin":
        urls.append(reverse("admin:index"))
        for model in admin.site._registry:
            meta = model._meta
            if not users["admin"].has_perm(f"{meta.app_label}.view_{meta.model_name}"):
                continue
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls += [
            reverse("admin:accounts_user_change", args=[users["petugas"].pk]),
            reverse("admin:accounts_user_add"),
            reverse("admin:directory_agency_add"),
            reverse("admin:directory_contact_add"),
        ]
    if persona == "petugas":
        # The refusal and not-found pages, as a signed-in officer sees them.
        urls.append(reverse("incidents:conflict_status_create"))
        urls.append(
            reverse("incidents:detail", kwargs={"pk": Incident.objects.latest("pk").pk + 1})
        )
    return urls


def session_cookie(user, base_url):
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


# --- the walk -----------------------------------------------------------------------------------


# A path ending in a file name extension serves a file (export, PDF draft, JSON), not a page.
FILE_PATH = re.compile(r"\.[a-z]+$")


def audit_page(page, url, persona, findings):
    if FILE_PATH.search(url.partition("?")[0]):
        return
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in error.message:
            return  # an export or a document
        raise
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("text/html") or not response.text().lstrip().lower().startswith(
        "<!doctype"
    ):
        return  # an export, a file, JSON or an htmx fragment
    # Scripts run on jQuery's ready (a timer queued when the document was parsed) have run.
    page.evaluate("() => new Promise(resolve => setTimeout(resolve))")
    findings.pages += 1
    where = f"{url} as {persona} ({findings.size})"
    for violation in blocking_violations(page):
        nodes = violation["nodes"]
        first = "; ".join(f"{' '.join(node['target'])} {node['html'][:120]}" for node in nodes[:3])
        findings.violations.append(
            f"- {violation['id']} ({violation['impact']}, {len(nodes)} node(s)) on {where}: "
            f"{violation['help']}\n    {first}"
        )
    hits = english_on_page(page)
    if hits:
        findings.english.append(
            f"- {where}: "
            + ", ".join(f"{word!r} in {text!r}" for word, text in sorted(hits.items()))
        )


def blocking_violations(page) -> list[dict]:
    violations = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
    return [
        violation
        for violation in violations
        if violation["impact"] in BLOCKING_IMPACTS or violation["id"] in BLOCKING_RULES
    ]


def english_on_page(page) -> dict[str, str]:
    """English words found on the page, each with the start of the first text it is in."""
    hits = {}
    for text in page.evaluate(PAGE_TEXTS):
        for word in english_words(text):
            hits.setdefault(word, text[:80])
    return hits


@pytest.mark.parametrize("size", SIZES)
def test_every_page_of_every_role_passes_axe_and_speaks_indonesian(
    browser, live_server, transactional_db, roles, kecamatan, default_framework, size
):
    started = time.monotonic()
    users, objects = seed(kecamatan)
    findings = Findings(size=size)
    for persona in PERSONAS:
        context = browser.new_context(base_url=live_server.url, locale="id-ID", **SIZES[size])
        context.set_default_timeout(10_000)
        # Loaded by the browser into each page: cheaper than sending it over for every page.
        context.add_init_script(script=AXE_SOURCE)
        if users[persona] is not None:
            context.add_cookies([session_cookie(users[persona], live_server.url)])
        page = context.new_page()
        urls = pages_of(persona, objects, users)
        if persona == "anonymous":
            urls.append("/halaman-yang-tidak-ada/")
        for url in urls:
            audit_page(page, url, persona, findings)
        context.close()
    print(f"{findings.pages} pages checked at {size} in {time.monotonic() - started:.1f} s")
    assert findings.pages > 60, findings.pages  # the walk did reach the pages
    assert not findings.violations and not findings.english, findings.report()


# --- the checks themselves can fail -------------------------------------------------------------


def test_the_english_check_finds_english_words_and_spares_indonesian_ones():
    assert english_words("Save changes") == {"Save"}
    assert english_words("Page 2 of 5") == {"Page", "of"}
    assert english_words("No results") == {"No", "results"}
    assert english_words("salt: 41f7be****** 9of2") == set()
    indonesian = (
        "Status keadaan konflik · Data dukung · Total anggaran · No. SK 188/2024 · Filter · "
        "Kirim ke petugas@contoh.go.id · Single Sign-On · Detail laporan"
    )
    assert english_words(indonesian) == set()


def test_the_checks_report_an_unlabelled_field_and_an_english_button(browser):
    page = browser.new_page()
    page.add_init_script(script=AXE_SOURCE)
    page.goto(
        "data:text/html,"
        '<!doctype html><html lang="id"><head><title>Uji</title></head><body><main>'
        '<h1>Uji</h1><input type="text"><button type="submit">Cancel</button>'
        '<img src="data:," alt="Loading"></main></body></html>'
    )
    assert "label" in {violation["id"] for violation in blocking_violations(page)}
    assert set(english_on_page(page)) == {"Cancel", "Loading"}
    page.close()
