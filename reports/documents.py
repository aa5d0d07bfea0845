"""The official documents: what goes into the period report, the annual report and the RAT
text, read from the other apps' selectors. One template per document serves both the HTML
preview and the PDF; only image addresses differ (a permission-checked URL on screen, a
resource handed to the renderer in the PDF).

These are the task force's documents, not one reader's view: permission to build or download
them is decided in `reports.rules`; the figures are the team's official ones.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from action_plans import selectors as plan_selectors
from core.charts import Series, bar_chart, line_chart
from directory import selectors as directory_selectors
from evaluations import selectors as evaluation_selectors
from evaluations.choices import EvaluationStatus
from incidents import selectors as incident_selectors
from reports.choices import ReportKind
from reports.models import AnnualNarrative, Letterhead
from reports.rendering import (
    DOCUMENT_STYLESHEET,
    ORIGIN,
    STATIC_PREFIX,
    Thumbnail,
    render_pdf,
)

# Legal basis quoted on every document.
LEGAL_BASIS = [
    gettext_lazy("Undang-Undang Nomor 7 Tahun 2012 tentang Penanganan Konflik Sosial;"),
    gettext_lazy(
        "Peraturan Pemerintah Nomor 2 Tahun 2015 tentang Peraturan Pelaksanaan Undang-Undang "
        "Nomor 7 Tahun 2012 tentang Penanganan Konflik Sosial;"
    ),
    gettext_lazy(
        "Peraturan Menteri Dalam Negeri Nomor 42 Tahun 2015 tentang Pelaksanaan Koordinasi "
        "Penanganan Konflik Sosial;"
    ),
]


class DocumentUnavailable(Exception):
    """The document cannot be built (no plan for the year, unknown period); `message` says why
    in Indonesian."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class DocImage:
    """An image in a document: shown from `preview_src` in the browser, from a resource of the
    renderer in the PDF. `load` returns (bytes, content type), a `Thumbnail` for the renderer
    to make, or None when unreadable."""

    key: str
    preview_src: str
    load: object
    caption: str = ""

    @property
    def pdf_src(self) -> str:
        return ORIGIN + self.key


@dataclass
class Document:
    kind: str
    year: int
    period_code: str
    title: str
    template: str
    context: dict
    images: list = field(default_factory=list)

    @property
    def parameters(self) -> dict:
        return {
            "kind": self.kind,
            "year": self.year,
            "period": self.period_code,
            "region": settings.PORTAL_REGION_CODE,
        }

    def html(self, *, pdf: bool, draft: bool, extra: dict | None = None, request=None) -> str:
        """The document's HTML; with `request` (the browser preview) forms carry a CSRF token.
        Official documents are in Indonesian whatever language the reader browses in."""
        # The PDF asks the renderer's fetcher for the stylesheet by its plain name; the browser
        # gets the (possibly hashed) static URL.
        stylesheet = STATIC_PREFIX + DOCUMENT_STYLESHEET if pdf else static(DOCUMENT_STYLESHEET)
        with translation.override(settings.LANGUAGE_CODE):
            return render_to_string(
                self.template,
                {
                    **self.context,
                    **(extra or {}),
                    "pdf": pdf,
                    "draft": draft,
                    "doc": self,
                    "stylesheet": stylesheet,
                },
                request=request,
            )

    def resources(self) -> dict:
        loaded = {}
        for image in self.images:
            content = image.load()
            if content is not None:
                loaded[image.pdf_src] = content
        return loaded

    def pdf(self, *, draft: bool, stats: dict | None = None) -> bytes:
        html = self.html(pdf=True, draft=draft)
        if stats is None:
            return render_pdf(html, self.resources())
        return render_pdf(html, self.resources(), stats=stats)


# --- shared parts ------------------------------------------------------------------------------


def _logo():
    letterhead = Letterhead.objects.exclude(logo="").first()
    if letterhead is None:
        return None

    def load():
        try:
            with letterhead.logo.open("rb") as handle:
                body = handle.read()
        except OSError:
            return None
        return body, "image/png" if body.startswith(b"\x89PNG") else "image/jpeg"

    return DocImage("logo", reverse("reports:logo"), load)


def _thumbnail(evidence):
    def load():
        # Decoded into a thumbnail by the renderer's bounded child process, which reads the
        # file itself where the store has paths (the web worker holds none of the images).
        try:
            return Thumbnail(path=evidence.file.path)
        except NotImplementedError:  # a store without paths (S3): read here
            pass
        try:
            with evidence.file.open("rb") as handle:
                return Thumbnail(data=handle.read())
        except OSError:
            return None

    return DocImage(
        f"thumb/{evidence.pk}.jpg",
        reverse("action_plans:evidence", args=[evidence.pk]),
        load,
        caption=evidence.original_name,
    )


