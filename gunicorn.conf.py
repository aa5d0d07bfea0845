"""Gunicorn settings for `make serve` and the systemd unit in docs/deploy.md (gunicorn reads this
file from the working directory). Everything can be overridden from the environment."""

import multiprocessing
import os
import threading

wsgi_app = "jombang_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
# More than one thread makes each worker a threaded one (gthread): a request waiting on the
# database leaves the CPU to another (each thread keeps its own database connection).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# PDF reports and large exports take a while; nginx waits as long (docs/deploy.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# Only the local reverse proxy may say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"

# Gunicorn's own lines (start, workers, each request) as JSON too, like the portal's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


# The requests a worker is serving, by thread: a worker stopped for taking longer than `timeout`
# (gunicorn's "WORKER TIMEOUT (pid:…)" names no request) logs what it was serving, method and
# path only, as the access lines (the query string may hold a person's name).
_serving = {}


def pre_request(worker, req):
    _serving[threading.get_ident()] = req


def post_request(worker, req, environ, resp):
    _serving.pop(threading.get_ident(), None)


def worker_abort(worker):
    for req in list(_serving.values()):
        worker.log.error(
            "Worker stopped after %s s while serving %s %s",
            worker.cfg.timeout,
            req.method,
            req.path,
            extra={"request": req},
        )
