"""Settings for the portal, all read from the environment (django-environ) in this one place.

Development defaults are safe and local: DEBUG on, a throwaway secret key, only localhost, and the
project-local PostgreSQL cluster in .pgdata/. With DJANGO_DEBUG=false the portal refuses to start
unless DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are given (see README, "Production").
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

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
    # Django's own deploy check wants 50 characters and 5 distinct ones; a short key signs
    # sessions and password-reset links that can be guessed, so refuse to start at all.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be at least 50 characters long (with at least 5 different "
            "characters) when DJANGO_DEBUG=false. Generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The regency (kabupaten) this portal serves, as a Kemendagri code.
PORTAL_REGION_CODE = env.str("PORTAL_REGION_CODE", default="35.17")
# Where a report's coordinates may lie, as south,west,north,east in degrees, until an outline of
# the regency, or of every one of its kecamatan, is loaded; empty: not checked then. The default
# is a generous box around Kabupaten Jombang, the default regency; set it with the code.
PORTAL_REGION_BOUNDS = env.list(
    "PORTAL_REGION_BOUNDS",
    cast=float,
    default=[-8.0, 111.8, -7.1, 112.7] if PORTAL_REGION_CODE == "35.17" else [],
)
if PORTAL_REGION_BOUNDS and len(PORTAL_REGION_BOUNDS) != 4:
    raise ImproperlyConfigured("PORTAL_REGION_BOUNDS: four numbers, south,west,north,east.")
# Degrees added around the loaded outlines (about 5 km): a point on the border, a GPS reading a
# few metres off, and outlines simplified for the map still pass.
PORTAL_REGION_BOUNDS_MARGIN = 0.05

# The four-pillar evaluation. The province's scoring sheet is not public: these are the portal's
# assumptions, to be adjusted when the sheet is known.
# Action classes by achievement (realisation / target, %), one rule for the RAT pages, the
# evaluation and the official documents: above the first number "melampaui target", at least the
# first "tercapai", at least the second "mendekati target", else "di bawah target". The province
# publishes no thresholds.
ACTION_CLASS_THRESHOLDS = env.list("ACTION_CLASS_THRESHOLDS", cast=float, default=[100, 75])
if len(ACTION_CLASS_THRESHOLDS) != 2 or ACTION_CLASS_THRESHOLDS[1] > ACTION_CLASS_THRESHOLDS[0]:
    raise ImproperlyConfigured(
        "ACTION_CLASS_THRESHOLDS takes two percentages, the first not below the second (100,75)."
    )
# Dialogues, mediations and coordination meetings per period that earn the full score.
EVALUATION_DIALOGUE_TARGET = env.int("EVALUATION_DIALOGUE_TARGET", default=6)
# Median days from a report to its first handling step: full score at or below the first
# number, zero at or above the second, linear between.
EVALUATION_RESPONSE_DAYS = env.list("EVALUATION_RESPONSE_DAYS", cast=int, default=[1, 14])
# How old (minutes) a draft evaluation's stored indicator results may be before a page works
# them out again; `manage.py refresh_evaluation_results` on a timer keeps them younger.
EVALUATION_RESULTS_MAX_AGE = env.int("EVALUATION_RESULTS_MAX_AGE", default=60)
# Words in an activity's title that make its realisation count as a dialogue or meeting.
EVALUATION_DIALOGUE_KEYWORDS = env.list(
    "EVALUATION_DIALOGUE_KEYWORDS",
    default=["dialog", "mediasi", "rapat koordinasi", "rakor", "musyawarah", "sarasehan"],
)

INSTALLED_APPS = [
    # django.contrib.admin, with the portal's admin site (core.sites.PortalAdminSite).
    "core.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
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
    "evaluations",
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
    # Idle logout: the session expires SESSION_COOKIE_AGE after the last request, written at
    # most once every SESSION_REFRESH_SECONDS (instead of on every request).
    "core.middleware.IdleSessionMiddleware",
    # Marks request.user verified when this session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who must use two-factor login and has not yet: to enrolment or to the code page.
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "core.middleware.RoleRequiredMiddleware",
    # Records the acting user on every history row written during a request.
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (django-csp) from CONTENT_SECURITY_POLICY below.
    "csp.middleware.CSPMiddleware",
    # Cache-Control: private, no-store on pages, exports and files that carry report data.
    "core.middleware.NoStoreMiddleware",
    # A form sent after the session ended: back to its page after signing in; a form-only
    # address opened as a page: an Indonesian 405 page instead of an empty one. Inside the
    # middleware above, so the page it draws gets their headers and reads its messages.
    "core.middleware.FormAddressMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# Reads write no tracked rows, so only requests that may write carry the acting user and URL
# into PostgreSQL (pghistory's default adds GET, prefixing every query of every page with it).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
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
                "reports.context_processors.letterhead",
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
            # DJANGO_DB_NAME=portal_bench points everything at the benchmark's own database
            # (`manage.py seed_bench`), leaving the demo data alone.
            "NAME": env.str("DJANGO_DB_NAME", default="portal"),
            "USER": "portal",
            "PASSWORD": (
                local_db_password.read_text().strip() if local_db_password.is_file() else ""
            ),
            "HOST": str(BASE_DIR / ".pgdata" / "run"),
        }
    }
# Persistent connections: opening one costs a few milliseconds per request (fork, auth, catalog
# caches), more than a list page's own queries. Health checks drop a connection the server closed.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
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
# Password reset links (by email, or issued by an admin) work once, for this long.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_HOURS", default=24) * 3600

# Outgoing email (password reset links, notifications; tests use locmem): EMAIL_URL such as
# smtp+tls://user:password@host:587 sets it all at once, else the DJANGO_EMAIL_* settings one by
# one. Without either, printed to the console while developing; in production handed to the mail
# server of this machine, never printed: a reset link in the journal signs in whoever reads it.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "DJANGO_EMAIL_BACKEND",
        default=f"django.core.mail.backends.{'console' if DEBUG else 'smtp'}.EmailBackend",
    )
    EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
# A mail server that does not answer must not hold a request (or the daily run) for minutes.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Portal Tim Terpadu PKS <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without activity. Each request pushes the expiry forward, but the
# session row's expiry is moved at most once a minute (core.middleware.IdleSessionMiddleware), so
# a page with many requests does not write the session table on each of them. Sessions are rows
# in the database (core.sessions: Django's, able to move the expiry alone).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_REFRESH_SECONDS = env.int("DJANGO_SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Double-submission tokens (core.FormSubmission) older than this many days are deleted by
# `manage.py purge_form_submissions` (a daily timer, docs/deploy.md).
FORM_SUBMISSION_KEEP_DAYS = env.int("FORM_SUBMISSION_KEEP_DAYS", default=30)
# `manage.py purge_old_data` (daily): the sign-in log (usernames, addresses, browsers) and
# notifications (report titles) are deleted once older than this many days.
SIGN_IN_LOG_KEEP_DAYS = env.int("SIGN_IN_LOG_KEEP_DAYS", default=90)
NOTIFICATION_KEEP_DAYS = env.int("NOTIFICATION_KEEP_DAYS", default=180)

# Two-factor login (django-otp, accounts/two_factor.py): required for the roles granted
# `accounts.require_two_factor` (accounts/rules.py), optional for everyone else. On in every
# environment; only the test suite turns it off (tests/conftest.py) outside its 2FA tests.
TWO_FACTOR_ENFORCED = env.bool("DJANGO_TWO_FACTOR_ENFORCED", default=True)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portal Tim Terpadu PKS")
# Wrong codes: each failure doubles the wait before the next try on that device (1 s, 2 s, 4 s…).
# The administration never shows an authenticator's secret (its key, its QR code): people set up
# their own on their account page, and an administrator only resets one (accounts/two_factor.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

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
# proxy the header is ignored entirely: anyone can send it. AXES_PROXY_ADDRESSES are the addresses
# the proxy connects from (nginx on this machine by default; each app server of docs/scaling.md
# lists its nginx): a request from any other address is its own client, whatever it claims.
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"
AXES_PROXY_ADDRESSES = env.list("AXES_PROXY_ADDRESSES", default=["127.0.0.1", "::1"])
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
# A list filter's "no choice" option says what it does (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("Semua")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (package.json) and are served from node_modules, never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
]
# Uploaded evidence and issued reports go through Django's storage API: a local folder
# (MEDIA_ROOT) by default, or with DJANGO_STORAGE=s3 an S3-compatible bucket that several app
# servers share (docs/deploy.md). Files stay private: served only through permission checks.
STORAGE_KIND = env.str("DJANGO_STORAGE", default="filesystem")
if STORAGE_KIND == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("DJANGO_S3_BUCKET"),
            "endpoint_url": env.str("DJANGO_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DJANGO_S3_REGION", default="") or None,
            "access_key": env.str("DJANGO_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("DJANGO_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("DJANGO_S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            # Never overwrite: a second upload with a taken name gets a new one, as on disk.
            "file_overwrite": False,
        },
    }
elif STORAGE_KIND == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("DJANGO_STORAGE must be 'filesystem' or 's3'.")
STORAGES = {
    "default": DEFAULT_STORAGE,
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
# Uploads kept between an import's preview and its confirmation: a private folder, removed
# when the preview has bad rows and by purge_old_data when never confirmed (core/imports.py).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "core.imports.KeptImportStorage"
IMPORT_KEPT_DIR = env.str("IMPORT_KEPT_DIR", default="")  # empty: portal-impor-<uid> in $TMPDIR
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The library's own escaping deletes a leading "=" (losing data) and lets + - @ through; the
# portal's formats write text as string cells in a workbook and escape it with
# core.utils.spreadsheet_safe in CSV instead (directory/formats.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# A control character typed into a name (forms refuse only NUL) cannot go into an Excel file:
# replaced there, instead of the export failing.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# HTTPS hardening; all of these are needed for `manage.py check --deploy` to pass clean.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# Production (DEBUG off) defaults to secure cookies and a year of HSTS; a deployment without
# HTTPS must say so (DJANGO_SECURE_COOKIES=false, DJANGO_SECURE_HSTS_SECONDS=0).
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# In production one JSON object per line on stderr (journald or a collector reads it); plain text
# while developing. DJANGO_LOG_FORMAT=json|text overrides either.
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.jsonlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO; refused resources come as warnings.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Password of the demo users created by `manage.py seed_demo` (development only).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo12345")

# The portal's public address, for links in emails (no request to build them from).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Early-warning score of a kecamatan (dashboard/hotspots.py explains each part on the page).
HOTSPOT_WEIGHTS = {
    "recent_30": env.float("HOTSPOT_WEIGHT_RECENT_30", default=2.0),
    "rise_30": env.float("HOTSPOT_WEIGHT_RISE_30", default=3.0),
    "rise_90": env.float("HOTSPOT_WEIGHT_RISE_90", default=1.0),
    "open_risk": env.float("HOTSPOT_WEIGHT_OPEN_RISK", default=1.0),
    "escalation": env.float("HOTSPOT_WEIGHT_ESCALATION", default=4.0),
    "unresolved": env.float("HOTSPOT_WEIGHT_UNRESOLVED", default=1.0),
}
# A kecamatan at or above this score is flagged "waspada" (alert) on the dashboard and map.
HOTSPOT_ALERT_SCORE = env.float("HOTSPOT_ALERT_SCORE", default=10.0)

# Map tiles: any XYZ tile server; the page still shows markers and the list without tiles.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Empty: OpenStreetMap's credit in the reader's language ("© kontributor OpenStreetMap").
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")


def tile_source(url: str) -> list[str]:
    """The CSP source of the tile server in MAP_TILE_URL: its scheme and host, with a `{s}`
    subdomain placeholder widened to a wildcard (`https://{s}.tile.example` → `https://*.…`)."""
    parts = urlsplit(url.replace("{s}", "subdomain"))
    if not parts.scheme or not parts.netloc:
        return []
    host = parts.netloc.replace("subdomain", "*", 1) if "{s}" in url else parts.netloc
    return [f"{parts.scheme}://{host}"]


# Content-Security-Policy (django-csp 4): only the portal's own scripts and styles (no inline
# script, no inline style, no eval), images from the portal, the tile server and data: URIs
# (Bootstrap's stylesheet draws its form controls and icons as data: SVG). Tests and the
# browser suite read the same policy, so a page that breaks it fails there first.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *tile_source(MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The data endpoint sends at most this many markers (newest first) and says when it cut.
MAP_MAX_MARKERS = env.int("MAP_MAX_MARKERS", default=5000)
# A region outline (GeoJSON) may hold at most this many points: enough for a kecamatan traced
# from official maps, small enough that the map's outline layer stays light on a phone.
REGION_BOUNDARY_MAX_POINTS = env.int("REGION_BOUNDARY_MAX_POINTS", default=20000)
# The largest GeoJSON file the boundary upload and command accept.
REGION_BOUNDARY_MAX_BYTES = env.int("REGION_BOUNDARY_MAX_BYTES", default=20 * 1024 * 1024)
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
# Bounds on one PDF rendering (a subprocess): wall-clock seconds and extra memory in MB.
REPORTS_RENDER_TIMEOUT = env.int("REPORTS_RENDER_TIMEOUT", default=60)
REPORTS_RENDER_MEMORY_MB = env.int("REPORTS_RENDER_MEMORY_MB", default=1024)
# Annexes are bounded: at most this many evidence items (thumbnails are the costly part).
REPORTS_ANNEX_MAX_ITEMS = env.int("REPORTS_ANNEX_MAX_ITEMS", default=300)
REPORTS_ANNEX_MAX_THUMBNAILS = env.int("REPORTS_ANNEX_MAX_THUMBNAILS", default=60)
