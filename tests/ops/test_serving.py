"""Production serving: the health check, JSON log lines, and the file store chosen by setting."""

import http.client
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from core import health
from core.jsonlog import JsonFormatter
from tests.jombang_portal.test_settings import PRODUCTION, ROOT, manage


@pytest.fixture
def url():
    return reverse("health")


@pytest.mark.django_db
def test_healthy_server_answers_200_with_each_check_named(client, url, fast_and_isolated):
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    # The probe file is removed again.
    assert not list((fast_and_isolated / "health").iterdir())


@pytest.mark.django_db
def test_an_unwritable_store_gives_503_naming_only_the_storage(
    client, url, settings, tmp_path, caplog
):
    # A folder that cannot be created (its parent is a file), whoever runs the tests.
    (tmp_path / "not-a-folder").write_text("")
    settings.MEDIA_ROOT = tmp_path / "not-a-folder" / "media"
    response = client.get(url)
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "storage": "error",
    }
    # Why it failed is in the log, not in the answer.
    assert "not-a-folder" not in response.content.decode()
    assert "'storage' failed" in caplog.text


@pytest.mark.django_db
def test_unapplied_migrations_give_503(client, url, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: ["0099_pending"]
    )
    response = client.get(url)
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error"


@pytest.mark.django_db
def test_an_unreachable_database_gives_503(client, url, monkeypatch):
    def down():
        raise OperationalError("connection refused by db.internal:5432 user=portal")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get(url)
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "error",
        "migrations": "error",
        "storage": "ok",
    }
    assert "db.internal" not in response.content.decode()


@pytest.mark.django_db
def test_health_check_is_read_only(client, url):
    assert client.post(url).status_code == 405


def test_log_lines_are_one_json_object_each_without_query_strings():
    request = RequestFactory().get("/laporan/?q=Nama+Saksi")
    try:
        raise ValueError("baris\nkedua")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/laporan/",),
            sys.exc_info(),
            extra={"request": request, "status_code": 500},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["message"] == "Internal Server Error: /laporan/"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/laporan/", 500)
    assert "ValueError" in entry["exception"]
    assert "Saksi" not in line


def test_production_logs_json_and_development_text():
    code = "import logging; logging.getLogger('portal').warning('halo %s', 'dunia')"
    production = manage("shell", "-c", code, **PRODUCTION)
    assert json.loads(production.stderr.strip())["message"] == "halo dunia"
    development = manage("shell", "-c", code)
    assert "WARNING portal: halo dunia" in development.stderr


def test_the_file_store_switches_to_s3_by_setting():
    code = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, getattr(s, 'bucket_name', '-'))"
    )
    s3 = manage("shell", "-c", code, DJANGO_STORAGE="s3", DJANGO_S3_BUCKET="portal-berkas")
    assert s3.returncode == 0, s3.stderr
    assert s3.stdout.splitlines()[-1].split() == ["S3Storage", "portal-berkas"]
    local = manage("shell", "-c", code)
    assert local.stdout.splitlines()[-1].split() == ["FileSystemStorage", "-"]


def test_an_unknown_file_store_refuses_to_start():
    result = manage("check", DJANGO_STORAGE="ftp")
    assert result.returncode != 0
    assert "DJANGO_STORAGE must be" in result.stderr


COVERAGE_ENV = {k: v for k, v in os.environ.items() if k.startswith("COVERAGE_")}


