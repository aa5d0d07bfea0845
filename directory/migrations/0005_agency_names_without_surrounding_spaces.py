"""Agency names without the spaces around them: the spreadsheet import stored "Dinas Sosial "
as typed, and now finds agencies by the trimmed name ("Dinas Sosial"), so such a row would be
missed and the agency added a second time. A name whose trimmed form another agency already
has is left for an administrator to merge."""

from django.db import migrations


def strip(apps, schema_editor):
    Agency = apps.get_model("directory", "Agency")
    for agency in Agency.objects.all().only("pk", "name"):
        trimmed = agency.name.strip()
        if trimmed == agency.name or not trimmed:
            continue
        if Agency.objects.filter(name=trimmed).exists():
            continue
        Agency.objects.filter(pk=agency.pk).update(name=trimmed)


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_region_centre_and_boundary")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop)]
