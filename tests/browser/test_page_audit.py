"""Every page of every role, checked in the browser by axe-core and for English words (issue 12).

The pages come from the URL matrix (tests/project/test_url_matrix.py): every named URL a persona
may open (expected answer 200) is visited, so a page added to the URLconf is checked as soon as
the matrix declares it. The administration adds its index, every changelist and a few forms.
Non-HTML answers (exports, JSON, files) and htmx fragments are skipped.

The walk is one test per persona (the two with the most pages in halves), so that the workers
share it. Each test seeds the same data set and opens one browser context; each page is opened
once, checked in a desktop window (1280 px), then narrowed to a phone's width (390 px) and checked
again (`audit_page`):
- axe-core (bundled by axe-playwright-python), at both widths: no serious or critical violation;
- English words: none of the usual English interface words in the text of the page or in the
  `title`, `placeholder`, `aria-label` and `alt` attributes and button values, with the page in
  Indonesian. Words that are also Indonesian (Status, Data, Total, Detail...) are not listed;
- no sideways scrolling, at both widths: the page is no wider than the window (phone first);
- the strict Content-Security-Policy (issue 13): the page is sent with it, without
  'unsafe-inline', and Chromium blocks nothing on it (no script, style or image refused) while
  the walk runs.

axe-core is the expensive part, and most of its work repeats: the same `<main>` shows up for
several personas, and a persona's header, navigation and footer are the same on nearly all its
pages. `AxeAudit` therefore splits each page in three (see its docstring): the rules that need the
whole document run on every page; every other rule runs on `<main>` and on the rest of the page
only when that part has not been audited before with everything that can change its result.
The parts audited are remembered for the whole run of a worker (`audited_parts`), across the
tests of the walk.
"""

import hashlib
import re
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import factory.random
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management.color import no_style
from django.db import connection
from django.test import Client
from django.urls import reverse
from factory.django import DjangoModelFactory
from playwright.sync_api import Error as PlaywrightError

from accounts.choices import Role
from action_plans import services as plan_services
from action_plans.choices import PeriodScheme
from dashboard import services as dashboard_services
from dashboard.models import NotificationKind
from evaluations import services as evaluation_services
from incidents.models import Incident
from tests import factories
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.factories import (
    AgencyFactory,
    ContactFactory,
    DesaFactory,
    HandlingStepFactory,
    IncidentFactory,
    UserFactory,
)
from tests.helpers import add_activity, collect_csp_violations
from tests.project.test_url_matrix import EXPECTATIONS, _objects

# The sizes of the `page` and `phone_page` fixtures; the walk takes their widths and heights.
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

# A word stands alone: letters glued to digits or to a mask's asterisks are a code (a salt, a
# hash, an ID: the admin shows a password's salt as "To******"), not a word.
WORD = re.compile(r"(?<![A-Za-z0-9*])[A-Za-z]+(?![A-Za-z0-9*])")
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
    pages: int = 0
    violations: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    sideways: list[str] = field(default_factory=list)

    def report(self) -> str:
        parts = []
        if self.sideways:
            parts.append(
                f"{len(self.sideways)} page(s) scrolling sideways:\n" + "\n".join(self.sideways)
            )
        if self.csp:
            parts.append(
                f"{len(self.csp)} Content-Security-Policy problem(s):\n" + "\n".join(self.csp)
            )
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


