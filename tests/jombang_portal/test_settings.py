"""Production settings: refuse to start half-configured, and pass `check --deploy` when complete."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k7$Lq2#vP9xW!m4Zr8@tY1nB6cF3hJ0sD5gA-uE_iO+oK*pR%wQ&zX^yV",
    "DJANGO_ALLOWED_HOSTS": "portal.contoh.go.id",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_refuses_to_start():
    env = {**PRODUCTION}
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    env = {**PRODUCTION}
    del env["DJANGO_ALLOWED_HOSTS"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_deploy_check_passes_without_warnings_when_https_settings_are_given():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_https_settings_are_missing():
    env = {k: v for k, v in PRODUCTION.items() if "SECURE" not in k}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


def test_development_defaults_are_local_and_indonesian(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_production_refuses_a_short_secret_key():
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": "pendek-" * 6})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_defaults_to_secure_cookies_and_hsts():
    env = {k: v for k, v in PRODUCTION.items() if "COOKIES" not in k and "HSTS_SECONDS" not in k}
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "31536000"]


def email_settings(**env):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(*[s.EMAIL_BACKEND.split('.')[-2], s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_USE_TLS], sep='|')",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split("|")


def test_production_mail_goes_out_by_email_url_or_the_settings_and_is_never_printed():
    # Without any mail settings: the local mail server, not the console (where a password
    # reset link would land in the journal).
    assert email_settings(**PRODUCTION, EMAIL_URL="") == ["smtp", "localhost", "25", "", "False"]
    # EMAIL_URL, as docs/deploy.md shows it, sets everything.
    url = "smtp+tls://portal%40contoh.go.id:rahasia@mail.contoh.go.id:587"
    assert email_settings(**PRODUCTION, EMAIL_URL=url) == [
        "smtp",
        "mail.contoh.go.id",
        "587",
        "portal@contoh.go.id",
        "True",
    ]
    # Or the settings one by one.
    one_by_one = {
        "DJANGO_EMAIL_HOST": "smtp.contoh.go.id",
        "DJANGO_EMAIL_PORT": "2525",
        "DJANGO_EMAIL_HOST_USER": "portal",
        "DJANGO_EMAIL_USE_TLS": "true",
    }
    assert email_settings(**PRODUCTION, **one_by_one, EMAIL_URL="") == [
        "smtp",
        "smtp.contoh.go.id",
        "2525",
        "portal",
        "True",
    ]
    # While developing, printed.
    assert email_settings(DJANGO_DEBUG="true", EMAIL_URL="")[0] == "console"
