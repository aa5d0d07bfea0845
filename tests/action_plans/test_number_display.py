"""Counts of a thousand or more read with the locale's thousands separator on the pages and in
the official PDFs ("1.500", not "1500"), percentages too ("1.250%")."""

from decimal import Decimal

import pytest
from django.utils import translation

from action_plans.models import Target
from core.templatetags.portal import percent
from reports import documents
from tests.reports.helpers import pdf_text, squash

pytestmark = pytest.mark.django_db


def test_a_target_of_thousands_is_grouped_on_the_pages_and_in_the_pdf(
    client, established, sekretariat
):
    activity = established.activities.get(code="1.1")
    Target.objects.filter(activity=activity, period__code="B04").update(value=Decimal("1500.5"))
    client.force_login(sekretariat)

    matrix = client.get("/rat/2024/").content.decode()
    detail = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()

    assert ">1.500,50<" in matrix and "1500" not in matrix
    assert "Target: 1.500,50" in detail
    document = pdf_text(documents.build("rat", 2024).pdf(draft=True))
    assert "1.500,50" in document and squash("1500") not in document


def test_a_percentage_of_thousands_is_grouped():
    with translation.override("id"):
        assert percent(Decimal("12.345"), 1) == "1.234,5%"
        assert percent(Decimal("0.456")) == "46%"
    with translation.override("en"):
        assert percent(Decimal("12.345"), 1) == "1,234.5%"
