"""Settings for the portal, all read from the environment (django-environ) in this one place.

Development defaults are safe and local: DEBUG on, a throwaway secret key, only localhost, and the
project-local PostgreSQL cluster in .pgdata/. With DJANGO_DEBUG=false the portal refuses to start
unless DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are given (see README, "Production").
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
else:
    # No fallback on purpose: a production deployment must say what it is.
    for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        if not env.str(required, default=""):
            raise ImproperlyConfigured(f"{required} must be set when DJANGO_DEBUG=false.")
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The regency (kabupaten) this portal serves, as a Kemendagri code.
PORTAL_REGION_CODE = env.str("PORTAL_REGION_CODE", default="35.17")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "django_filters",
    "import_export",
    "phonenumber_field",
    "pgtrigger",
    "pghistory",
    # Imports every app's rules.py, where the portal's permissions are declared.
    "rules.apps.AutodiscoverRulesConfig",
    "core",
    "accounts",
    "directory",
    "incidents",
    "action_plans",
    "reports",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.RoleRequiredMiddleware",
    # Records the acting user on every history row written during a request.
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]
if not DEBUG:
    # In production WhiteNoise serves the collected static files (`manage.py collectstatic`).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "jombang_portal.urls"
WSGI_APPLICATION = "jombang_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

FORM_RENDERER = "core.forms.PortalFormRenderer"

# Without DATABASE_URL: the project-local cluster started by `make db` (Unix socket, no TCP),
# with the password scripts/localdb.sh generated (absent only for a cluster not started since).
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    local_db_password = BASE_DIR / ".pgdata" / "db-password"
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "portal",
            "USER": "portal",
            "PASSWORD": (
                local_db_password.read_text().strip() if local_db_password.is_file() else ""
            ),
            "HOST": str(BASE_DIR / ".pgdata" / "run"),
        }
    }
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Every portal action: named permissions decided by the predicates in each app's rules.py.
    "rules.permissions.ObjectPermissionBackend",
    # Model permissions of the role Groups, for the Django admin only.
    "core.backends.GroupPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without activity: each request pushes the expiry forward.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Brute-force protection: lock a username *from an IP* after repeated failures, for a cool-off
# period only, so an attacker elsewhere cannot lock a colleague out for good.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The client's address, through django-ipware. AXES_PROXY_COUNT is the number of reverse proxies
# in front of the portal, each appending the address it received from to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for). ipware counts only the proxies listed *inside* the header (the
# nearest one is REMOTE_ADDR), hence N - 1. A header with more entries than that is forged and
# resolves to the proxy's own address, so a forger can lock out only other forgers. Without a
# proxy the header is ignored entirely: anyone can send it.
proxy_count = env.int("AXES_PROXY_COUNT", default=0)
if proxy_count > 0:
    AXES_IPWARE_PROXY_COUNT = proxy_count - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_PROXY_COUNT = None
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_VERBOSE = False

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# locale/: the portal's own texts (`make messages`); locale-thirdparty/: hand-kept Indonesian for
# libraries that ship none (kept apart so makemessages never rewrites it).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-thirdparty"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Thousands separators are applied where a number is an amount (the intcomma and rupiah
# filters), never implicitly: years and ids must print as 2024, not 2.024.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["jombang_portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (package.json) and are served from node_modules, never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded evidence lives outside the static tree and is served only through permission checks.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

PHONENUMBER_DEFAULT_REGION = "ID"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The library's own escaping deletes a leading "=" (losing data) and lets + - @ through; the
# resources escape every cell with core.utils.spreadsheet_safe instead (directory/resources.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# HTTPS hardening; all of these are needed for `manage.py check --deploy` to pass clean.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO; refused resources come as warnings.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Password of the demo users created by `manage.py seed_demo` (development only).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo12345")

# Official documents (the reports app). The regency's logo is uploaded by an admin; the rest of
# the letterhead and the signature block come from here (or from the year's team decree).
PORTAL_SECRETARIAT_NAME = env.str(
    "PORTAL_SECRETARIAT_NAME", default="Badan Kesatuan Bangsa dan Politik"
)
PORTAL_SECRETARIAT_ADDRESS = env.str("PORTAL_SECRETARIAT_ADDRESS", default="")
PORTAL_SECRETARIAT_CONTACT = env.str("PORTAL_SECRETARIAT_CONTACT", default="")
# Where documents are signed; empty: the regency's own name.
PORTAL_SIGNATURE_PLACE = env.str("PORTAL_SIGNATURE_PLACE", default="")
# The signer; empty name: the secretary named in the year's team decree.
PORTAL_SIGNER_NAME = env.str("PORTAL_SIGNER_NAME", default="")
PORTAL_SIGNER_POSITION = env.str(
    "PORTAL_SIGNER_POSITION", default="Sekretaris Tim Terpadu Penanganan Konflik Sosial"
)
PORTAL_SIGNER_NIP = env.str("PORTAL_SIGNER_NIP", default="")
# Achievement classes of an action (realisation / target). The province publishes no thresholds:
# above EXCEEDS is "melampaui", from MET "tercapai", from NEAR "mendekati", else "di bawah".
RAT_CLASS_EXCEEDS = env.float("RAT_CLASS_EXCEEDS", default=1.0)
RAT_CLASS_MET = env.float("RAT_CLASS_MET", default=1.0)
RAT_CLASS_NEAR = env.float("RAT_CLASS_NEAR", default=0.75)
# Bounds on one PDF rendering (a subprocess): wall-clock seconds and extra memory in MB.
REPORTS_RENDER_TIMEOUT = env.int("REPORTS_RENDER_TIMEOUT", default=60)
REPORTS_RENDER_MEMORY_MB = env.int("REPORTS_RENDER_MEMORY_MB", default=1024)
# Annexes are bounded: at most this many evidence items (thumbnails are the costly part).
REPORTS_ANNEX_MAX_ITEMS = env.int("REPORTS_ANNEX_MAX_ITEMS", default=300)
REPORTS_ANNEX_MAX_THUMBNAILS = env.int("REPORTS_ANNEX_MAX_THUMBNAILS", default=60)