def _common(year: int, title: str) -> tuple[dict, list]:
    logo = _logo()
    context = {
        **directory_selectors.letterhead(year),
        "title": title,
        "year": year,
        "legal_basis": LEGAL_BASIS,
        "logo": logo,
    }
    return context, [logo] if logo else []


def _plan(year: int):
    plan = plan_selectors.plan_for_document(year)
    if plan is None:
        raise DocumentUnavailable(
            _("Belum ada Rencana Aksi Terpadu untuk tahun %(year)s.") % {"year": year}
        )
    return plan


def _period(plan, code: str):
    code = (code or "").strip().upper()
    for period in plan.periods.all():
        if period.code == code:
            return period
    choices = ", ".join(p.code for p in plan.periods.all())
    if not code:
        raise DocumentUnavailable(
            _("Pilih periode laporan RAT %(year)s: %(choices)s.")
            % {"year": plan.year, "choices": choices}
        )
    raise DocumentUnavailable(
        _("Periode %(code)s tidak ada di RAT %(year)s. Pilihan: %(choices)s.")
        % {"code": code[:20], "year": plan.year, "choices": choices}
    )


def _grouped(rows):
    groups = {}
    for row in rows:
        groups.setdefault(row.activity.get_stage_display(), []).append(row)
    return list(groups.items())


def _file_kind(evidence) -> str:
    """What a data-dukung file is, in words a reader of the document knows (not its MIME type)."""
    if evidence.is_image:
        return _("Foto")
    if evidence.content_type == "application/pdf":
        return "PDF"
    return _("Dokumen")


def _incident_section(start: date, end: date) -> dict:
    stats = incident_selectors.incident_statistics(
        start, end, directory_selectors.regency_kecamatan()
    )
    return {
        "stats": stats,
        "notable": incident_selectors.notable_cases(start, end),
        "handling": incident_selectors.handling_counts(start, end),
        "kecamatan_chart": bar_chart(_("Laporan per kecamatan"), stats.by_kecamatan),
        "source_chart": bar_chart(_("Laporan per sumber konflik"), stats.by_source),
    }


# --- the documents -----------------------------------------------------------------------------


def period_document(year: int, period_code: str) -> Document:
    """The period report the province scores (B04, B08, B12 or the plan's own periods)."""
    plan = _plan(year)
    period = _period(plan, period_code)
    title = _(
        "Laporan Pelaksanaan Rencana Aksi Terpadu Penanganan Konflik Sosial "
        "%(regency)s Periode %(period)s Tahun %(year)s"
    ) % {
        "regency": directory_selectors.regency_title(),
        "period": f"{period.code} ({period.name})",
        "year": year,
    }
    context, images = _common(year, title)
    activities = plan.activities.all()
    rows = plan_selectors.period_rows(plan, period, activities)
    evidence, evidence_total = plan_selectors.period_evidence(
        period, activities, settings.REPORTS_ANNEX_MAX_ITEMS
    )
    annex = []
    thumbnails = 0
    for item in evidence:
        image = None
        if item.is_image and thumbnails < settings.REPORTS_ANNEX_MAX_THUMBNAILS:
            image = _thumbnail(item)
            images.append(image)
            thumbnails += 1
        annex.append(
            {
                "evidence": item,
                "activity": item.realisation.activity,
                "image": image,
                "kind": _file_kind(item),
            }
        )
    context.update(
        plan=plan,
        period=period,
        groups=_grouped(rows),
        rows=rows,
        classes=plan_selectors.class_counts(rows),
        class_labels=[c.label for c in plan_selectors.AchievementClass],
        # The evaluation's measure, so that the document and the evaluation page agree.
        mean_achievement=evaluation_selectors.mean_achievement(year, period.code),
        # Of the activities that owe a realisation this period, as the dashboard and the RAT
        # summary judge them: one without a target here is not missing a report, and one
        # reported anyway is not counted (it would read "5 of 4").
        timeliness=plan_selectors.timeliness_counts(rows),
        due_passed=period.due_date < timezone.localdate(),
        budget=sum(row.activity.budget for row in rows),
        spent=sum(row.spent for row in rows),
        annex=annex,
        annex_total=evidence_total,
        annex_truncated=evidence_total > len(annex),
        **_incident_section(period.start_date, period.end_date),
    )
    return Document(
        ReportKind.PERIOD, year, period.code, title, "reports/period.html", context, images
    )


