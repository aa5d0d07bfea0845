"""A WSGI application slower than any timeout, for a gunicorn started by tests/ops/test_serving.py
with the portal's configuration."""

import time


def application(environ, start_response):
    time.sleep(30)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"terlambat"]
