"""A fuzzer for the portal's pages: junk in every URL, query string and form a persona can reach,
answered without a 500.

`Campaign` starts from the pages of the URL matrix a persona may open (and, for staff, every
changelist, add and change page of the administration). For each page it:
- opens it, and reads its forms and the links that carry a query string (filters, sorting,
  pagination);
- opens it again with junk in the query parameters those forms and links use (sometimes as an
  htmx request; once with escapes that decode to no UTF-8), and with junk in place of each id
  or code of its path;
- submits each GET form with junk, and each POST form filled in as a person would (fields the
  answer refuses are drawn again until it is accepted), then the same data twice at once (a
  double tap), and then with junk: most fields keep a valid value, a few get junk, some are
  left out or sent twice, files are junk bytes under odd names, and a formset's management
  counts are tampered with; and once a body no browser sends (bytes that are no UTF-8, a
  multipart body without its boundary).

Everything is drawn from one seeded `random.Random`, in an order that does not depend on how the
process hashes strings (sets are sorted before drawing), so a run is repeated by its seed.
A request answered with a 500 (the test client answers an exception so) becomes a `Finding` that
names the persona, the request and the exception; so does an error message or alert with English
words in it (the check of tests/browser/test_page_audit.py), when the campaign is given that check,
and a double tap one of whose answers went through while another was refused.

`make fuzz` runs the full campaign (every persona, more rounds); `make test` runs a small one
(tests/project/test_fuzz.py) so that the harness keeps working.
"""

import copy
import random
import re
import threading
import traceback
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib.messages import ERROR
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse

# Junk a person could type or a script could send. Short enough that one request stays quick.
NASTY = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "%",
    "%00",
    "\x00",
    "\u202e",
    "😀" * 20,
    "①",
    "²",
    "٣",
    "-1",
    "0",
    "9" * 40,
    "2147483648",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "Infinity",
    "0x1A",
    "1,5",
    "1.000.000",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "31/12/2026",
    "10000-01-01",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    '{"a": [1, {"b": null}]}',
    "../../etc/passwd",
    "a" * 3000,
    '=HYPERLINK("http://x.invalid")',
    "https://x.invalid/",
    "javascript:alert(1)",
    "00000000-0000-0000-0000-000000000000",
]
# Ids in a path: beyond the integer column, zero, unknown.
PATH_JUNK = ["0", "2147483648", "9" * 30, "99999", "abc", "%E2%91%A0", "%FF", "%00", "..", "-"]
# Bodies no browser sends: bytes that are no UTF-8, a lone "%", a multipart body without its
# boundary or with a file name that is no UTF-8. (content type, body)
RAW_BODIES = [
    ("application/x-www-form-urlencoded", b"title=%FF%FE&name=%C0%AF&csrfmiddlewaretoken=%FF"),
    ("application/x-www-form-urlencoded", b"\xff\xfe=\xff&%"),
    ("multipart/form-data; boundary=", b"kosong"),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="files"; filename="\xff.jpg"\r\n\r\nabc'
        b"\r\n--x--\r\n",
    ),
]
# Formset management counts.
COUNT_JUNK = ["-1", "1000", "abc", "", "2147483648", "1.5"]
# What an upload can be.
FILE_NAMES = ["bukti.jpg", "laporan.pdf", "data.xlsx", "x.csv", "../../x.jpg", "a" * 200, "😀.png"]
FILE_BODIES = [
    b"",
    b"\xff\xd8\xff\xe0" + b"\x00" * 20,  # a JPEG that stops after its first marker
    b"%PDF-1.7\n%%EOF\n",
    b"PK\x03\x04" + b"\x00" * 40,  # the start of a ZIP (an .xlsx) and nothing else
    b"kolom;lain\n1;2\n",
    b"<html><script>alert(1)</script></html>",
]

# A plausible value for an empty field, by its input type; other inputs get words.
PLAUSIBLE = {
    "date": "2025-06-15",
    "datetime-local": "2025-06-15T10:30",
    "time": "10:30",
    "month": "2025-06",
    "number": "1",
    "email": "uji@contoh.go.id",
    "tel": "081234567890",
    "url": "https://contoh.go.id/",
    "password": "Rahasia-uji-2026",
    "hidden": "",
    "search": "",
}

