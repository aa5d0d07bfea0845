"""Views with the kind of faults the fuzzer is for, for tests/project/test_fuzz.py: a query
parameter read as a number, a form that trusts its count once everything else is valid, an id
used beyond its column's range, a message in English, a form that checks for a duplicate
before inserting without holding a lock (two submissions at once both pass the check), and a
form that refuses its own second tap as a duplicate."""

import time

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import path

from core.utils import lock_for_transaction
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


QUEUE_PAGE = """<!doctype html><title>Antre</title>
<form method="post" action="/probe/antre/"><input type="hidden" name="nama" value="antrean">
  <button>Daftar</button></form>"""


def queue(request):
    if request.method != "POST":
        return HttpResponse(QUEUE_PAGE)
    name = request.POST.get("nama", "")[:150]
    if not name:
        return HttpResponseBadRequest("Nama wajib diisi.")
    # The fault: check, then insert. A second request arriving in between also finds nothing,
    # and its insert breaks the unique name (IntegrityError); one after the other is fine.
    if not Group.objects.filter(name=name).exists():
        time.sleep(0.2)
        Group.objects.create(name=name)
    return HttpResponse("Terdaftar.")


ONCE_PAGE = """<!doctype html><title>Sekali</title>
<form method="post" action="/probe/sekali/"><input type="hidden" name="nama" value="sekali">
  <button>Daftar</button></form>"""


def once(request):
    if request.method != "POST":
        return HttpResponse(ONCE_PAGE)
    # Safe from the race (the rows are locked), but the fault a person sees: the second tap of
    # a double tap is told the name is taken, by the first tap.
    with transaction.atomic():
        lock_for_transaction("probe-sekali")
        if Group.objects.filter(name="sekali").exists():
            return HttpResponseBadRequest("Nama sudah terdaftar.")
        Group.objects.create(name="sekali")
    return HttpResponseRedirect("/probe/sekali/")


urlpatterns = [
    *portal_urlpatterns,  # the error pages link to the portal's own
    path("probe/", page),
    path("probe/simpan/", save),
    path("probe/<int:pk>/", item),
    path("probe/antre/", queue),
    path("probe/sekali/", once),
]
