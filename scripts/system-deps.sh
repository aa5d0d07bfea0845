#!/usr/bin/env bash
# Checks the system packages the portal needs and installs the missing ones with apt when run as
# root; otherwise prints one message naming exactly what to install.
#
#   scripts/system-deps.sh run     # what `make run` needs (PostgreSQL unless DATABASE_URL, Pango, npm, gettext)
#   scripts/system-deps.sh test    # the same plus Chromium for the browser tests
set -euo pipefail

want="${1:-run}"
missing=()

# The cache is read once, then searched: `ldconfig -p | grep -q` under pipefail failed now and
# then (grep stops at the first match, ldconfig gets SIGPIPE). ldconfig is in /sbin, which is
# not on a normal user's PATH on Debian.
libraries="$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)"
has_lib() { grep -q "$1" <<<"$libraries"; }

if [ -z "${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
has_lib 'libpango-1.0.so' || missing+=(libpango-1.0-0)
has_lib 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
command -v npm >/dev/null || missing+=(npm)
# `python3 -m venv` needs ensurepip, which Debian and Ubuntu ship apart (python3-venv).
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v msgfmt >/dev/null || missing+=(gettext)
if [ "$want" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # Fonts for WeasyPrint and Chromium; without any font, rendered text is empty.
  fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
fi
if [ -z "${DATABASE_URL:-}" ] && [ "$(id -u)" = 0 ] && ! command -v setfacl >/dev/null; then
  # As root the local cluster runs as the postgres user, which may need traverse rights
  # (granted with an ACL) on the folders above the checkout.
  missing+=(acl)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

cat >&2 <<MSG
Missing system packages: ${missing[*]}
Install them, then run the command again:

    sudo apt-get install ${missing[*]}

MSG
exit 1
