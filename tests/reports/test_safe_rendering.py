"""Hostile input in a document stays inert text: nothing is fetched (a local HTTP server that
records every request receives none), no local file is read, and rendering is bounded."""

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from action_plans.models import Realisation
from reports import documents, rendering
from reports.models import AnnualNarrative
from tests.reports.helpers import pdf_text

pytestmark = pytest.mark.django_db

PASSWD_LINE = "root:x:0:0"


@pytest.fixture
def trap():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    # The trap works: a plain request is recorded (and then forgotten).
    urllib.request.urlopen(f"{base}/probe", timeout=5).read()
    assert requests == ["/probe"]
    requests.clear()
    yield base, requests
    server.shutdown()
    server.server_close()


def hostile_texts(base):
    big_data_uri = "data:image/png;base64," + "iVBORw0KGgo" * 200_000  # about 2 MB
    return {
        "img_file": '<img src="file:///etc/passwd">',
        "link": f'<a href="{base}/leak">klik</a> <img src="{base}/pixel.png">',
        "css": (
            f"<style>@import url({base}/import.css); "
            "body { background: url(file:///etc/passwd) }</style>"
            f'<link rel="stylesheet" href="{base}/sheet.css">'
        ),
        "svg": f'<svg><image href="{base}/svg.png"/></svg><iframe src="{base}/frame"></iframe>',
        "data": f'<img src="{big_data_uri}">',
    }


def test_hostile_user_text_renders_as_inert_text(year_2024, trap):
    base, requests = trap
    texts = hostile_texts(base)
    realisation = Realisation.objects.get(activity__code="1.2")
    realisation.obstacles = texts["img_file"] + texts["css"]
    realisation.follow_up = texts["link"] + texts["svg"]
    realisation.narrative = texts["data"][:9000]
    realisation.save()
    activity = realisation.activity
    activity.title = '<img src="file:///etc/passwd" onerror="x">'
    activity.save()

    content = documents.build("period", 2024, "B08").pdf(draft=True)
    text = pdf_text(content)

    assert requests == []
    assert PASSWD_LINE not in text
    assert 'src="file:///etc/passwd"' in text  # shown as the typed text
    assert f"{base}/leak".replace(" ", "") in text
    assert b"/URI" not in content  # no live link was made of the typed address


def test_hostile_narrative_in_the_annual_report(year_2024, trap):
    base, requests = trap
    texts = hostile_texts(base)
    AnnualNarrative.objects.create(
        year=2024,
        summary=texts["img_file"],
        obstacles=texts["css"],
        follow_up=texts["link"],
        recommendations=texts["data"][:10000],
    )
    text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert requests == []
    assert PASSWD_LINE not in text
    assert "@importurl(" in text


