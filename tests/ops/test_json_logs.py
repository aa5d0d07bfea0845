"""Gunicorn's access log in the JSON format: the request's method, path, status, duration and
client as named fields, and a stack when one is logged."""

import json
import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.jsonlog import JsonFormatter


def test_a_gunicorn_access_line_keeps_the_useful_atoms_by_name():
    atoms = {"m": "GET", "U": "/laporan/", "s": "200", "D": 1534, "h": "10.0.0.7", "a": "curl"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "akses", (), None)
    record.args = atoms  # as gunicorn passes them (a dict of atoms, not a tuple)

    entry = json.loads(JsonFormatter().format(record))

    assert entry["method"] == "GET" and entry["path"] == "/laporan/"
    assert (entry["status"], entry["duration_us"], entry["remote"]) == ("200", 1534, "10.0.0.7")
    assert "curl" not in json.dumps(entry)  # the user agent is not kept


def test_a_logged_stack_is_one_field_of_the_same_line():
    record = logging.getLogger("portal").makeRecord(
        "portal", logging.WARNING, __file__, 1, "lambat", (), None, sinfo="Stack (most recent)"
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["stack"] == "Stack (most recent)"


@pytest.mark.parametrize(
    ("message", "args", "logged"),
    [
        ("Error handling request %s", ("/laporan/?q=Nama+Saksi",),
         "Error handling request /laporan/"),
        ("Error handling request %s", ("http://portal/laporan/?q=Nama",),
         "Error handling request http://portal/laporan/"),
        ("Invalid request from ip=%s: %s",
         ("10.0.0.7", "Invalid HTTP request line: 'GET /laporan/?q=Nama Saksi HTTP/1.1'"),
         "Invalid request from ip=10.0.0.7: Invalid HTTP request line: 'GET /laporan/'"),
        ("Worker (pid:%s) was sent SIGKILL! Perhaps out of memory?", (7,),
         "Worker (pid:7) was sent SIGKILL! Perhaps out of memory?"),
    ],
)  # fmt: skip
def test_gunicorn_s_own_lines_keep_paths_without_query_strings(message, args, logged):
    # A query string can hold a searched name; gunicorn's error lines quoted whole targets.
    record = logging.LogRecord("gunicorn.error", logging.ERROR, __file__, 1, message, args, None)
    assert json.loads(JsonFormatter().format(record))["message"] == logged


def test_a_password_reset_link_is_logged_without_its_token():
    # Whoever reads the log could otherwise set the account's password for a day.
    link = reverse("accounts:password_reset_confirm", args=["MTI", "cy1kj4-0a1b2c3d4e5f"])
    access = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "akses", (), None)
    access.args = {"m": "GET", "U": link, "s": "302"}
    warning = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s",
                                (link,), None)  # fmt: skip
    warning.request = RequestFactory().get(link)

    for record in (access, warning):
        line = JsonFormatter().format(record)
        assert "cy1kj4" not in line and "MTI" not in line
        assert json.loads(line)["path"] == "/akun/kata-sandi/atur/…/"
    access.args = {"m": "GET", "U": link.rstrip("/"), "s": "301"}  # its last slash lost
    assert "cy1kj4" not in JsonFormatter().format(access)
    done = reverse("accounts:password_reset_complete")
    access.args = {"m": "GET", "U": done, "s": "200"}
    assert json.loads(JsonFormatter().format(access))["path"] == done