UNBROKEN = "https://jombangkab.go.id/berita/" + "penolakan_pembangunan_gudang_di_desa_ceweng_" * 4


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
    # Text as people paste it: a long address with no place to break a line, in the fields the
    # pages show, so that no page grows wider than a phone because of what was typed.
    Incident.objects.filter(pk=objects["incident"].pk).update(
        title=f"Penolakan warga {UNBROKEN}"[:200], address=UNBROKEN, chronology=UNBROKEN
    )
    objects["incident"].steps.update(description=UNBROKEN)
    objects["incident"].parties.update(name=UNBROKEN[:150])
    type(objects["activity"]).objects.filter(pk=objects["activity"].pk).update(title=UNBROKEN)
    type(objects["realisation"]).objects.filter(pk=objects["realisation"].pk).update(
        narrative=UNBROKEN
    )
    type(objects["conflict_status"]).objects.filter(pk=objects["conflict_status"].pk).update(
        scope=UNBROKEN[:200]
    )
    type(dinsos).objects.filter(pk=dinsos.pk).update(name=f"Dinas Sosial {UNBROKEN}"[:200])
    dashboard_services.notify(
        recipients=[user for user in users.values() if user is not None],
        kind=NotificationKind.HIGH_RISK,
        key="audit-long-title",
        message=f"Potensi berisiko tinggi diajukan: {UNBROKEN}"[:300],
        url=f"/laporan/{objects['incident'].pk}/",
    )
    # This year's plan, established, so that the operator's dashboard lists an activity due.
    current = plan_services.plan_create(
        year=date.today().year, scheme=PeriodScheme.CATURWULAN, by=users["sekretariat"]
    )
    due = add_activity(current, users["sekretariat"], code="1.1", agency=dinsos)
    type(due).objects.filter(pk=due.pk).update(title=UNBROKEN)
    plan_services.plan_establish(
        plan=current,
        by=users["sekretariat"],
        decree_reference=f"SK 188/{current.year}",
        decree_date=date(current.year, 1, 2),
    )
    evaluation = evaluation_services.evaluation_get_or_create(year=2024, scope="B04")
    evaluation_services.manual_score_save(
        evaluation=evaluation,
        indicator_code="kolaborasi.solusi_bersama",
        score=Decimal(80),
        justification=UNBROKEN,
        by=users["sekretariat"],
    )
    evaluation_services.province_result_record(
        evaluation=evaluation,
        rank=6,
        score=Decimal("85.5"),
        award=UNBROKEN[:200],
        note=UNBROKEN,
        by=users["sekretariat"],
    )
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


# Whether the page is wider than the window's width (given: a phone's browser zooms out to fit a
# page wider than the screen, so `innerWidth` grows with the page), and if so the elements that
# stick out on the right, outside any element that scrolls on its own.
SIDEWAYS = """width => {
  if (document.documentElement.scrollWidth <= width) return "";
  // Clipped by an ancestor that scrolls or hides its overflow, unless the element is positioned
  // and that ancestor lies between it and the box it is positioned in (it escapes it then).
  const clipped = element => {
    const style = getComputedStyle(element);
    const positioned = ["absolute", "fixed"].includes(style.position);
    const block = style.position === "fixed" ? null : element.offsetParent;
    for (let e = element.parentElement; e; e = e.parentElement) {
      if (positioned && !(block && e.contains(block))) continue;
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !clipped(e))
    .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`
      + ` (${Math.round(e.getBoundingClientRect().right)} px)`);
  return `${document.documentElement.scrollWidth} px wide at ${width} px: `
    + out.slice(0, 5).join(", ");
}"""

# A path ending in a file name extension serves a file (export, PDF draft, JSON), not a page.
FILE_PATH = re.compile(r"\.[a-z]+$")


# After a resize: the layout, and what scripts redraw on the window's resize event, are done. A
# Leaflet map fits itself to the new size a moment later (its `moveend` comes after a 200 ms pan).
SETTLED = """() => new Promise(resolve => {
  const frames = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
  if (document.querySelector(".leaflet-container")) setTimeout(frames, 400);
  else frames();
})"""
# A phone lays out a page without this at 980 px and zooms out: everything shrinks to a third.
VIEWPORT_META = (
    """() => !!document.querySelector('meta[name=viewport][content*="width=device-width"]')"""
)


