"""Indonesian formats: `19 Desember 2025`, `Rp 1.250.000`."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import formats, translation

from core.templatetags.portal import minutes, rupiah


def test_dates_and_money_read_the_indonesian_way():
    with translation.override("id"):
        assert formats.date_format(date(2025, 12, 19)) == "19 Desember 2025"
        assert rupiah(1250000) == "Rp 1.250.000"
        assert formats.number_format(1250000, force_grouping=True) == "1.250.000"
        when = datetime(2025, 12, 19, 8, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
        assert formats.date_format(when, "DATETIME_FORMAT") == "19 Desember 2025, 08.30"


def test_english_keeps_day_first_dates():
    with translation.override("en"):
        assert formats.date_format(date(2025, 12, 19)) == "19 December 2025"
        assert rupiah(1250000) == "Rp 1,250,000"


def test_template_filters():
    with translation.override("id"):
        rendered = Template("{% load portal %}{{ v|rupiah }}|{{ none|rupiah }}").render(
            Context({"v": 2500, "none": None})
        )
    assert rendered == "Rp 2.500|—"


def test_minutes_rounds_up():
    from datetime import timedelta

    assert minutes(timedelta(seconds=90)) == 2
    assert minutes(timedelta(minutes=15)) == 15
    assert minutes(None) == 0


def test_percent_rounds_half_up_to_the_shown_digits():
    from core.templatetags.portal import percent

    with translation.override("id"):
        assert percent(2 / 3) == "67%"
        assert percent(0.456, 1) == "45,6%"
        assert percent(None) == "—"
