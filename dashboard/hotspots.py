"""The early-warning score of each kecamatan: a weighted sum of plain counts, so anyone can
redo it by hand from the list. Weights are settings (HOTSPOT_WEIGHT_*); the page shows them."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.charts import Series, line_chart
from directory.models import Region
from incidents.selectors import (
    COUNTED_STATUSES,
    OPEN_STATUSES,
    kecamatan_signals,
    list_query,
    monthly_counts,
)

# (part, what it counts) in the order the page explains them.
PARTS = [
    ("recent_30", _("laporan dalam 30 hari terakhir")),
    ("rise_30", _("kenaikan laporan 30 hari terakhir dibanding 30 hari sebelumnya (bila naik)")),
    ("rise_90", _("kenaikan laporan 90 hari terakhir dibanding 90 hari sebelumnya (bila naik)")),
    (
        "open_risk",
        _("poin risiko potensi yang masih terbuka (rendah 1, sedang 2, tinggi 3, sangat tinggi 4)"),
    ),
    ("escalation", _("kejadian konflik (eskalasi dari potensi) dalam 90 hari terakhir")),
    ("unresolved", _("laporan yang belum selesai")),
]


def weights() -> dict[str, float]:
    return {part: float(settings.HOTSPOT_WEIGHTS.get(part, 0)) for part, _label in PARTS}


@dataclass
class Hotspot:
    kecamatan: Region
    parts: dict
    score: float
    trend: list = field(default_factory=list)
    chart: str = ""

    @property
    def alert(self) -> bool:
        return self.score >= settings.HOTSPOT_ALERT_SCORE

    @property
    def query(self) -> str:
        return list_query(kecamatan=self.kecamatan.pk, status=list(COUNTED_STATUSES))

    @property
    def open_query(self) -> str:
        return list_query(kecamatan=self.kecamatan.pk, status=list(OPEN_STATUSES))


def band(value: float) -> int:
    """The shade of a kecamatan on the map: 0 quiet, 1 to 3 rising towards the alert score,
    4 at or above it (HOTSPOT_ALERT_SCORE), so the map and the hotspot page agree."""
    alert = settings.HOTSPOT_ALERT_SCORE
    if value <= 0:
        return 0
    if value >= alert:
        return 4
    return min(3, 1 + int(3 * value / alert))


def score(parts: dict, weights: dict) -> float:
    return round(sum(weights[name] * parts.get(name, 0) for name in weights), 1)


def parts_from_signals(signal: dict) -> dict:
    return {
        "recent_30": signal["recent_30"],
        "rise_30": max(0, signal["recent_30"] - signal["before_30"]),
        "rise_90": max(0, signal["recent_90"] - signal["before_90"]),
        "open_risk": signal["open_risk"],
        "escalation": signal["events_90"],
        "unresolved": signal["unresolved"],
    }


def last_months(today: date, count: int = 12) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _index in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def hotspots(user, today: date, *, with_trend: bool = True) -> list[Hotspot]:
    """Every kecamatan the user may see, highest score first (three queries with the trend)."""
    signals = kecamatan_signals(user, today)
    w = weights()
    signal_names = ("recent_30", "before_30", "recent_90", "before_90", "events_90")
    empty = dict.fromkeys((*signal_names, "unresolved", "open_risk"), 0)
    ranked = []
    for kecamatan in Region.objects.visible_to(user).kecamatan().order_by("name"):
        parts = parts_from_signals(signals.get(kecamatan.pk, empty))
        ranked.append(Hotspot(kecamatan=kecamatan, parts=parts, score=score(parts, w)))
    ranked.sort(key=lambda h: (-h.score, h.kecamatan.name))
    if with_trend:
        months = last_months(today)
        counts = monthly_counts(user, months[0])
        labels = [date_format(m, "M Y") for m in months]
        for hotspot in ranked:
            hotspot.trend = [counts.get((hotspot.kecamatan.pk, m), 0) for m in months]
            hotspot.chart = line_chart(
                _("Tren laporan 12 bulan, Kecamatan %(name)s") % {"name": hotspot.kecamatan},
                labels,
                [Series(str(_("Laporan")), hotspot.trend)],
                width=160,
                height=32,
                compact=True,
            )
    return ranked


def overall_trend(ranked: list[Hotspot], today: date) -> str:
    """The regency's 12-month line, summed from the kecamatan trends (no extra query)."""
    months = last_months(today)
    totals = [sum(h.trend[i] for h in ranked) for i in range(len(months))]
    return line_chart(
        _("Tren laporan 12 bulan, seluruh kabupaten"),
        [date_format(m, "M") for m in months],
        [Series(str(_("Laporan")), totals)],
        width=640,
        height=180,
    )
