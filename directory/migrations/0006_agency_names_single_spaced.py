"""Agency names single-spaced, and a stop before the name becomes unique ignoring case (0007).

The model now keeps a name without spaces around it and with one space between words, and the
next migration refuses two names that differ only in letter case. Names that would then be the
same name ("Dinas Sosial" and "DINAS SOSIAL", or "Polres Jombang" and " Polres Jombang", which
0005 left alone) are not merged or renamed here: each is named by records of every part of the
portal (plans, reports, the decree, users), and which one is right is for an administrator to
decide. The migration stops instead, naming them, before anything is changed, and points to
`manage.py merge_agencies`."""

from collections import defaultdict

from django.core.management.base import CommandError
from django.db import migrations
from django.utils.translation import gettext


def single_spaced(text):
    # As core.utils.single_spaced (a migration keeps its own copy: the helper may change later).
    return " ".join(text.split())


def clashes(agencies):
    """Groups of (pk, name) whose names are one name ignoring case and spacing. Python's
    lower() stands in for PostgreSQL's, which the constraint uses; they agree on every letter
    an agency name is written in (a disagreement would stop 0007 with PostgreSQL's message)."""
    groups = defaultdict(list)
    for pk, name in agencies:
        key = single_spaced(name).lower()
        if key:  # a name of spaces only is left as it is
            groups[key].append((pk, name))
    return [group for group in groups.values() if len(group) > 1]


def normalise(apps, schema_editor):
    Agency = apps.get_model("directory", "Agency")
    agencies = list(Agency.objects.order_by("pk").values_list("pk", "name"))
    found = clashes(agencies)
    if found:
        # CommandError: `manage.py migrate` prints the message alone, without a traceback.
        # Merging is done by a command, which works on a database stopped here (README,
        # "Upgrading").
        raise CommandError(
            gettext(
                "Migrasi dihentikan: nama instansi berikut hanya berbeda huruf besar/kecil atau "
                "spasi, padahal nama instansi harus unik: %(groups)s. Gabungkan keduanya "
                "(semua data pindah ke instansi yang dipertahankan, duplikatnya dihapus) dengan "
                "manage.py merge_agencies <ID yang dipertahankan> <ID duplikat>, atau ubah "
                "namanya di halaman admin Instansi, lalu jalankan migrate lagi."
            )
            % {
                "groups": "; ".join(
                    ", ".join(f"“{name}” (ID {pk})" for pk, name in group) for group in found
                )
            }
        )
    for pk, name in agencies:
        tidy = single_spaced(name)
        if tidy and tidy != name:
            Agency.objects.filter(pk=pk).update(name=tidy)


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_agency_names_without_surrounding_spaces")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
