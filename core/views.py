"""Views every app shares."""

from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.health import run_checks


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


@never_cache
@require_safe
def health(request):
    """200 with every check "ok", else 503 naming the failed ones. Open to anyone."""
    results = run_checks()
    healthy = all(results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "checks": {name: "ok" if ok else "error" for name, ok in results.items()},
        },
        status=200 if healthy else 503,
    )