def annual_document(year: int) -> Document:
    """The annual evaluation report: the periods side by side, incident statistics, pillars."""
    plan = _plan(year)
    title = _(
        "Laporan Evaluasi Pelaporan Aksi Terpadu Penanganan Konflik Sosial "
        "%(regency)s Tahun %(year)s"
    ) % {"regency": directory_selectors.regency_title(), "year": year}
    context, images = _common(year, title)
    activities = plan.activities.all()
    matrix = plan_selectors.matrix_rows(plan, activities)
    periods = []
    for period in plan.periods.all():
        rows = plan_selectors.rows_of_period(matrix, period)
        periods.append(
            {
                "period": period,
                # As the period report counts them.
                "timeliness": plan_selectors.timeliness_counts(rows),
                "mean_achievement": evaluation_selectors.mean_achievement(year, period.code),
                "classes": plan_selectors.class_counts(rows)[-1]["counts"],
                "spent": sum(row.spent for row in rows),
            }
        )
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    incidents = _incident_section(year_start, year_end)
    stats = incidents["stats"]
    overview = plan_selectors.overview(plan, matrix)
    narrative = AnnualNarrative.objects.filter(year=year).first()
    evaluation = evaluation_figures(year)
    context.update(
        plan=plan,
        periods=periods,
        class_labels=[c.label for c in plan_selectors.AchievementClass],
        timeliness_labels=list(plan_selectors.Timeliness),
        overview=overview,
        activities_count=len(matrix),
        with_evidence=sum(1 for row in matrix if row.evidence_count),
        narrative=narrative,
        month_chart=line_chart(
            _("Laporan per bulan"),
            [label[:3] for label, _n in stats.by_month],
            [Series(str(_("Laporan")), [n for _label, n in stats.by_month])],
        ),
        period_chart=bar_chart(
            _("Rata-rata capaian per periode (%)"),
            [(p["period"].code, float(p["mean_achievement"] or 0)) for p in periods],
        ),
        evaluation=evaluation,
        # A past year's figures are its final ones once its last report was due (B12 is due
        # on 10 January); until then they are "so far", as this year's.
        year_closed=_year_closed(year, periods),
        # A draft's scores may still move and its unscored manual indicators count as nothing
        # yet: the document says so rather than pass them off as the year's result.
        evaluation_provisional=evaluation is not None
        and evaluation.status != EvaluationStatus.FINAL,
        **incidents,
    )
    return Document(ReportKind.ANNUAL, year, "", title, "reports/annual.html", context, images)


def _year_closed(year: int, periods) -> bool:
    today = timezone.localdate()
    last_due = max((p["period"].due_date for p in periods), default=None)
    return year < today.year and (last_due is None or today > last_due)


def evaluation_figures(year: int):
    """The year's four-pillar evaluation (pillars with weight and score, their indicators, the
    total): frozen values once the evaluation is final, values worked out now while it is a
    draft (a document sent to the province never carries stored values that may be an hour
    old); None when the year has no plan periods to evaluate (the document then says so)."""
    try:
        return evaluation_selectors.evaluation_figures(year, live=True)
    except LookupError:
        return None


def rat_document(year: int) -> Document:
    """The RAT itself (*naskah RAT*): the year's activities by stage with targets and budget."""
    plan = _plan(year)
    title = _("Rencana Aksi Terpadu Penanganan Konflik Sosial %(regency)s Tahun %(year)s") % {
        "regency": directory_selectors.regency_title(),
        "year": year,
    }
    context, images = _common(year, title)
    rows = plan_selectors.matrix_rows(plan, plan.activities.all())
    context.update(
        plan=plan,
        periods=list(plan.periods.all()),
        groups=_grouped(rows),
        budget=sum(row.activity.budget for row in rows),
    )
    return Document(ReportKind.RAT, year, "", title, "reports/rat.html", context, images)


BUILDERS = {
    ReportKind.PERIOD: lambda year, period_code: period_document(year, period_code),
    ReportKind.ANNUAL: lambda year, period_code: annual_document(year),
    ReportKind.RAT: lambda year, period_code: rat_document(year),
}


def build(kind: str, year: int, period_code: str = "") -> Document:
    """The document of `kind` for the year (and period), built in Indonesian."""
    if kind not in BUILDERS:
        raise DocumentUnavailable(_("Jenis laporan tidak dikenal."))
    with translation.override(settings.LANGUAGE_CODE):
        return BUILDERS[kind](year, period_code)
