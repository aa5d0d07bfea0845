"""HTML to PDF, safely. The only module of the portal that imports WeasyPrint.

Two guards:
- `DocumentFetcher` is the only way WeasyPrint can load anything: it serves the resources the
  document builder handed over (logo, evidence thumbnails, by exact URL) and the portal's own
  static files under `reports/`; every other URL — `file:`, `http://127.0.0.1/…`, `data:`, any
  other host — is refused and noted. User text is escaped by the templates anyway, so this is
  the second line, not the first.
- The rendering runs in a child process with an address-space limit and a wall-clock timeout,
  so a hostile or simply enormous document cannot hang or exhaust the web server; the caller
  gets a `RenderError` carrying a message in Indonesian. Children come from a `forkserver`, not
  a fork of the web worker: the server is a small process that loaded Django and WeasyPrint once
  (`reports.render_server`), so each child starts warm but owns none of the worker's heap, and
  the memory limit is strict (a forked child could reuse heap its parent freed on top of it).
  Uploaded images are decoded into thumbnails in the child too, under the same bounds.
"""

import io
import logging
import multiprocessing
import posixpath
import resource
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import django
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Resources are addressed under an origin that can never resolve (RFC 2606 `.invalid`), so even
# a bug in the fetcher could not turn one of them into a network request.
ORIGIN = "https://portal.invalid/"
STATIC_PREFIX = ORIGIN + "static/"
STATIC_ALLOWED_DIR = "reports/"
DOCUMENT_STYLESHEET = "reports/print.css"
STATIC_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
THUMBNAIL_SIZE = (320, 240)
# More than any upload may be (evidence is refused past its own, smaller limit).
MAX_IMAGE_BYTES = 64 * 1024 * 1024

logger = logging.getLogger(__name__)

# One forkserver per web worker, started on the first PDF and kept warm: it has imported Django
# and WeasyPrint (the preload) and forks a fresh child per document.
CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["reports.render_server"])


@dataclass(frozen=True)
class Thumbnail:
    """An uploaded image, as stored, to be shrunk to a JPEG thumbnail in the bounded child: by
    its path on this machine's disk (read there, so 60 phone photos of a period's annex are not
    held in the web worker), or, from a store without paths, its bytes."""

    data: bytes | None = None
    path: str | None = None


def thumbnail(image: Thumbnail) -> tuple[bytes, str] | None:
    """A JPEG thumbnail of an uploaded image, or None when it cannot be read or decoded."""
    try:
        if image.path is not None:
            with open(image.path, "rb") as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
            if len(data) > MAX_IMAGE_BYTES:
                return None
        else:
            data = image.data
        with Image.open(io.BytesIO(data)) as picture:
            picture.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced scale
            picture.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            picture.convert("RGB").save(buffer, "JPEG", quality=80)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None
    return buffer.getvalue(), "image/jpeg"


def prepare(resources: dict) -> dict[str, tuple[bytes, str]]:
    """Resources as the fetcher serves them: thumbnails made, undecodable images dropped."""
    ready = {}
    for url, content in resources.items():
        if isinstance(content, Thumbnail):
            content = thumbnail(content)
        if content is not None:
            ready[url] = content
    return ready


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


# Enough of a document to load what every rendering needs: the C declarations WeasyPrint's
# bindings parse on first use (cffi), the fonts of the document stylesheet (regular, bold, italic)
# and WeasyPrint's default stylesheets.
WARM_UP_HTML = (
    f'<link rel="stylesheet" href="{STATIC_PREFIX}{DOCUMENT_STYLESHEET}">'
    "<h1>Portal</h1><p>Teks <b>tebal</b> dan <i>miring</i>.</p>"
    "<table><tr><th>Kolom</th><td>1</td></tr></table>"
)


def warm_up() -> None:
    """Render a small document once in this process (the forkserver's preload), so the children
    it forks inherit what a first rendering loads instead of each loading it again: about 0.2 s
    of CPU less per PDF, most of it cffi parsing C declarations. A failure only loses the head
    start: each child still renders (and reports on) its own document."""
    try:
        write_pdf(WARM_UP_HTML, {})
    except Exception:
        logger.warning("PDF renderer warm-up failed", exc_info=True)


def _address_space() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(html, resources, memory_bytes, connection):
    try:
        if not apps.ready:  # the server's preload failed: set up here, before the bound
            django.setup()
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        pdf = write_pdf(html, prepare(resources))
        connection.send(("ok", pdf, _peak_rss_kb()))
    except MemoryError:
        connection.send(("memory", None, _peak_rss_kb()))
    except BaseException as error:
        connection.send(("error", f"{type(error).__name__}: {error}"[:500], _peak_rss_kb()))
    finally:
        connection.close()


def render_pdf(html: str, resources=None, *, timeout=None, memory_mb=None, stats=None) -> bytes:
    """The PDF of `html`, rendered in a child process bounded in time and memory. `resources`
    maps URLs to (bytes, content type) or to a `Thumbnail` to make in the child. A `stats` dict,
    when given, receives the child's peak resident memory (`peak_rss_kb`)."""
    timeout = settings.REPORTS_RENDER_TIMEOUT if timeout is None else timeout
    memory_mb = settings.REPORTS_RENDER_MEMORY_MB if memory_mb is None else memory_mb
    receiver, sender = CONTEXT.Pipe(duplex=False)
    child = CONTEXT.Process(
        target=_child, args=(html, resources or {}, memory_mb * 1024 * 1024, sender), daemon=True
    )
    child.start()
    sender.close()
    answered = False
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
            status, payload, peak_kb = receiver.recv()
        except EOFError:
            # The child died without a word: the kernel refused it memory.
            status, payload, peak_kb = "memory", None, None
        answered = True
    finally:
        receiver.close()
        # A child that answered is left a moment to exit on its own (and flush what it
        # writes at exit); one that overran is killed at once.
        child.join(timeout=2 if answered else 0)
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
    if stats is not None:
        stats["peak_rss_kb"] = peak_kb
    if status == "ok":
        return payload
    if status == "memory":
        raise RenderError(
            _(
                "Pembuatan PDF dihentikan karena melewati batas memori. Perkecil cakupan "
                "laporan atau hubungi administrator."
            )
        )
    # What failed, for the administrator the message sends the user to.
    logger.error("PDF rendering failed: %s", payload)
    raise RenderError(_("PDF gagal dibuat. Coba lagi atau hubungi administrator."))