def audit_page(page, url, persona, findings, audit):
    """Open the page once, check it at desktop size, then narrow the window to a phone's width
    and check it again. The HTML is the same at both sizes (the server does not know the width),
    so its words, its policy header and its viewport tag are checked once; axe-core and the
    sideways check run at both widths (`AxeAudit` keys its parts by width), after what lays itself
    out for the window (the map) has followed the resize. A narrowed desktop window is not a phone
    in two ways, both covered: it ignores the viewport tag (checked here instead), and it has no
    touch (the phone journeys, test_phone_journeys.py, run in an emulated phone)."""
    if FILE_PATH.search(url.partition("?")[0]):
        return
    page.set_viewport_size(SIZES["desktop"]["viewport"])
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
    policy = response.headers.get("content-security-policy", "")
    if not policy or "'unsafe-inline'" in policy:
        findings.csp.append(f"- {url} as {persona}: sent with the policy {policy!r}")
    if not page.evaluate(VIEWPORT_META):
        findings.sideways.append(
            f"- {url} as {persona}: no <meta name=viewport content=width=device-width>"
        )
    hits = english_on_page(page)
    if hits:
        findings.english.append(
            f"- {url} as {persona}: "
            + ", ".join(f"{word!r} in {text!r}" for word, text in sorted(hits.items()))
        )
    for size in SIZES:
        if size != "desktop":
            page.set_viewport_size(SIZES[size]["viewport"])
            page.evaluate(SETTLED)
        where = f"{url} as {persona} ({size})"
        for violation in blocking_violations(page, audit):
            nodes = violation["nodes"]
            first = "; ".join(
                f"{' '.join(node['target'])} {node['html'][:120]}" for node in nodes[:3]
            )
            findings.violations.append(
                f"- {violation['id']} ({violation['impact']}, {len(nodes)} node(s)) on {where}: "
                f"{violation['help']}\n    {first}"
            )
        overflow = page.evaluate(SIDEWAYS, SIZES[size]["viewport"]["width"])
        if overflow:
            findings.sideways.append(f"- {where}: {overflow}")


# --- axe-core, without repeating a run whose result is known ------------------------------------

# The rules whose result on a node depends on the document as a whole rather than on the node and
# its own subtree: the document's title and language, the landmarks and their names and nesting,
# content outside any landmark, the only `bypass` rule axe-core flags `pageLevel`, the heading
# outline and the one <h1>, the skip link (outside <main>) and its target (inside), ids unique
# across the document. Run with `runOnly` they cost about a tenth of a full run, so they run on
# every page; the other rules never run them again.
WHOLE_PAGE_RULES = [
    "aria-hidden-body",
    "bypass",
    "document-title",
    "duplicate-id-aria",
    "frame-focusable-content",
    "frame-tested",
    "heading-order",
    "html-has-lang",
    "html-lang-valid",
    "html-xml-lang-mismatch",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-one-main",
    "landmark-unique",
    "meta-refresh",
    "meta-viewport",
    "meta-viewport-large",
    "page-has-heading-one",
    "region",
    "skip-link",
]
PART_RULES = {"rules": {rule: {"enabled": False} for rule in WHOLE_PAGE_RULES}}

