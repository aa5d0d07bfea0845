"""A report is still made when the letterhead logo's or a photo's file has gone missing: the
document leaves those images out instead of failing."""

import pytest
from django.core.files.base import ContentFile

from action_plans.models import RealisationEvidence
from reports import documents
from reports.models import Letterhead
from reports.rendering import Thumbnail, prepare
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_missing_logo_and_photo_files_are_left_out(year_2024):
    letterhead = Letterhead()
    letterhead.logo.save("logo.jpg", ContentFile(jpeg_bytes()), save=True)
    document = documents.build("period", 2024, "B08")
    before = document.resources()
    assert any(isinstance(content, Thumbnail) for content in before.values())
    assert any(content == (jpeg_bytes(), "image/jpeg") for content in before.values())

    letterhead.logo.storage.delete(letterhead.logo.name)
    for evidence in RealisationEvidence.objects.all():
        evidence.file.storage.delete(evidence.file.name)

    # The photo goes to the renderer by its path, which finds nothing there and leaves it out.
    assert prepare(documents.build("period", 2024, "B08").resources()) == {}
