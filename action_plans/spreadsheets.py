"""Excel in and out of the action plan: the matrix as the province receives it, and the import
of a draft plan, all rows or none, every bad row listed with its line and reason."""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from action_plans import services
from action_plans.choices import BudgetSource, Pillar, Stage, ordered_pillars
from action_plans.models import Activity
from core.utils import spreadsheet_safe
from directory import selectors as directory_selectors
from directory.models import Agency, Region

MAX_IMPORT_ROWS = 2000
MAX_BUDGET = Decimal(2**63)  # PositiveBigIntegerField
MAX_TARGET = Decimal("1e10")  # DecimalField(max_digits=12, decimal_places=2)
FIXED_COLUMNS = [
    "kode",
    "tahap",
    "pilar",
    "kegiatan",
    "penanggung_jawab",
    "pendukung",
    "indikator",
    "satuan",
    "anggaran",
    "sumber_anggaran",
    "kecamatan",
]
REQUIRED = {"kode", "tahap", "kegiatan", "penanggung_jawab", "indikator", "satuan"}


# --- export ------------------------------------------------------------------------------------


def matrix_workbook(plan, rows) -> bytes:
    """One row per activity, target and realisation columns per period, grouped by stage."""
    periods = list(plan.periods.all())
    book = Workbook()
    sheet = book.active
    sheet.title = f"RAT {plan.year}"
    # The same title, regency and signature block as the RAT document (reports app).
    sheet.append(
        [
            _("Rencana Aksi Terpadu Penanganan Konflik Sosial %(regency)s Tahun %(year)s")
            % {"regency": directory_selectors.regency_title(), "year": plan.year}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([_("Dasar penetapan: %(ref)s") % {"ref": plan.decree_reference or "-"}])
    header = [
        _("No."),
        _("Kode"),
        _("Tahap"),
        _("Kegiatan"),
        _("Pilar"),
        _("Penanggung jawab"),
        _("Instansi pendukung"),
        _("Indikator keberhasilan"),
        _("Satuan"),
    ]
    for period in periods:
        header += [
            _("Target %(code)s") % {"code": period.code},
            _("Realisasi %(code)s") % {"code": period.code},
            _("Tepat waktu %(code)s") % {"code": period.code},
        ]
    header += [
        _("Anggaran (Rp)"),
        _("Sumber"),
        _("Realisasi anggaran (Rp)"),
        _("Capaian (%)"),
        _("Kendala"),
        _("Tindak lanjut"),
        _("Status"),
    ]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=1):
        activity = row.activity
        line = [
            number,
            activity.code,
            activity.get_stage_display(),
            activity.title,
            ", ".join(str(Pillar(p).label) for p in activity.pillars),
            activity.responsible_agency.name,
            "; ".join(a.name for a in activity.supporting_agencies.all()),
            activity.indicator,
            activity.unit,
        ]
        obstacles, follow_ups = [], []
        for cell in row.cells:
            submitted = cell.submitted
            line += [
                cell.target,
                submitted.achieved_value if submitted else None,
                (_("terlambat") if submitted.is_late else _("ya")) if submitted else None,
            ]
            if submitted and submitted.obstacles:
                obstacles.append(f"{cell.period.code}: {submitted.obstacles}")
            if submitted and submitted.follow_up:
                follow_ups.append(f"{cell.period.code}: {submitted.follow_up}")
        ratio = row.achievement
        line += [
            activity.budget,
            activity.get_budget_source_display(),
            row.spent,
            round(float(ratio) * 100, 1) if ratio is not None else None,
            "\n".join(obstacles),
            "\n".join(follow_ups),
            str(row.status),
        ]
        # Choice labels are lazy translations; openpyxl wants plain values.
        sheet.append([spreadsheet_safe(str(v) if isinstance(v, Promise) else v) for v in line])
    _signature_block(sheet, plan, column=max(len(header) - 3, 1))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _signature_block(sheet, plan, column):
    """Place, date, position, space to sign, name and NIP under the table (after a blank row,
    so the table itself ends at the first empty row)."""
    signer = directory_selectors.signatory(directory_selectors.team_decree(plan.year))
    today = date_format(timezone.localdate(), "j F Y")
    lines = [
        None,
        f"{signer.place}, {today}",
        signer.position,
        None,
        None,
        None,
        signer.name or "( ............................................ )",
        _("NIP %(nip)s") % {"nip": signer.nip} if signer.nip else None,
    ]
    for line in lines:
        sheet.append([None] * (column - 1) + [spreadsheet_safe(line)])
        if line == signer.name:
            sheet.cell(row=sheet.max_row, column=column).font = Font(bold=True, underline="single")


def import_template(plan) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "RAT"
    sheet.append(FIXED_COLUMNS + [f"target_{p.code}" for p in plan.periods.all()])
    sheet.append(
        [
            "1.1",
            "pencegahan",
            "kolaborasi, komunikasi",
            "Rapat koordinasi deteksi dini",
            "Bakesbangpol",
            "Polres Jombang; Kodim 0814",
            "Rapat terlaksana",
            "kali",
            15000000,
            "APBD",
            "",
        ]
        + [1 for _p in plan.periods.all()]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------------------


class ImportRejected(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


@dataclass
class ParsedRow:
    line: int
    activity: Activity
    targets: dict
    supporting: list = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Lookup:
    """Case-insensitive lookups of choices by code or label, agencies by name or acronym."""

    def __init__(self):
        self.stages = _choice_map(Stage.choices)
        self.pillars = _choice_map(Pillar.choices)
        self.sources = _choice_map(BudgetSource.choices)
        self.agencies = {}
        for agency in Agency.objects.filter(active=True):
            for key in (agency.name, agency.acronym):
                if key:
                    self.agencies.setdefault(key.casefold(), agency)
        self.kecamatan = {}
        for region in Region.objects.kecamatan():
            self.kecamatan[region.code] = region
            self.kecamatan.setdefault(region.name.casefold(), region)


def _choice_map(choices):
    mapping = {}
    for value, label in choices:
        mapping[str(value).casefold()] = value
        mapping[str(label).casefold()] = value
    return mapping


def read_rows(upload):
    """The sheet's rows, or ImportRejected when the file is no readable Excel workbook.

    In read-only mode openpyxl parses the sheet while rows are read, so a damaged file can fail
    at either step, with zip, XML or value errors alike: all mean the same to the user.
    """
    book = None
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
        # Header, the allowed rows and one more to notice a file that is too long.
        return list(islice(book.active.iter_rows(values_only=True), MAX_IMPORT_ROWS + 2))
    except Exception:
        raise ImportRejected(
            [
                _(
                    "Berkas bukan Excel (.xlsx) yang valid. Simpan ulang dari "
                    "Excel sebagai .xlsx, lalu unggah lagi."
                )
            ]
        ) from None
    finally:
        if book is not None:
            book.close()


def parse(plan, raw_rows) -> list[ParsedRow]:
    if not raw_rows:
        raise ImportRejected([_("Berkas kosong.")])
    header = [_text(v).casefold() for v in raw_rows[0]]
    periods = {p.code.casefold(): p for p in plan.periods.all()}
    problems = []
    missing = [c for c in FIXED_COLUMNS if c in REQUIRED and c not in header]
    if missing:
        problems.append(
            _("Kolom wajib tidak ada di baris 1: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    for name in header:
        if name.startswith("target_") and name.removeprefix("target_") not in periods:
            problems.append(
                _("Kolom %(col)s tidak sesuai periode rencana (%(codes)s).")
                % {"col": name, "codes": ", ".join(p.upper() for p in periods)}
            )
    if problems:
        raise ImportRejected(problems)
    body = raw_rows[1:]
    if len(body) > MAX_IMPORT_ROWS:
        raise ImportRejected(
            [_("Paling banyak %(max)s baris sekali impor.") % {"max": MAX_IMPORT_ROWS}]
        )
    lookup = _Lookup()
    existing = set(plan.activities.values_list("code", flat=True))
    seen = {}
    parsed = []
    for line, values in enumerate(body, start=2):
        record = {header[i]: values[i] for i in range(min(len(header), len(values)))}
        if not any(_text(v) for v in record.values()):
            continue  # blank lines are ignored
        row_problems = []
        row = _parse_row(plan, line, record, lookup, periods, row_problems)
        code = _text(record.get("kode"))
        if code and code in existing:
            row_problems.append(_("kode %(code)s sudah ada di rencana") % {"code": code})
        elif code and code in seen:
            row_problems.append(
                _("kode %(code)s sama dengan baris %(other)s") % {"code": code, "other": seen[code]}
            )
        seen.setdefault(code, line)
        if row_problems:
            problems.append(
                _("Baris %(line)s: %(problems)s.")
                % {"line": line, "problems": "; ".join(row_problems)}
            )
        else:
            parsed.append(row)
    if problems:
        raise ImportRejected(problems)
    if not parsed:
        raise ImportRejected([_("Tidak ada baris kegiatan di berkas.")])
    return parsed


def _parse_row(plan, line, record, lookup, periods, problems):
    def required(column):
        value = _text(record.get(column))
        if not value:
            problems.append(_("%(col)s wajib diisi") % {"col": column})
        return value

    def choice(column, mapping, default=None):
        value = _text(record.get(column))
        if not value:
            return default
        if value.casefold() not in mapping:
            problems.append(
                _("%(col)s “%(value)s” tidak dikenal") % {"col": column, "value": value}
            )
        return mapping.get(value.casefold())

    def number(column, *, integer=False, limit):
        value = record.get(column)
        if value in (None, ""):
            return None
        try:
            parsed = Decimal(_text(value).replace(" ", ""))
        except InvalidOperation:
            problems.append(_("%(col)s harus berupa angka") % {"col": column})
            return None
        if not parsed.is_finite():
            problems.append(_("%(col)s harus berupa angka") % {"col": column})
            return None
        if parsed >= limit:
            problems.append(_("%(col)s terlalu besar") % {"col": column})
            return None
        if not integer and parsed.as_tuple().exponent < -2:
            problems.append(_("%(col)s paling banyak 2 angka desimal") % {"col": column})
            return None
        if parsed < 0:
            problems.append(_("%(col)s tidak boleh negatif") % {"col": column})
            return None
        if integer and parsed != parsed.to_integral_value():
            problems.append(_("%(col)s harus bilangan bulat") % {"col": column})
            return None
        return parsed

    code = required("kode")
    title = required("kegiatan")
    stage = choice("tahap", lookup.stages) if _text(record.get("tahap")) else required("tahap")
    pillars = set()
    for item in filter(None, (p.strip() for p in _text(record.get("pilar")).split(","))):
        if item.casefold() in lookup.pillars:
            pillars.add(lookup.pillars[item.casefold()])
        else:
            problems.append(_("pilar “%(value)s” tidak dikenal") % {"value": item})
    responsible = None
    name = required("penanggung_jawab")
    if name:
        responsible = lookup.agencies.get(name.casefold())
        if responsible is None:
            problems.append(_("instansi “%(name)s” tidak ditemukan") % {"name": name})
    supporting = []
    for item in filter(None, (s.strip() for s in _text(record.get("pendukung")).split(";"))):
        agency = lookup.agencies.get(item.casefold())
        if agency is None:
            problems.append(_("instansi pendukung “%(name)s” tidak ditemukan") % {"name": item})
        elif agency != responsible:
            supporting.append(agency)
    location = None
    kecamatan = _text(record.get("kecamatan"))
    if kecamatan:
        location = lookup.kecamatan.get(kecamatan) or lookup.kecamatan.get(kecamatan.casefold())
        if location is None:
            problems.append(_("kecamatan “%(value)s” tidak ditemukan") % {"value": kecamatan})
    budget = number("anggaran", integer=True, limit=MAX_BUDGET)
    indicator, unit = required("indikator"), required("satuan")
    activity = Activity(
        plan=plan,
        code=code[:20],
        stage=stage or "",
        pillars=ordered_pillars(pillars),
        title=title[:255],
        responsible_agency=responsible,
        indicator=indicator[:255],
        unit=unit[:50],
        budget=int(budget or 0),
        budget_source=choice("sumber_anggaran", lookup.sources, BudgetSource.APBD),
        location=location,
    )
    for text, limit in ((code, 20), (title, 255), (indicator, 255), (unit, 50)):
        if len(text) > limit:
            problems.append(
                _("“%(value)s…” terlalu panjang (paling banyak %(max)s karakter)")
                % {"value": text[:20], "max": limit}
            )
    targets = {}
    for key, period in periods.items():
        targets[period] = number(f"target_{key}", limit=MAX_TARGET)
    return ParsedRow(line=line, activity=activity, targets=targets, supporting=supporting)


@transaction.atomic
def import_plan(*, plan, upload, by) -> int:
    """Add the file's activities to a draft plan. Raises ImportRejected listing every problem;
    then nothing is saved."""
    if plan.is_locked:
        raise ImportRejected([_("Impor hanya untuk rencana berstatus draf.")])
    rows = parse(plan, read_rows(upload))
    for row in rows:
        try:
            services.activity_save(
                activity=row.activity, targets=row.targets, supporting=row.supporting, by=by
            )
        except ValidationError as error:
            # Leaving the atomic block with this exception undoes the rows already saved.
            raise ImportRejected(
                [
                    _("Baris %(line)s: %(problems)s.")
                    % {
                        "line": row.line,
                        "problems": "; ".join(m.rstrip(".") for m in error.messages),
                    }
                ]
            ) from None
    return len(rows)