# What the result of the other rules on a part of the page (the <main>, or all but the <main>)
# depends on, as text: the part's normalised HTML; the opening tags of <main>'s ancestors; the
# style sheets; the viewport width; and every id reference (label `for`, `aria-labelledby`, ...)
# that crosses the part's border or points nowhere, with the element at its other end. Normalised
# away, because no axe-core rule reads them: the values of hidden inputs (CSRF tokens, the `next`
# of the language form; a hidden input is neither rendered nor in the accessibility tree) and the
# text of <title> (read only by `document-title`, a whole-page rule). Numbers are kept: a number
# can be an id, a `tabindex` or a `colspan`, all of which axe-core reads.
PART_KEYS = """() => {
  const main = document.querySelector("main");
  const normalised = (element) => {
    const clone = element.cloneNode(true);
    for (const input of clone.querySelectorAll("input[type=hidden]")) {
      input.removeAttribute("value");
    }
    return clone;
  };
  const openingTag = (element) => element.cloneNode(false).outerHTML.replace(/<\\/[^>]*>$/, "");
  const shared = [
    `width ${window.innerWidth}`,
    ...[...document.querySelectorAll("link[rel~=stylesheet], style")].map((el) => el.outerHTML),
  ];
  if (document.querySelectorAll("main").length !== 1) return null;
  const ancestors = [];
  for (let el = main.parentElement; el; el = el.parentElement) ancestors.push(openingTag(el));
  const IDREFS = ["for", "form", "list", "headers", "aria-labelledby", "aria-describedby",
    "aria-controls", "aria-owns", "aria-activedescendant", "aria-errormessage", "aria-details",
    "aria-flowto"];
  const crossing = [];
  for (const source of document.querySelectorAll(IDREFS.map((name) => `[${name}]`).join(","))) {
    for (const name of IDREFS) {
      for (const id of (source.getAttribute(name) || "").split(/\\s+/).filter(Boolean)) {
        const target = document.getElementById(id);
        if (!target || main.contains(source) !== main.contains(target)) {
          const end = target ? target.outerHTML : "none";
          crossing.push(`${openingTag(source)} ${name}=${id} -> ${end}`);
        }
      }
    }
  }
  const rest = normalised(document.documentElement);
  rest.querySelector("main").replaceWith(document.createComment("main"));
  const title = rest.querySelector("title");
  if (title) title.textContent = "";
  return {
    main: [...shared, ...ancestors, ...crossing, normalised(main).outerHTML].join("\\n"),
    rest: [...shared, ...crossing, rest.outerHTML].join("\\n"),
  };
}"""

AXE_RUN = "([context, options]) => axe.run(context || document, options)"


class AxeAudit:
    """axe-core's violations on a page, running each rule on each node once per distinct state.

    A page is checked in up to three runs that together apply every rule to every node, like one
    full run:
    - WHOLE_PAGE_RULES on the whole page, on every page;
    - every other rule on <main> (`include`), and on the rest of the page (`exclude`), each only
      when the part's key (PART_KEYS) has not been seen before in this walk; otherwise the
      violations found the first time are reported again for this page. Equal keys give equal
      results: those rules look at the nodes of the part, their subtree, their computed style
      (style sheets, ancestors and viewport are in the key; no selector of the portal's or the
      admin's style sheets reaches into <main> from a sibling outside it) and the elements their
      id references name (in the key when outside the part). An element of the other part
      overlapping a node makes color-contrast answer "incomplete", never a violation.
    A page without exactly one <main> gets one full run.
    """

    def __init__(self, known: dict[str, list[dict]] | None = None):
        self.known = {} if known is None else known
        self.runs = Counter()
        self.seconds = Counter()

    def run(self, page, kind, context, options) -> list[dict]:
        started = time.monotonic()
        options = {**options, "resultTypes": ["violations"]}
        violations = page.evaluate(AXE_RUN, [context, options])["violations"]
        self.runs[kind] += 1
        self.seconds[kind] += time.monotonic() - started
        return violations

    def violations(self, page) -> list[dict]:
        whole_page = {"runOnly": {"type": "rule", "values": WHOLE_PAGE_RULES}}
        found = self.run(page, "whole-page rules", None, whole_page)
        started = time.monotonic()
        keys = page.evaluate(PART_KEYS)
        self.seconds["keys"] += time.monotonic() - started
        if keys is None:
            return found + self.run(page, "full", None, PART_RULES)
        for part, context in (("main", {"include": ["main"]}), ("rest", {"exclude": ["main"]})):
            key = hashlib.sha256(f"{part}\n{keys[part]}".encode()).hexdigest()
            if key not in self.known:
                self.known[key] = self.run(page, part, context, PART_RULES)
            else:
                self.runs[f"{part} known"] += 1
            found += self.known[key]
        return found

    def summary(self) -> str:
        return (
            ", ".join(
                f"{kind} {count}"
                + (f" ({self.seconds[kind]:.1f} s)" if kind in self.seconds else "")
                for kind, count in self.runs.items()
            )
            + f"; keys {self.seconds['keys']:.1f} s"
        )


