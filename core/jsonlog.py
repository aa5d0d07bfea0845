"""Log records as one JSON object per line, for production log collectors (journald, Loki, ...).

Stdlib only, so gunicorn's own loggers can use it too (gunicorn.conf.py) before Django is set up.
Selected with DJANGO_LOG_FORMAT=json, the default when DJANGO_DEBUG=false.
"""

import json
import logging
import re
from datetime import UTC, datetime

# Gunicorn's access log passes its atoms as the record's args: keep the useful ones, by name.
# A query string after a path or an address ("/laporan/?q=Nama", "http://host/x?q=Nama").
QUERY_AFTER_PATH = re.compile(r"((?:https?://[^\s/'\"]*)?/[^\s?'\"]*)\?[^\s'\"]*")
# A request line quoted whole, whatever follows the path (spaces included): method and path.
QUOTED_REQUEST_LINE = re.compile(r"'([A-Z]+ [^\s?']*)[^']*'")
ACCESS_ATOMS = {"m": "method", "U": "path", "s": "status", "D": "duration_us", "h": "remote"}
# A password-reset link ("/akun/kata-sandi/atur/<uid>/<token>/", accounts.urls) sets a password
# for a day to whoever holds it: the log keeps where it led, not the token.
# Its last slash may be lost (a mail client, a copy): answered with a redirect, still logged.
RESET_LINK = re.compile(r"(/akun/kata-sandi/atur/)[^/\s?']+/[^/\s?']+/?")


def without_secrets(text):
    return RESET_LINK.sub(r"\1…/", text) if isinstance(text, str) else text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            # The method and path only: query strings and bodies may hold personal data.
            entry["method"] = request.method
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for atom, key in ACCESS_ATOMS.items():
                if atom in record.args:
                    entry[key] = record.args[atom]
            # Gunicorn's own line holds the request line and the referer, query strings
            # included (`?q=<a name>`): the message says method, path and status only.
            entry["message"] = " ".join(str(record.args.get(atom, "-")) for atom in ("m", "U", "s"))
        if record.name == "gunicorn.error":
            # Gunicorn's own lines name whole request targets ("Error handling request /…?q=…",
            # "Invalid request from ip=…: Invalid HTTP request line: 'GET /…?q=…'"): paths only.
            message = QUOTED_REQUEST_LINE.sub(r"'\1'", entry["message"])
            entry["message"] = QUERY_AFTER_PATH.sub(r"\1", message)
        for key in ("path", "message"):
            if key in entry:
                entry[key] = without_secrets(entry[key])
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
