"""Views every app shares."""

from django.http import FileResponse, Http404


def serve_evidence(evidence):
    """Stream a stored evidence file; the caller has already checked the user may see it."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=not evidence.shows_inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