# Values tried in turn for a field a form refused, by input type.
ALTERNATIVES = {
    "text": [
        "Uji coba",
        "Uraian uji coba yang cukup panjang untuk memenuhi batas minimal sebuah isian.",
        "1",
        "2025",
        "UJI-01",
        "uji@contoh.go.id",
    ],
    "textarea": ["Uraian uji coba yang cukup panjang untuk memenuhi batas minimal sebuah isian."],
    "date": ["2024-03-01", "2025-06-15", "2026-01-15"],
    "number": ["0", "1", "10", "100000"],
    "password": ["Rahasia-uji-2026", "rahasia-uji-123"],
}
ACCEPT_ATTEMPTS = 4

# Elements holding an error message or an alert (the portal's Bootstrap classes, Django's
# error lists, the admin's notes and messages).
MESSAGE_CLASSES = {"invalid-feedback", "errorlist", "errornote", "alert", "messagelist"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
             "track", "wbr"}  # fmt: skip

# Submitting these forms as the page fills them in would end the campaign's own session or
# remove what the later pages are about; they still get junk.
DESTRUCTIVE = re.compile(r"/(keluar|logout|hapus|delete)/?$")


@dataclass
class Field:
    name: str
    kind: str  # input type, or "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    def key(self) -> tuple:
        return (self.method, self.action, tuple(sorted({f.name for f in self.fields})))


class PageParser(HTMLParser):
    """The forms of a page, its links with a query string, the fields it marks as refused and
    the texts of its error messages and alerts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        # Fields the page marks as refused: inputs with aria-invalid, and the field groups with
        # an error (named without a formset's prefix).
        self.refused: set[str] = set()
        # The texts of error messages and alerts: the portal's and the admin's.
        self.messages: list[str] = []
        self._message_depth = 0
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag not in VOID_TAGS:
            if self._message_depth:
                self._message_depth += 1
            elif MESSAGE_CLASSES & set(attrs.get("class", "").split()):
                self._message_depth = 1
                self.messages.append("")
        if attrs.get("aria-invalid") == "true" and attrs.get("name"):
            self.refused.add(attrs["name"])
        if "has-error" in attrs.get("class", "") and attrs.get("data-field"):
            self.refused.add(attrs["data-field"])
        if tag == "a" and "?" in attrs.get("href", ""):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(
                method=attrs.get("method", "get").lower(),
                action=attrs.get("action", ""),
                multipart="multipart" in attrs.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None or ("name" not in attrs and tag != "option"):
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            self._form.fields.append(
                Field(attrs["name"], kind, attrs.get("value", ""), checked="checked" in attrs)
            )
        elif tag == "select":
            self._select = Field(attrs["name"], "select", multiple="multiple" in attrs)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select.options.append(value)
            if "selected" in attrs:
                self._select.value = value
        elif tag == "textarea":
            self._textarea = Field(attrs["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._message_depth:
            self.messages[-1] += data

    def handle_endtag(self, tag):
        if self._message_depth and tag not in VOID_TAGS:
            self._message_depth -= 1
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Finding:
    persona: str
    method: str
    url: str
    data: str
    status: int
    error: str

    def __str__(self):
        data = f" data={self.data}" if self.data else ""
        return f"[{self.persona}] {self.method} {self.url}{data} -> {self.status}: {self.error}"


def describe_error(response) -> str:
    """The exception behind a 500, and the last line of the portal's own code it passed."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "(no exception)"
    kind, value, tb = exc_info
    frames = [f for f in traceback.extract_tb(tb) if "site-packages" not in f.filename]
    last = frames[-1] if frames else None
    where = f" at {'/'.join(last.filename.rsplit('/', 2)[-2:])}:{last.lineno}" if last else ""
    return f"{kind.__name__}: {str(value)[:200]}{where}"


def queued_messages(cookies) -> set[str]:
    """The texts of the messages a client's cookie holds (shown on its next page)."""
    cookie = cookies.get("messages")
    if cookie is None or not cookie.value:
        return set()
    stored = CookieStorage(HttpRequest())._decode(cookie.value) or []
    return {f"{message.level}:{message.message}" for message in stored}


def refusal(response, queued: set) -> str | None:
    """What an answer to a form says was refused, or None when it went through: an error page
    (4xx), the form shown again with fields marked, or a redirect with a new error message."""
    if response.status_code in (301, 302, 303):
        new = queued_messages(response.cookies) - queued
        errors = [text.partition(":")[2] for text in new if int(text.partition(":")[0]) >= ERROR]
        return " ".join(errors) if errors else None
    if response.status_code >= 500:
        return None  # a server error is a finding of its own
    parser = PageParser()
    if "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode(errors="replace"))
    if response.status_code >= 400:
        return f"{response.status_code}: " + (" ".join(parser.messages) or "(no message)")
    if parser.refused:
        return " ".join(parser.messages) or "(fields marked as refused)"
    return None


