"""Every template is ready for a strict Content-Security-Policy (no 'unsafe-inline'): scripts and
styles come from static files only, behaviour is wired through data attributes."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "node_modules", ".pgdata", "staticfiles", "tests", ".git"}

INLINE = {
    # <script> with a body, or without src (an empty inline script is still inline).
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>|<script\b[^>]*>\s*[^<\s]", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "htmx inline handler": re.compile(r"\shx-on[:\-]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def project_templates() -> list[Path]:
    found = []
    for folder in ROOT.rglob("templates"):
        parts = set(folder.relative_to(ROOT).parts)
        if folder.is_dir() and not parts & SKIPPED:
            found.extend(sorted(folder.rglob("*.html")))
    return found


def test_templates_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in project_templates()}
    assert "templates/base.html" in names
    assert "incidents/templates/incidents/incident_form.html" in names


@pytest.mark.parametrize(
    "path", project_templates(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_no_inline_script_or_style(path):
    text = path.read_text()
    found = [
        f"{what}: line {text.count(chr(10), 0, match.start()) + 1}"
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]
    assert not found, found


@pytest.mark.parametrize(
    "snippet",
    [
        '<button onclick="go()">',
        "<script>alert(1)</script>",
        '<script type="module">',
        '<p style="color: red">',
        "<style>p { color: red }</style>",
        '<select  onchange="this.form.submit()">',
        '<a href="javascript:void(0)">',
        '<div hx-on:click="x()">',
    ],
)
def test_the_scan_catches_inline_code(snippet):
    assert any(pattern.search(snippet) for pattern in INLINE.values())


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/js/portal.js"></script>',
        '<script src="/static/js/portal.js" defer></script>',
        '<select data-autosubmit name="language">',
        '<div data-style="x" class="on-top">',
    ],
)
def test_the_scan_allows_external_files_and_data_attributes(snippet):
    assert not any(pattern.search(snippet) for pattern in INLINE.values())


def test_table_headers_have_a_scope_and_scrolling_tables_take_the_keyboard():
    problems = []
    for path in project_templates():
        text = path.read_text()
        name = path.relative_to(ROOT).as_posix()
        problems += [
            f"{name}: {m.group(0)}"
            for m in re.finditer(r"<th\b[^>]*>", text)
            if "scope=" not in m.group(0)
        ]
        problems += [
            f"{name}: {m.group(0)}"
            for m in re.finditer(r"<div[^>]*table-responsive[^>]*>", text)
            if not all(a in m.group(0) for a in ('tabindex="0"', 'role="region"', "aria-label="))
        ]
    assert not problems, problems
