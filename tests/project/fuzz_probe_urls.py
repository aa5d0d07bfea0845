"""Three views with the kind of faults the fuzzer is for, for tests/project/test_fuzz.py:
a query parameter read as a number, a form that trusts its count once everything else is valid,
an id used beyond its column's range, and a message in English."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path

from jombang_portal.urls import urlpatterns as portal_urlpatterns

PAGE = """<!doctype html><title>Uji</title>
<a href="?urut=nama">Nama</a>
<form method="get"><input name="halaman" value="1"></form>
<form method="post" action="/probe/simpan/">
  <select name="jenis"><option value="">---</option><option value="a">A</option>
    <option value="b">B</option></select>
  <input name="jumlah" type="number" value="">
  <button>Simpan</button>
</form>"""


def page(request):
    int(request.GET.get("halaman", "1"))  # the fault: junk is a ValueError
    return HttpResponse(PAGE)


def save(request):
    # Refuses the form (as a form with errors does) until "jenis" is "b": the fuzzer has to
    # draw it again to get further.
    if request.POST.get("jenis") != "b":
        return HttpResponseBadRequest(
            '<div class="has-error" data-field="jenis">Pilih B.</div>', content_type="text/html"
        )
    int(request.POST.get("jumlah", "0"))  # the fault, reached only by an accepted form
    return HttpResponse("Tersimpan.")


def item(request, pk):
    if pk > 2**31 - 1:
        raise OverflowError("beyond the integer column")
    # The other fault: a message in English, and one quoting what was sent (which is not).
    sent = " ".join(request.GET.values())
    messages = f'<div class="alert">Please select a value.</div><p class="errorlist">{sent}</p>'
    return HttpResponse(PAGE.replace("/probe/simpan/", "") + messages)


urlpatterns = [
    *portal_urlpatterns,  # the error pages link to the portal's own
    path("probe/", page),
    path("probe/simpan/", save),
    path("probe/<int:pk>/", item),
]
