"""HTML to PDF, safely. The only module of the portal that imports WeasyPrint.

Two guards:
- `DocumentFetcher` is the only way WeasyPrint can load anything: it serves the resources the
  document builder handed over (logo, evidence thumbnails, by exact URL) and the portal's own
  static files under `reports/`; every other URL — `file:`, `http://127.0.0.1/…`, `data:`, any
  other host — is refused and noted. User text is escaped by the templates anyway, so this is
  the second line, not the first.
- The rendering runs in a forked child process with an address-space limit and a wall-clock
  timeout, so a hostile or simply enormous document cannot hang or exhaust the web server; the
  caller gets a `RenderError` carrying a message in Indonesian. The limit counts new address
  space: heap the parent has freed but still maps is reusable by the child on top of it.
"""

import multiprocessing
import posixpath
import resource
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Resources are addressed under an origin that can never resolve (RFC 2606 `.invalid`), so even
# a bug in the fetcher could not turn one of them into a network request.
ORIGIN = "https://portal.invalid/"
STATIC_PREFIX = ORIGIN + "static/"
STATIC_ALLOWED_DIR = "reports/"
DOCUMENT_STYLESHEET = "reports/print.css"
STATIC_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class RenderError(Exception):
    """Rendering failed or hit a bound; `message` is for the person who asked."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class DocumentFetcher(URLFetcher):
    """Serves exactly the given resources and the portal's own report static files."""

    def __init__(self, resources: dict[str, tuple[bytes, str]]):
        super().__init__(timeout=1, allow_redirects=False)
        self.resources = resources
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url in self.resources:
            body, content_type = self.resources[url]
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if url.startswith(STATIC_PREFIX):
            found = self._static(urlsplit(url).path.removeprefix("/static/"))
            if found:
                return found
        self.refused.append(url[:200])
        raise ValueError("Resource refused by the document fetcher")

    def _static(self, path):
        path = posixpath.normpath(unquote(path))
        extension = posixpath.splitext(path)[1].lower()
        if not path.startswith(STATIC_ALLOWED_DIR) or extension not in STATIC_TYPES:
            return None
        found = finders.find(path)
        if not found:
            return None
        with open(found, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(
            STATIC_PREFIX + path, body, {"Content-Type": STATIC_TYPES[extension]}
        )


def write_pdf(html: str, resources: dict[str, tuple[bytes, str]]) -> bytes:
    """Render in this process, without bounds (the child process calls this)."""
    return HTML(string=html, base_url=ORIGIN, url_fetcher=DocumentFetcher(resources)).write_pdf()


def _address_space() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


def _child(html, resources, memory_bytes, connection):
    try:
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if callable(resources):
            # Decoding uploaded images (thumbnails) happens here too, under the same bounds.
            resources = resources()
        connection.send(("ok", write_pdf(html, resources)))
    except MemoryError:
        connection.send(("memory", None))
    except BaseException as error:
        connection.send(("error", f"{type(error).__name__}: {error}"[:500]))
    finally:
        connection.close()


def render_pdf(html: str, resources=None, *, timeout=None, memory_mb=None) -> bytes:
    """The PDF of `html`, rendered in a child process bounded in time and memory. `resources`
    maps URLs to (bytes, content type), or is a function returning that map, called in the
    child."""
    timeout = settings.REPORTS_RENDER_TIMEOUT if timeout is None else timeout
    memory_mb = settings.REPORTS_RENDER_MEMORY_MB if memory_mb is None else memory_mb
    # fork: the child inherits the loaded libraries and the resources without pickling them,
    # and touches nothing but WeasyPrint (no database, no Django request state).
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(html, resources or {}, memory_mb * 1024 * 1024, sender), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderError(
                _(
                    "Pembuatan PDF dihentikan karena melewati batas waktu %(seconds)s detik. "
                    "Perkecil cakupan laporan atau hubungi administrator."
                )
                % {"seconds": timeout}
            )
        try:
            status, payload = receiver.recv()
        except EOFError:
            # The child died without a word: the kernel refused it memory.
            status, payload = "memory", None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        if hasattr(child, "close"):
            child.close()
    if status == "ok":
        return payload
    if status == "memory":
        raise RenderError(
            _(
                "Pembuatan PDF dihentikan karena melewati batas memori. Perkecil cakupan "
                "laporan atau hubungi administrator."
            )
        )
    raise RenderError(_("PDF gagal dibuat. Coba lagi atau hubungi administrator."))