def blocking_violations(page, audit=None) -> list[dict]:
    violations = (audit or AxeAudit()).violations(page)
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


@pytest.fixture(scope="session")
def audited_parts():
    """The violations found in each part of a page (AxeAudit), kept for the whole run of a worker:
    the walk is split into one test per persona (or half of one), and a `<main>` several personas
    see is audited in whichever of their tests comes first. The key holds everything that decides
    the result, so which tests share a worker changes the time taken, never what is found."""
    return {}


@pytest.fixture
def same_data_every_time(transactional_db):
    """Each test of the walk seeds the same data with the same primary keys and the same fake
    text, so that the pages of a persona look the same in every test and the parts audited in an
    earlier test of the worker are recognised (`audited_parts`). It runs before the other
    fixtures create anything; each sequence restarts just above the rows its table still holds
    (the migrations' rows on a worker's first transactional test, none after a flush)."""
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    factory.random.reseed_random("page-audit")
    for member in vars(factories).values():
        if isinstance(member, type) and issubclass(member, DjangoModelFactory):
            member.reset_sequence(force=True)


# The walk, one test per persona, and the personas with the most pages in two halves, so that
# xdist spreads it over the workers and no test is much longer than a journey.
HALVES = {"sekretariat": 2, "admin": 2}
WALKS = [(persona, part) for persona in PERSONAS for part in range(1, HALVES.get(persona, 1) + 1)]
# Fewer HTML pages than this means the walk did not reach the pages (a broken sign-in, a matrix
# that lost its names): about 90 % of what each persona opens today (anonymous 6, no_role 9,
# petugas 23, operator 24, sekretariat 41, pimpinan 26, admin 34), per half where halved.
MIN_PAGES = {
    "anonymous": 5,
    "no_role": 8,
    "petugas": 20,
    "operator": 21,
    "sekretariat": 14,
    "pimpinan": 23,
    "admin": 15,
}


