"""Views every app shares."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.health import run_checks
from core.pickers import MAX_SELECTED, get_picker, render_options
from core.utils import parse_id

# A stored file is no page of the portal: nothing in it may run or load anything, and it is
# sandboxed like a page from another origin. The styles are the browser's own, for its image
# viewer (a photo opened on its own is centred and zoomable through inline styles, which the
# pages' policy would block); no content of ours can carry a style into an image.
FILE_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
)


def stored_file_response(handle, **kwargs) -> FileResponse:
    """A FileResponse of an uploaded file, under FILE_POLICY (django-csp leaves a policy the
    response already has alone)."""
    response = FileResponse(handle, **kwargs)
    response["Content-Security-Policy"] = FILE_POLICY
    return response


def serve_evidence(evidence):
    """Stream a stored evidence file; the caller has already checked the user may see it."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return stored_file_response(
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


@require_safe
def picker_search(request, name):
    """The `<option>`s of a searchable picker (core.pickers) for the typed `q`, the rows already
    chosen in the select (`field` names its parameter) kept. Only rows of the picker's queryset
    for this user; at most `picker.limit` matches, so a request costs two small queries."""
    picker = get_picker(name)
    if picker is None:
        raise Http404
    if not request.user.is_authenticated:
        if request.headers.get("HX-Request"):
            # A session that ran out while a form was open: htmx swaps nothing on a 401, so the
            # select keeps its options and the form its input (the save then asks to sign in).
            return HttpResponse(status=401)
        return redirect_to_login(request.get_full_path())
    field = request.GET.get("field", "")[:100]
    selected = request.GET.getlist(field)[:MAX_SELECTED] if field else []
    objects = picker.options(
        picker.queryset(request.user), text=request.GET.get("q", ""), selected=selected
    )
    chosen = {parse_id(value) for value in selected}
    selected_ids = {obj.pk for obj in objects if obj.pk in chosen}
    empty = picker.blank_label if request.GET.get("blank") else None
    return HttpResponse(render_options(picker, objects, selected_ids, empty_label=empty))
