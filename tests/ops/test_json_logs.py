"""Gunicorn's access log in the JSON format: the request's method, path, status, duration and
client as named fields, and a stack when one is logged."""

import json
import logging

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