@pytest.mark.parametrize(
    ("persona", "part"),
    WALKS,
    ids=[f"{persona}" + (f"-{part}" if persona in HALVES else "") for persona, part in WALKS],
)
def test_every_page_of_every_role_passes_axe_and_speaks_indonesian_at_both_sizes(
    same_data_every_time,
    browser,
    live_server,
    roles,
    kecamatan,
    default_framework,
    audited_parts,
    persona,
    part,
):
    started = time.monotonic()
    users, objects = seed(kecamatan)
    findings = Findings()
    audit = AxeAudit(audited_parts)
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport=SIZES["desktop"]["viewport"]
    )
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    # Loaded by the browser into each page: cheaper than sending it over for every page.
    context.add_init_script(script=AXE_SOURCE)
    if users[persona] is not None:
        context.add_cookies([session_cookie(users[persona], live_server.url)])
    page = context.new_page()
    blocked = collect_csp_violations(page, skip_scripts_without_url=True)
    urls = pages_of(persona, objects, users)
    if persona == "anonymous":
        urls.append("/halaman-yang-tidak-ada/")
    halves = HALVES.get(persona, 1)
    urls = urls[len(urls) * (part - 1) // halves : len(urls) * part // halves]
    for url in urls:
        audit_page(page, url, persona, findings, audit)
    context.close()
    findings.csp += [f"- blocked on {violation}" for violation in blocked]
    print(
        f"{findings.pages} pages checked as {persona} (part {part}) in "
        f"{time.monotonic() - started:.1f} s; axe-core runs: {audit.summary()}"
    )
    assert findings.pages >= MIN_PAGES[persona], findings.pages  # the walk did reach the pages
    assert not (findings.violations or findings.english or findings.csp or findings.sideways), (
        findings.report()
    )


# --- the checks themselves can fail -------------------------------------------------------------


def test_the_english_check_finds_english_words_and_spares_indonesian_ones():
    assert english_words("Save changes") == {"Save"}
    assert english_words("Page 2 of 5") == {"Page", "of"}
    assert english_words("No results") == {"No", "results"}
    assert english_words("salt: 41f7be****** 9of2") == set()
    assert english_words("salt: To****************** hash: In**********") == set()
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


def open_html(page, title, body):
    page.goto(
        "data:text/html,"
        + urllib.parse.quote(
            f'<!doctype html><html lang="id"><head><title>{title}</title></head><body>{body}</body>'
            "</html>"
        )
    )


NAV = '<header><nav aria-label="Menu"><a href="/a">Beranda</a>{extra}</nav></header>'


def test_a_violation_inside_a_main_seen_before_is_reported_on_every_page(browser):
    """The second page's <main> is not audited again, yet its violation is reported for it."""
    page = browser.new_page()
    page.add_init_script(script=AXE_SOURCE)
    audit = AxeAudit()
    main = '<main><h1>Uji</h1><input type="text" name="q"></main>'
    found = []
    for title in ["Satu", "Dua"]:
        open_html(page, title, NAV.format(extra="") + main)
        found.append({violation["id"] for violation in blocking_violations(page, audit)})
    assert found == [{"label"}, {"label"}]
    assert audit.runs["main"] == 1 and audit.runs["main known"] == 1
    page.close()


def test_a_main_seen_before_is_audited_again_when_its_label_outside_it_is_gone(browser):
    """Equal <main> HTML is not enough: an id it refers to outside it is part of the key."""
    page = browser.new_page()
    page.add_init_script(script=AXE_SOURCE)
    audit = AxeAudit()
    main = '<main><h1>Uji</h1><input type="text" aria-labelledby="cari"></main>'
    found = []
    for extra in ['<span id="cari">Cari</span>', ""]:
        open_html(page, "Uji", NAV.format(extra=extra) + main)
        found.append({violation["id"] for violation in blocking_violations(page, audit)})
    assert found == [set(), {"label"}]
    assert audit.runs["main"] == 2
    page.close()


def test_a_violation_in_the_navigation_is_reported(browser):
    """Navigation audited once per distinct navigation: a new one is audited, a known one's
    violation is reported on every page that shows it."""
    page = browser.new_page()
    page.add_init_script(script=AXE_SOURCE)
    audit = AxeAudit()
    unnamed = '<a href="/b"><img src="data:,"></a>'
    found = []
    for extra, main in [
        ("", "<main><h1>Satu</h1></main>"),
        (unnamed, "<main><h1>Satu</h1></main>"),
        (unnamed, "<main><h1>Dua</h1><p>Isi</p></main>"),
    ]:
        open_html(page, "Uji", NAV.format(extra=extra) + main)
        found.append({violation["id"] for violation in blocking_violations(page, audit)})
    assert found == [set(), {"image-alt", "link-name"}, {"image-alt", "link-name"}]
    assert audit.runs["rest"] == 2 and audit.runs["rest known"] == 1
    page.close()


def test_a_page_sent_without_the_strict_policy_or_breaking_it_is_reported(browser):
    """The walk's policy checks: the header of every page, and whatever Chromium blocks."""
    page = browser.new_page()
    page.add_init_script(script=AXE_SOURCE)
    blocked = collect_csp_violations(page, skip_scripts_without_url=True)
    policies = {"/ketat/": "default-src 'self'", "/longgar/": "default-src 'self' 'unsafe-inline'"}

    def serve(route):
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": policies[urllib.parse.urlsplit(route.request.url).path]
            },
            body=(
                '<!doctype html><html lang="id"><head><title>Uji</title></head><body><main>'
                "<h1>Uji</h1><script>document.body.append('tambahan')</script></main></body></html>"
            ),
        )

    page.route("http://audit.invalid/**", serve)
    findings = Findings()
    for path in policies:
        audit_page(page, f"http://audit.invalid{path}", "sekretariat", findings, AxeAudit())
    page.close()
    assert findings.pages == 2
    assert len(findings.csp) == 1 and "/longgar/" in findings.csp[0]  # its header
    # The inline script of the strictly served page was refused, and only that one.
    assert len(blocked) == 1 and blocked[0].startswith("http://audit.invalid/ketat/")