def test_gunicorn_loads_the_portal_with_production_settings():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--print-config"],
        cwd=ROOT,
        # Nothing of this environment but coverage's own settings (`make coverage` follows
        # the child: it loads jombang_portal.wsgi).
        env={**PRODUCTION, "PATH": "/usr/bin:/bin", **COVERAGE_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "jombang_portal.wsgi:application" in result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_run(url_path: str, *args: str, **env: str) -> tuple[str, str]:
    """A real gunicorn with the portal's configuration (and `args`, `env`): waits until it
    answers `url_path` (or drops the connection), then stops it. Returns (status or "dropped",
    everything it logged)."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        **PRODUCTION,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP here, as behind the local proxy
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        **env,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{port}{url_path}",
                        headers={"Referer": "http://127.0.0.1/laporan/?q=Nama+Saksi"},
                    ),
                    timeout=30,
                )
            except urllib.error.HTTPError as error:
                answer = error
            except (urllib.error.URLError, ConnectionRefusedError) as error:
                assert time.monotonic() < deadline, f"gunicorn did not start: {error}"
                time.sleep(0.2)
                continue
            except (ConnectionResetError, http.client.RemoteDisconnected):
                status = "dropped"
                break
            status = str(answer.status)
            break
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return status, output


def json_lines(output: str, logger: str) -> list[dict]:
    lines = (json.loads(line) for line in output.splitlines() if line.startswith("{"))
    return [entry for entry in lines if entry["logger"] == logger]


def test_gunicorn_access_lines_name_the_path_without_its_query_string():
    """The request line and the referer of gunicorn's access log hold the query string (a search
    for a person's name); the line logged has the method, path and status only."""
    # 200, or 503 where this database is not migrated
    status, output = gunicorn_run("/kesehatan/?q=Nama+Saksi")
    access = json_lines(output, "gunicorn.access")
    assert [(e["message"], e["path"], e["status"]) for e in access] == [
        (f"GET /kesehatan/ {status}", "/kesehatan/", status)
    ]
    assert "Saksi" not in output


def test_a_worker_stopped_for_taking_too_long_names_the_request():
    # gunicorn's own line says "WORKER TIMEOUT (pid:…)" and nothing of the request; its
    # "Error handling request" line after it gave the whole URI, a searched name included.
    status, output = gunicorn_run(
        "/ekspor-lambat/?q=Nama+Saksi", "tests.ops.slow_wsgi:application", GUNICORN_TIMEOUT="1"
    )
    assert status == "500"  # gunicorn's own answer for the request it gave up
    errors = json_lines(output, "gunicorn.error")
    assert any(e["message"].startswith("WORKER TIMEOUT") for e in errors), output
    stopped = [e for e in errors if e["message"].startswith("Worker stopped")]
    assert [(e["message"], e["method"], e["path"]) for e in stopped] == [
        ("Worker stopped after 1 s while serving GET /ekspor-lambat/", "GET", "/ekspor-lambat/")
    ]
    assert "Saksi" not in output


def test_the_proxy_s_own_error_pages_exist_and_speak_indonesian():
    # nginx answers a form too large (413) or an app restarting (502-504) with its own English
    # page unless docs/deploy.md's error_page lines find these files.
    root = Path(settings.BASE_DIR)
    guide = (root / "docs" / "deploy.md").read_text()
    folder = re.search(r"location /galat/ \{\s*alias /srv/portal/app/(\S+);", guide).group(1)
    named = re.findall(r"error_page [\d ]+ /galat/(\S+);", guide)
    assert sorted(named) == ["413.html", "50x.html"]
    for name in named:
        page = (root / folder / name).read_text()
        assert '<html lang="id">' in page and "Portal Tim Terpadu" in page


@pytest.mark.django_db
def test_a_flood_of_health_checks_writes_the_store_once_in_a_while(
    client, url, fast_and_isolated, monkeypatch
):
    """Open to anyone, the check must not let a flood of requests write a file each."""
    written = []
    save = health.default_storage.save

    def counting_save(name, content, **kwargs):
        written.append(name)
        return save(name, content, **kwargs)

    monkeypatch.setattr(health.default_storage, "save", counting_save)
    with time_machine.travel("2026-11-30 08:00 +0700", tick=False) as traveller:
        for _ in range(20):
            assert client.get(url).json()["checks"]["storage"] == "ok"
        assert len(written) == 1
        traveller.shift(health.STORAGE_RECHECK_SECONDS + 1)
        assert client.get(url).json()["checks"]["storage"] == "ok"
        assert len(written) == 2
    assert not list((fast_and_isolated / "health").iterdir())
