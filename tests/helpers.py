"""Helpers shared by the test modules: reading re-rendered forms, typing dates as a browser does,
uploads, and building plans through the services. Fixtures live in the conftest files; plain
functions live here so that test modules never import from a conftest."""

import re
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from action_plans import services as plan_services
from action_plans.models import Activity
from incidents.models import Incident, IncidentAuthorTally
from tests.factories import DEFAULT_PASSWORD, jpeg_bytes
from tests.fuzzing import PageParser

# --- reading a re-rendered form -----------------------------------------------------------------

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class FieldErrors(HTMLParser):
    """Collects the texts of `.invalid-feedback` elements per enclosing `data-field`, and of
    `.alert-danger` boxes (non-field errors and refusal messages) under the key None."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (field name of this element or None, collects text)
        self.errors = defaultdict(list)
        self.buffer = None

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        is_error = "invalid-feedback" in classes or "alert-danger" in classes
        self.stack.append((attrs.get("data-field"), is_error))
        if is_error:
            self.buffer = []

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or not self.stack:
            return
        _field, is_error = self.stack.pop()
        if is_error and self.buffer is not None:
            field = next((name for name, _e in reversed(self.stack) if name), None)
            self.errors[field].append(" ".join("".join(self.buffer).split()))
            self.buffer = None

    def handle_data(self, data):
        if self.buffer is not None:
            self.buffer.append(data)


def field_errors(response) -> dict[str | None, list[str]]:
    parser = FieldErrors()
    parser.feed(response.content.decode())
    return dict(parser.errors)


def assert_field_error(response, field, message):
    """The response is a 400 with `message` shown under `field` (None: at the top)."""
    assert response.status_code == 400, response.status_code
    errors = field_errors(response)
    assert any(message in text for text in errors.get(field, [])), errors


def page_text(client, url) -> str:
    """The HTML of a page the client may open."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- what a browser sends -----------------------------------------------------------------------


def local_input(value) -> str:
    """A datetime as a `datetime-local` input sends it (local time, minutes)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def jpeg_upload(name="foto-lokasi.jpg", content=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes() if content is None else content, "image/jpeg")


def login(page, username, password=DEFAULT_PASSWORD):
    """Log in through the login form of a Playwright page."""
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


# --- plans built through the services -----------------------------------------------------------


def collect_csp_violations(page, *, skip_scripts_without_url=False) -> list[str]:
    """Chromium reports every script, style or image the Content-Security-Policy blocked as a
    console error: the list fills as the page (and every page opened in it later) runs.
    `skip_scripts_without_url` leaves out what a script without a URL caused: a test's own
    script added to every page (axe-core sets inline styles while it measures), never one of
    the portal's, which all come from files."""
    violations = []

    def on_console(message):
        if "Content Security Policy" not in message.text:
            return
        if skip_scripts_without_url and not message.location.get("url"):
            return
        violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


def add_activity(
    plan,
    by,
    *,
    code,
    agency,
    stage="pencegahan",
    budget=10_000_000,
    targets=None,
    supporting=(),
    pillars=("kolaborasi",),
):
    """An activity saved through `activity_save`, with targets per period code
    (default B04: 1, B08: 1, B12: 2)."""
    activity = Activity(
        plan=plan,
        code=code,
        stage=stage,
        pillars=list(pillars),
        title=f"Kegiatan {code}",
        responsible_agency=agency,
        indicator="Rapat terlaksana",
        unit="kali",
        budget=budget,
        # Part of the plan from the start of its year: it owes every period's report.
        created_at=datetime(plan.year, 1, 2, tzinfo=ZoneInfo("Asia/Jakarta")),
    )
    periods = {p.code: p for p in plan.periods.all()}
    values = targets if targets is not None else {"B04": 1, "B08": 1, "B12": 2}
    return plan_services.activity_save(
        activity=activity,
        targets={periods[k]: v for k, v in values.items()},
        supporting=supporting,
        by=by,
    )


@contextmanager
def recount_elsewhere(year: int, code: str):
    """Holds the recount lock of (`year`, `code`) from another database session, as a reader busy
    recounting those evaluation values would (evaluations.selectors._recount_lock)."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(hashtext(%s))",
                [f"evaluations.stored_results:{year}:{code}"],
            )
            assert cursor.fetchone() == (True,)
        yield
    finally:
        other.close()


def author_tally_rows() -> dict[tuple, int]:
    """{(author id, kecamatan id, status, confidentiality, risk level): count} of the
    per-author tally rows that count something."""
    rows = IncidentAuthorTally.objects.filter(count__gt=0).values_list(
        "reported_by_id", "kecamatan_id", "status", "confidentiality", "risk_level", "count"
    )
    return {tuple(key): n for *key, n in rows}


def author_tally_counted() -> dict[tuple, int]:
    """The same, counted from the reports themselves ("" for no risk level, as in the tally)."""
    rows = (
        Incident.objects.values_list("reported_by_id", "kecamatan_id", "status", "confidentiality")
        .annotate(risk=Coalesce("risk_level", Value("")), n=Count("*"))
        .order_by()
    )
    return {tuple(key): n for *key, n in rows}


def run_in_threads(count, target):
    """`target(index)` in `count` threads released at the same moment, each on its own
    database connection (a transactional test); returns (results, exceptions)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results.append(target(index))
        except Exception as error:  # collected and asserted on by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


SUBMISSION_TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def submission_token(response) -> str:
    """The submission token of the (first) form on a page (core.mixins.SubmitOnceMixin)."""
    return SUBMISSION_TOKEN.search(response.content.decode()).group(1)


def form_as_sent(response, form_id: str) -> dict[str, list[str]]:
    """What the browser would send for the form `form_id` of a page left as it was shown:
    inputs and text areas with their values, selects' chosen options, ticked boxes."""
    parser = PageParser()
    parser.feed(response.content.decode())
    html = response.content.decode()
    # The forms that open before this one's opening tag, whose id is inside it.
    before = html[: html.index(f'id="{form_id}"')]
    form = parser.forms[len(re.findall(r"<form\b[^>]*>", before))]
    data: dict[str, list[str]] = {}
    for field in form.fields:
        if field.kind in {"checkbox", "radio"} and not field.checked:
            continue
        if field.kind == "file":
            continue
        data.setdefault(field.name, []).append(field.value)
    return data
