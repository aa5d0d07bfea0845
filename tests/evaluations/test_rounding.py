"""Scores and shares are rounded to one decimal as people round, halves up: 5 of 16 reports on
time is 31,3 %, as the page's floatformat and a calculator say (Python's default, halves to
even, gave 31,2)."""

from decimal import Decimal

from evaluations.indicators import share, tenths
from evaluations.selectors import weighted


def test_a_share_rounds_its_half_up():
    assert share(5, 16, {}).raw == Decimal("31.3")
    assert share(1, 8, {}).score == Decimal("12.5")
    assert tenths(Decimal("70.05")) == Decimal("70.1")


def test_a_weighted_total_rounds_its_half_up():
    assert weighted([(Decimal("70.05"), Decimal(25))] * 4) == Decimal("70.1")