def shorten(data) -> str:
    text = repr(data)
    return text if len(text) <= 600 else text[:600] + "…"


@dataclass
class Campaign:
    client: object
    persona: str
    rng: random.Random
    user: object = None
    rounds: int = 1
    # More clients with the same session cookie: an accepted form is sent from all of them at
    # the same moment (a double tap, or a form resent by several tabs and a retrying proxy).
    twins: list = field(default_factory=list)
    # A function giving the English words in a text; when given, every error message and alert
    # of an HTML answer is checked with it.
    english_words: object = None
    links_per_page: int = 3
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    _seen_forms: set = field(default_factory=set)
    _seen_pages: set = field(default_factory=set)
    _known_params: set = field(default_factory=set)
    _sent: set = field(default_factory=set)

    # --- sending ------------------------------------------------------------------------------

    def send(self, method: str, url: str, data=None, client=None, **extra):
        client = client or self.client
        self.requests += 1
        self.remember(url, data)
        response = getattr(client, method)(url, data, **extra)
        if self.user is not None and "_auth_user_id" not in client.session:
            # Signed out by the request (the sign-out form, a changed password): back in, so
            # the campaign goes on as the persona. With the password as it is now: a session
            # made from an old password hash is signed out again on the next request.
            self.user.refresh_from_db()
            client.force_login(self.user)
        if self.english_words and "html" in response.get("Content-Type", ""):
            self.check_language(method, url, data, response)
        if response.status_code >= 500:
            self.found(method, url, data, response, describe_error(response))
        return response

    def found(self, method: str, url: str, data, response, error: str) -> None:
        self.findings.append(
            Finding(
                self.persona,
                method.upper(),
                url,
                shorten(data) if data else "",
                response.status_code,
                error,
            )
        )

    def remember(self, url: str, data) -> None:
        """Keep the values a request sends (path segments, query and form values) that are
        long enough to hold a word."""
        path, _, query = url.partition("?")
        values = [urllib.parse.unquote(segment) for segment in path.split("/")]
        values += [v for _, v in urllib.parse.parse_qsl(query)]
        if isinstance(data, dict):
            values += [v for vs in data.values() for v in vs if isinstance(v, str)]
        self._sent |= {v.strip() for v in values if len(v.strip()) >= 3}

    def check_language(self, method: str, url: str, data, response) -> None:
        """Error messages and alerts in Indonesian: English words in one become a finding. What
        the campaign has sent so far is left out first: a message may quote the junk it refuses,
        on this answer or, kept in the session, on a later page."""
        parser = PageParser()
        parser.feed(response.content.decode(errors="replace"))
        if not parser.messages:
            return
        # Whole values only: "rat" sent in a path must not cut "administrator" into "administ or".
        sent = sorted(self._sent, key=len, reverse=True)
        quoted = re.compile("|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in sent))
        for message in parser.messages:
            if sent:
                message = quoted.sub(" ", message)
            words = self.english_words(message)
            if words:
                text = " ".join(message.split())
                self.found(method, url, data, response, f"English {sorted(words)} in {text!r}")

    def send_at_once(self, url: str, data: dict):
        """The same POST from the client and each twin at the same moment, each on its own
        thread and database connection; the client's answer."""
        if not self.twins:
            return self.send("post", url, data)
        clients = [self.client, *self.twins]
        for twin in self.twins:
            twin.cookies = copy.deepcopy(self.client.cookies)
        barrier = threading.Barrier(len(clients))
        answers = {}

        def tap(client):
            try:
                barrier.wait(timeout=30)
                answers[id(client)] = self.send("post", url, data, client=client)
            finally:
                connection.close()  # this thread's own

        queued = queued_messages(self.client.cookies)
        threads = [threading.Thread(target=tap, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        answered = [answers[id(c)] for c in clients if id(c) in answers]
        self.check_taps_agree(url, data, answered, queued)
        return answers[id(self.client)]

    def check_taps_agree(self, url: str, data: dict, answers: list, queued: set) -> None:
        """The same form sent at once by several clients of one session is one person's double
        tap, and the browser shows whichever answer comes last: when one went through, none may
        say it was refused (a taken code, a stale version, a wrong status: all caused by the
        first tap)."""
        verdicts = [refusal(answer, queued) for answer in answers]
        refused = [text for text in verdicts if text is not None]
        if refused and len(refused) < len(verdicts):
            answer = next(a for a, v in zip(answers, verdicts, strict=True) if v is not None)
            self.found(
                "post",
                url,
                data,
                answer,
                f"one tap went through, another was refused: {' '.join(refused[0].split())!r}",
            )

    # --- junk ---------------------------------------------------------------------------------

    def junk(self) -> str:
        draw = self.rng.random()
        if draw < 0.7:
            return self.rng.choice(NASTY)
        if draw < 0.85:
            return str(self.rng.choice([-1, 0, 1, 10**6, 2**31, 2**63, -(2**63) - 1]))
        alphabet = "aZ09 .,;:-_/\\'\"<>&%#?=+()[]{}~`|^$*@!\t\nÀé中😀\u200b"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(1, 40)))

    def junk_file(self):
        return SimpleUploadedFile(
            self.rng.choice(FILE_NAMES), self.rng.choice(FILE_BODIES), "application/octet-stream"
        )

    # --- pages --------------------------------------------------------------------------------

    def visit(self, url: str) -> None:
        """Open a page and fuzz what it offers. A page (path and query) is fuzzed once."""
        if url in self._seen_pages:
            return
        self._seen_pages.add(url)
        response = self.send("get", url)
        path, _, query = url.partition("?")
        parser = PageParser()
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser.feed(response.content.decode(errors="replace"))
        params = {name for name, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)}
        for form in parser.forms:
            if form.method == "get":
                params |= {f.name for f in form.fields}
        for link in parser.links:
            link_path, _, link_query = link.partition("?")
            if link_path in ("", path):
                params |= {n for n, _ in urllib.parse.parse_qsl(link_query, keep_blank_values=True)}
        self._known_params |= params
        for _ in range(self.rounds):
            self.junk_query(path, query, sorted(params))
            self.junk_path(path, query)
        # Escapes that decode to no UTF-8 (what a browser never sends, a script may).
        name = self.rng.choice(sorted(params) or ["q"])
        self.send("get", f"{path}?{urllib.parse.quote(name)}=%FF%FE&%C0=%00")
        for form in parser.forms:
            self.fuzz_form(form, path)
        same_page = [link for link in parser.links if link.partition("?")[0] in ("", path)]
        for link in self.rng.sample(same_page, min(self.links_per_page, len(same_page))):
            self.send("get", urllib.parse.urljoin(path, link))

    def junk_query(self, path: str, query: str, params: list[str]) -> None:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        names = self.rng.sample(params, min(len(params), self.rng.randint(1, 3))) if params else []
        # And one the page does not offer: a parameter some other page uses (a JSON endpoint
        # read by a page's script takes that page's filters), or a usual one.
        elsewhere = sorted(self._known_params) or ["q"]
        names.append(self.rng.choice([*elsewhere, "page", "cursor", "sort", "o", "_to_field"]))
        for name in names:
            pairs.append((name, self.junk()))
        # Sometimes as htmx asks (a fragment instead of the page).
        headers = {"HTTP_HX_REQUEST": "true"} if self.rng.random() < 0.3 else {}
        self.send("get", f"{path}?{urllib.parse.urlencode(pairs)}", **headers)

    def junk_path(self, path: str, query: str) -> None:
        """Each variable part of the path (a kwarg of its URL pattern) replaced by junk."""
        try:
            match = resolve(path)
        except Resolver404:
            return
        segments = path.split("/")
        for value in sorted({str(v) for v in match.kwargs.values()}):
            quoted = urllib.parse.quote(value)
            if quoted not in segments:
                continue
            junk = self.rng.choice([*PATH_JUNK, urllib.parse.quote(self.junk(), safe="")])
            swapped = "/".join(junk if s == quoted else s for s in segments)
            self.send("get", swapped + (f"?{query}" if query else ""))

    # --- forms --------------------------------------------------------------------------------

    def fuzz_form(self, form: Form, page_path: str) -> None:
        if form.key() in self._seen_forms or not form.fields:
            return
        self._seen_forms.add(form.key())
        action = urllib.parse.urljoin(page_path, form.action) if form.action else page_path
        if form.method == "get":
            for _ in range(self.rounds):
                data = self.junk_data(form, self.filled(form), files=False)
                self.send("get", f"{action}?{urllib.parse.urlencode(data, doseq=True)}")
            return
        filled = self.filled(form)
        if not DESTRUCTIVE.search(action.partition("?")[0]):
            filled = self.accepted(form, action, filled)
            self.send("post", action, filled)  # sent again later (a resend after a lost answer)
        for _ in range(self.rounds * 2):
            self.send("post", action, self.junk_data(form, filled, files=form.multipart))
        content_type, body = self.rng.choice(RAW_BODIES)
        self.send("post", action, body, content_type=content_type)

    def accepted(self, form: Form, action: str, data: dict) -> dict:
        """Submit the form as filled in, from every client at once (a double tap on the first
        submission that gets through); while the answer marks fields as refused, draw those
        again (another option, another date, other words) and resubmit. Returns the last data,
        accepted or not: junk then starts from as far as a person would get."""
        for _ in range(ACCEPT_ATTEMPTS):
            response = self.send_at_once(action, data)
            if "html" not in response.get("Content-Type", ""):
                break
            parser = PageParser()
            parser.feed(response.content.decode(errors="replace"))
            names = {f.name for f in form.fields}
            refused = {
                name
                for name in names
                if name in parser.refused or name.rpartition("-")[2] in parser.refused
            }
            if not refused:
                break
            data = {name: list(values) for name, values in data.items()}
            for name in sorted(refused):
                data[name] = self.redraw([f for f in form.fields if f.name == name])
        return data

    def redraw(self, fields: list[Field]) -> list[str]:
        """Another plausible value for a refused field (its inputs: several for a radio group)."""
        first = fields[0]
        if first.kind == "select":
            options = [o for o in first.options if o] or [""]
            return self.rng.sample(options, 1 if not first.multiple else min(2, len(options)))
        if first.kind in {"radio", "checkbox"}:
            return [self.rng.choice(fields).value or "on"] if self.rng.random() < 0.8 else []
        return [self.rng.choice(ALTERNATIVES.get(first.kind, ALTERNATIVES["text"]))]

    def filled(self, form: Form) -> dict:
        """The form as a person would fill it in: what the page put in it, and a plausible value
        where it left a field empty (a choice among the options, a date, a number, words), so
        that submissions get past the first check and reach the services and the database."""
        data: dict[str, list] = {}
        radios: dict[str, list[Field]] = {}
        for f in form.fields:
            if f.kind == "radio":
                radios.setdefault(f.name, []).append(f)
            elif f.kind == "checkbox":
                if f.checked or self.rng.random() < 0.3:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "file":
                continue
            elif f.kind == "select":
                options = [o for o in f.options if o]
                value = f.value or (self.rng.choice(options) if options else "")
                data.setdefault(f.name, []).append(value)
            else:
                data.setdefault(f.name, []).append(f.value or PLAUSIBLE.get(f.kind, "Uji coba"))
        for name, group in radios.items():
            chosen = [f for f in group if f.checked] or [self.rng.choice(group)]
            data[name] = [chosen[0].value]
        return data

    def junk_data(self, form: Form, filled: dict, files: bool) -> dict:
        data = {name: list(values) for name, values in filled.items()}
        names = sorted({f.name for f in form.fields})
        for name in self.rng.sample(names, min(len(names), self.rng.randint(1, 3))):
            kind = next(f.kind for f in form.fields if f.name == name)
            draw = self.rng.random()
            if name.endswith(("TOTAL_FORMS", "INITIAL_FORMS")):
                data[name] = [self.rng.choice(COUNT_JUNK)]
            elif kind == "file":
                if files:
                    data[name] = [self.junk_file() for _ in range(self.rng.randint(1, 2))]
            elif draw < 0.15:
                data.pop(name, None)
            elif draw < 0.3:
                data[name] = [self.junk(), self.junk()]
            else:
                data[name] = [self.junk()]
        return data

    # --- the run ------------------------------------------------------------------------------

    def run(self, urls: list[str]) -> None:
        for url in urls:
            self.visit(url)


def admin_urls(site, objects_of) -> Iterator[str]:
    """Each registered model's changelist and add page, and the change and history pages of one
    of its objects (`objects_of(model)` gives it, or None)."""
    for model in sorted(site._registry, key=lambda m: m._meta.label):
        opts = model._meta
        prefix = f"{site.name}:{opts.app_label}_{opts.model_name}"
        yield reverse(f"{prefix}_changelist")
        yield reverse(f"{prefix}_add")
        obj = objects_of(model)
        if obj is not None:
            yield reverse(f"{prefix}_change", args=[obj.pk])
            yield reverse(f"{prefix}_history", args=[obj.pk])