def test_a_page_wider_than_a_phone_is_reported_and_a_table_scrolling_in_its_box_is_not(browser):
    page = browser.new_page(**SIZES["phone"])
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    wide = '<div style="width: 600px">Tabel</div>'
    open_html(page, f"Lebar</title>{head}<title>", f'<main id="isi">{wide}</main>')
    assert page.evaluate(SIDEWAYS, 390) == "608 px wide at 390 px: div. (608 px)"  # body margin
    boxed = f'<main><div style="overflow-x: auto">{wide}</div></main>'
    open_html(page, f"Kotak</title>{head}<title>", boxed)
    assert page.evaluate(SIDEWAYS, 390) == ""
    # Positioned text escapes a box that is not its containing block (a visually hidden header
    # of a table in a scrolling box did so).
    hidden = '<span style="position: absolute; left: 700px; width: 1px">Tindakan</span>'
    escaped = f'<main><div style="overflow-x: auto">{wide}{hidden}</div></main>'
    open_html(page, f"Lolos</title>{head}<title>", escaped)
    assert page.evaluate(SIDEWAYS, 390).endswith(" px wide at 390 px: span. (701 px)")
    held = escaped.replace("overflow-x: auto", "overflow-x: auto; position: relative")
    open_html(page, f"Tertahan</title>{head}<title>", held)
    assert page.evaluate(SIDEWAYS, 390) == ""
    page.close()


def test_the_walk_checks_a_page_again_at_a_phone_s_width(browser):
    """What only a phone's width shows is found: an unlabelled field that a media query shows
    below 600 px, and a box wider than a phone; the desktop check of the same page finds neither.
    The next page is checked at desktop width again: its field shown only above 600 px is found
    there. A page without the viewport tag is named."""
    page = browser.new_page()
    page.add_init_script(script=AXE_SOURCE)
    head = (
        '<!doctype html><html lang="id"><head><title>Uji</title>META'
        "<style>.kecil { display: none } @media (max-width: 600px) { .kecil { display: block } }"
        " .besar { display: none } @media (min-width: 601px) { .besar { display: block } }"
        " .lebar { width: 500px }</style></head><body><main><h1>Uji</h1>"
    )
    meta = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    bodies = {
        "/ponsel/": head.replace("META", meta)
        + '<input type="text" class="kecil"><div class="lebar">Tabel</div></main></body></html>',
        "/layar/": head.replace("META", meta)
        + '<input type="text" class="besar"></main></body></html>',
        "/tanpa/": head.replace("META", "") + "<p>Isi</p></main></body></html>",
    }
    page.route(
        "http://audit.invalid/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body=bodies[urllib.parse.urlsplit(route.request.url).path],
        ),
    )
    findings = Findings()
    for path in bodies:
        audit_page(page, f"http://audit.invalid{path}", "petugas", findings, AxeAudit())
    page.close()
    assert findings.pages == 3
    found = sorted(
        (line.split(" ")[1], line.split(" on http://audit.invalid")[1].split(":")[0])
        for line in findings.violations
    )
    assert found == [
        ("label", "/layar/ as petugas (desktop)"),
        ("label", "/ponsel/ as petugas (phone)"),
    ]
    assert len(findings.sideways) == 2, findings.sideways
    assert "/ponsel/ as petugas (phone): " in findings.sideways[0]
    assert findings.sideways[1].endswith(
        "/tanpa/ as petugas: no <meta name=viewport content=width=device-width>"
    )