def test_the_fetcher_refuses_everything_it_was_not_handed(trap):
    """Second line of defence: raw markup that bypassed escaping still loads nothing."""
    base, requests = trap
    html = (
        f'<html><head><link rel="stylesheet" href="{base}/a.css">'
        f"<style>@import url({base}/b.css); body {{ background: url(file:///etc/passwd) }}</style>"
        f'</head><body><img src="file:///etc/passwd"><img src="{base}/c.png">'
        '<img src="data:image/png;base64,iVBORw0KGgo="><object data="file:///etc/passwd"></object>'
        '<img src="https://portal.invalid/static/../../jombang_portal/settings.py">'
        '<img src="https://portal.invalid/thumb/1.jpg"><p>selesai</p></body></html>'
    )
    text = pdf_text(rendering.render_pdf(html, {}))
    assert requests == []
    assert PASSWD_LINE not in text
    assert "selesai" in text

    fetcher = rendering.DocumentFetcher({"https://portal.invalid/logo": (b"x", "image/png")})
    for url in (
        "file:///etc/passwd",
        f"{base}/x",
        "data:text/css,body{}",
        "https://portal.invalid/static/../settings.py",
        "https://portal.invalid/static/css/portal.css",  # the web CSS is not the documents'
        "https://portal.invalid/thumb/1.jpg",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("https://portal.invalid/logo").read() == b"x"
    assert len(fetcher.refused) == 6


def test_rendering_has_a_time_bound():
    rows = "".join(f"<tr><td>{n}</td><td>baris</td></tr>" for n in range(20000))
    with pytest.raises(rendering.RenderError) as error:
        rendering.render_pdf(f"<table>{rows}</table>", timeout=0.5)
    assert "batas waktu" in str(error.value.message)


def test_rendering_has_a_strict_memory_bound():
    """The child comes from a forkserver, not a fork of this (long-lived, grown) process, so heap
    this process allocated and freed cannot be reused by the child to slip past its bound."""
    grown = [bytearray(1024 * 1024) for _ in range(200)]
    del grown
    with pytest.raises(rendering.RenderError) as error:
        rendering.render_pdf("<p>" + "kata " * 50000 + "</p>", memory_mb=1)
    assert "batas memori" in str(error.value.message)


def test_a_rendering_that_fails_gives_a_message_not_a_traceback():
    # An image whose bytes never arrive as bytes fails in the child, outside the decoders' guard.
    with pytest.raises(rendering.RenderError) as error:
        rendering.render_pdf(
            '<img src="https://portal.invalid/thumb/1.jpg">',
            {"https://portal.invalid/thumb/1.jpg": rendering.Thumbnail(data=12345)},
        )
    assert "PDF gagal dibuat" in str(error.value.message)


def test_a_failed_warm_up_is_logged_and_rendering_goes_on(monkeypatch, caplog):
    def broken(html, resources):
        raise OSError("fontconfig missing")

    monkeypatch.setattr(rendering, "write_pdf", broken)
    rendering.warm_up()
    assert "warm-up failed" in caplog.text
    monkeypatch.undo()
    assert rendering.render_pdf("<p>halo</p>", {}).startswith(b"%PDF")


def test_rendering_children_do_not_fork_the_web_worker():
    assert rendering.CONTEXT.get_start_method() == "forkserver"
    stats = {}
    pdf = rendering.render_pdf("<p>halo</p>", {}, stats=stats)
    assert pdf.startswith(b"%PDF")
    # Peak memory is the child's own (a few hundred MB at most), for the bench.
    assert 0 < stats["peak_rss_kb"] < 1024 * 1024


def test_undecodable_images_are_dropped_not_fatal():
    ready = rendering.prepare(
        {"https://portal.invalid/thumb/1.jpg": rendering.Thumbnail(data=b"bukan gambar")}
    )
    assert ready == {}


def test_a_pdf_that_cannot_be_made_says_why_in_the_log(caplog, monkeypatch):
    with pytest.raises(rendering.RenderError):
        rendering.render_pdf(None, {})  # no document at all: the child fails
    assert "PDF rendering failed" in caplog.text


def test_a_bound_reached_in_the_portal_is_a_message_not_an_error(
    client, year_2024, sekretariat, settings
):
    settings.REPORTS_RENDER_TIMEOUT = 0
    client.force_login(sekretariat)
    response = client.get("/laporan-resmi/2024/periode/draf.pdf?periode=B08", follow=True)
    assert response.status_code == 200
    assert "melewati batas waktu" in response.content.decode()


def test_annex_photos_are_read_by_the_renderer_not_held_by_the_web_worker(
    year_2024, sekretariat, tmp_path
):
    # A period annex shows up to 60 phone photos: read into the worker, then copied to the
    # renderer, they took hundreds of MB outside the renderer's memory bound.
    document = documents.build("period", 2024, "B08")
    [photo] = [image for image in document.images if image.key.startswith("thumb/")]
    handed_over = photo.load()
    assert handed_over.data is None and handed_over.path.endswith(".jpg")
    body, content_type = rendering.thumbnail(handed_over)
    assert content_type == "image/jpeg" and body.startswith(b"\xff\xd8")
    # The renderer, in its own process, reads it from the path into the PDF.
    assert document.pdf(draft=True).count(b"/Subtype /Image") == 1
    # A path that is gone, or too big to be an upload, is dropped like an undecodable image.
    assert rendering.thumbnail(rendering.Thumbnail(path=str(tmp_path / "hilang.jpg"))) is None
