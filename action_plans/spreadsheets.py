"""Excel in and out of the action plan: the matrix as the province receives it, and the import
of a draft plan, all rows or none, every bad row listed with its line and reason."""

import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from action_plans import services
from action_plans.choices import BudgetSource, Pillar, Stage, ordered_pillars
from action_plans.models import Activity, Target
from core import sheets
from core.forms import parse_number, parse_rupiah
from core.imports import (
    SheetRefused,
    filled_rows,
    refuse_unpacking_too_much,
    sheet_rows,
    unknown_column_message,
)
from core.utils import single_spaced
from directory import selectors as directory_selectors
from directory.models import Agency, Region

MAX_IMPORT_ROWS = 2000
MAX_BUDGET = Decimal(2**63)  # PositiveBigIntegerField
MAX_TARGET = Decimal("1e10")  # DecimalField(max_digits=12, decimal_places=2)
# The import's columns: (key, header the clerk sees). A file may use the header in Indonesian or
# English, or the key (templates of earlier versions); targets follow as "Target <period>".
IMPORT_COLUMNS = [
    ("kode", gettext_lazy("Kode")),
    ("tahap", gettext_lazy("Tahap")),
    ("pilar", gettext_lazy("Pilar")),
    ("kegiatan", gettext_lazy("Kegiatan")),
    ("penanggung_jawab", gettext_lazy("Penanggung jawab")),
    ("pendukung", gettext_lazy("Instansi pendukung")),
    ("indikator", gettext_lazy("Indikator keberhasilan")),
    ("satuan", gettext_lazy("Satuan")),
    ("anggaran", gettext_lazy("Anggaran (Rp)")),
    ("sumber_anggaran", gettext_lazy("Sumber anggaran")),
    ("kecamatan", gettext_lazy("Kecamatan")),
]
REQUIRED = {"kode", "tahap", "kegiatan", "penanggung_jawab", "indikator", "satuan"}
# Model fields named in full_clean() errors, and the column the clerk typed them in.
FIELD_COLUMNS = {
    "code": "kode",
    "stage": "tahap",
    "pillars": "pilar",
    "title": "kegiatan",
    "responsible_agency": "penanggung_jawab",
    "indicator": "indikator",
    "unit": "satuan",
    "budget": "anggaran",
    "budget_source": "sumber_anggaran",
    "location": "kecamatan",
}
ALLOWED_SHEET = gettext_lazy("Pilihan")


def target_label(code) -> str:
    return _("Target %(code)s") % {"code": code}


# --- export ------------------------------------------------------------------------------------


def title_rows(plan) -> list[list]:
    """The lines above the matrix header; a report layout may pass its own. The title names
    the regency as the RAT document (reports app) does."""
    return [
        [
            _("Rencana Aksi Terpadu Penanganan Konflik Sosial %(regency)s Tahun %(year)s")
            % {"regency": directory_selectors.regency_title(), "year": plan.year}
        ],
        [_("Dasar penetapan: %(ref)s") % {"ref": plan.decree_reference or "-"}],
    ]


def matrix_workbook(plan, rows, *, above=None) -> bytes:
    """One row per activity, target and realisation columns per period, grouped by stage.

    `above` are the rows written before the header (default: `title_rows(plan)`); the header's
    row follows them, frozen and with an autofilter, so Excel keeps it in view while scrolling.
    """
    periods = list(plan.periods.all())
    above = title_rows(plan) if above is None else above
    book = Workbook()
    sheet = book.active
    sheet.title = f"RAT {plan.year}"
    for line in above:
        sheet.append(sheets.cells(sheet, line))
    if above:
        sheet["A1"].font = Font(bold=True, size=12)
    # (header, width) in the order of the columns
    header = [
        (_("No."), 5),
        (_("Kode"), 8),
        (_("Tahap"), 14),
        (_("Kegiatan"), 40),
        (_("Pilar"), 24),
        (_("Penanggung jawab"), 28),
        (_("Instansi pendukung"), 28),
        (_("Indikator keberhasilan"), 28),
        (_("Satuan"), 10),
    ]
    for period in periods:
        header += [
            (_("Target %(code)s") % {"code": period.code}, 10),
            (_("Realisasi %(code)s") % {"code": period.code}, 11),
            (_("Tepat waktu %(code)s") % {"code": period.code}, 11),
        ]
    header += [
        (_("Anggaran (Rp)"), 16),
        (_("Sumber"), 10),
        (_("Realisasi anggaran (Rp)"), 16),
        (_("Capaian (%)"), 10),
        (_("Kendala"), 30),
        (_("Tindak lanjut"), 30),
        (_("Status"), 16),
    ]
    sheet.append(sheets.cells(sheet, [title for title, _width in header]))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = sheets.HEADER_FONT
        cell.alignment = sheets.HEADER_ALIGNMENT
    for index, (_title, width) in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
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
        # One activity's own achievement, past 100% when exceeded (the matrix shows the same);
        # the capped figure is for averages across activities.
        ratio = row.achievement_uncapped
        line += [
            activity.budget,
            activity.get_budget_source_display(),
            row.spent,
            round(float(ratio) * 100, 1) if ratio is not None else None,
            "\n".join(obstacles),
            "\n".join(follow_ups),
            str(row.status),
        ]
        sheet.append(sheets.cells(sheet, line))
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{sheet.max_row}"
    _signature_block(sheet, plan, column=max(len(header) - 3, 1))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _signature_block(sheet, plan, column):
    """Place, date, position, space to sign, name and NIP under the table (after a blank row,
    so the table itself ends at the first empty row), as on the RAT document."""
    signer = directory_selectors.signatory(directory_selectors.team_decree(plan.year))
    today = date_format(timezone.localdate(), "j F Y")
    name = signer.name or "( ............................................ )"
    lines = [
        None,
        f"{signer.place}, {today}",
        signer.position,
        None,
        None,
        None,
        name,
        _("NIP %(nip)s") % {"nip": signer.nip} if signer.nip else None,
    ]
    for line in lines:
        sheet.append(sheets.cells(sheet, [None] * (column - 1) + [line]))
        if line == name:
            sheet.cell(row=sheet.max_row, column=column).font = Font(bold=True, underline="single")


def import_template(plan) -> bytes:
    """An import file to fill: Indonesian headers, one example row, and a second sheet with the
    allowed stages, pillars, budget sources, agencies and kecamatan."""
    periods = list(plan.periods.all())
    book = Workbook()
    sheet = book.active
    sheet.title = "RAT"
    header = [str(label) for _key, label in IMPORT_COLUMNS] + [
        target_label(p.code) for p in periods
    ]
    sheet.append(sheets.cells(sheet, header))
    for cell in sheet[1]:
        cell.font = sheets.HEADER_FONT
        cell.alignment = sheets.HEADER_ALIGNMENT
    widths = [8, 14, 28, 40, 24, 28, 28, 10, 14, 14, 16] + [10] * len(periods)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    agencies = list(Agency.objects.filter(active=True).order_by("acronym", "name"))
    shared = Counter(a.acronym.casefold() for a in agencies if a.acronym)

    def key(agency):
        # What the import takes for it: its acronym, unless another agency has it too.
        if agency.acronym and shared[agency.acronym.casefold()] == 1:
            return agency.acronym
        return agency.name

    example_agencies = sorted(agencies, key=lambda a: a.name)[:3]
    acronyms = [key(a) for a in example_agencies] or ["Bakesbangpol"]
    example = [
        "1.1",
        str(Stage.PENCEGAHAN.label),
        ", ".join(str(p.label) for p in (Pillar.KOLABORASI, Pillar.KOMUNIKASI)),
        _("Rapat koordinasi deteksi dini"),
        acronyms[0],
        "; ".join(acronyms[1:]),
        _("Rapat terlaksana"),
        _("kali"),
        15000000,
        str(BudgetSource.APBD.label),
        "",
    ] + [1 for _p in periods]
    # Agency names are typed by people (forms refuse only NUL): cells() drops what a workbook
    # cannot hold.
    sheet.append(sheets.cells(sheet, example))
    sheets.allowed_values_sheet(
        book,
        str(ALLOWED_SHEET),
        [
            (_("Tahap"), [(label, value) for value, label in Stage.choices]),
            (_("Pilar"), [(label, value) for value, label in Pillar.choices]),
            (_("Sumber anggaran"), [(label, value) for value, label in BudgetSource.choices]),
            (_("Instansi"), [(key(a), a.name) for a in agencies]),
            (_("Kecamatan"), [(r.code, r.name) for r in Region.objects.kecamatan()]),
        ],
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
        # A full name names one agency; an acronym may be shared ("Kesbangpol" of two offices):
        # such a one is refused by name instead of taking whichever came first.
        self.agency_names, self.agency_acronyms = {}, defaultdict(list)
        for agency in Agency.objects.filter(active=True).order_by("name"):
            self.agency_names.setdefault(agency.name.casefold(), agency)
            if agency.acronym:
                self.agency_acronyms[agency.acronym.casefold()].append(agency)
        self.kecamatan = {}
        for region in Region.objects.kecamatan():
            self.kecamatan[region.code] = region
            self.kecamatan.setdefault(region.name.casefold(), region)

    def agency(self, key: str):
        """(the agency, the agencies an ambiguous acronym could mean). Names are compared as
        the agency's unique name is: letter case and spacing aside."""
        key = single_spaced(key).casefold()
        if key in self.agency_names:
            return self.agency_names[key], []
        found = self.agency_acronyms.get(key, [])
        if len(found) == 1:
            return found[0], []
        return None, found


def _choice_map(choices):
    """Codes and labels, the labels in every language of the portal (see _header_keys)."""
    mapping = {}
    for language in sorted({code for code, _name in settings.LANGUAGES} | {"id"}):
        with translation.override(language):
            for value, label in choices:
                mapping[str(value).casefold()] = value
                mapping[str(label).casefold()] = value
    return mapping


def plan_sheet(book):
    """The sheet holding the plan: the template's "RAT" (an export's "RAT 2025"), else the
    first one. Not whichever was open when the file was saved: a clerk who looked something up
    on "Pilihan" would have that sheet read."""
    for sheet in book.worksheets:
        if sheet.title.strip().casefold().startswith("rat"):
            return sheet
    return book.worksheets[0]


def read_rows(upload):
    """The sheet's rows (a cell merged over several rows read in each of them: core.imports.
    sheet_rows), or ImportRejected when the file is no readable Excel workbook.

    In read-only mode openpyxl parses the sheet while rows are read, so a damaged file can fail
    at either step, with zip, XML or value errors alike: all mean the same to the user.
    """
    book = None
    try:
        refuse_unpacking_too_much(upload)
        book = load_workbook(upload, read_only=True, data_only=True)
        return _filled_rows(sheet_rows(plan_sheet(book), max_row=MAX_SCANNED_ROWS + 1))
    except SheetRefused as error:
        raise ImportRejected([str(error)]) from None
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


# Rows a sheet may hold before its last filled one: rows with only borders or colours count
# as rows to openpyxl (a template formatted down to row 2,500 held 40 activities).
MAX_SCANNED_ROWS = 20 * MAX_IMPORT_ROWS


def _filled_rows(rows) -> list:
    """The header, then every row up to the last one with a value (blank ones kept, so a row's
    number is its line in Excel), stopping at one filled row past the allowed number (to notice
    a file that is too long) or after MAX_SCANNED_ROWS rows."""
    kept = []
    for count, (line, values) in enumerate(
        filled_rows(islice(rows, MAX_SCANNED_ROWS + 1)), start=1
    ):
        kept += [()] * (line - 1 - len(kept))
        kept.append(values)
        if count > MAX_IMPORT_ROWS + 1:
            break
    return kept


def _header_keys(periods) -> dict:
    """Every spelling of a header the import understands, casefolded, to its key."""
    keys = {}
    # Every language of the portal: a template downloaded by a colleague working in English is
    # imported by one working in Indonesian.
    languages = {code for code, _name in settings.LANGUAGES} | {"id"}
    for language in sorted(languages):
        with translation.override(language):
            for key, label in IMPORT_COLUMNS:
                keys[str(label).casefold()] = key
            for code in periods:
                keys[target_label(code.upper()).casefold()] = f"target_{code}"
    for key, _label in IMPORT_COLUMNS:
        keys[key] = key
    for code in periods:
        keys[f"target_{code}"] = f"target_{code}"
    return keys


def column_label(key) -> str:
    """The header the clerk sees for a column key, quoted, for messages."""
    labels = {k: str(label) for k, label in IMPORT_COLUMNS}
    label = labels.get(key) or target_label(key.removeprefix("target_").upper())
    return f"“{label}”"


def parse(plan, raw_rows) -> list[ParsedRow]:
    if not raw_rows:
        raise ImportRejected([_("Berkas kosong.")])
    periods = {p.code.casefold(): p for p in plan.periods.all()}
    known = _header_keys(periods)
    header = []
    problems = []
    for value in raw_rows[0]:
        text = single_spaced(_text(value))
        key = known.get(text.casefold())
        if key is None and text.casefold().startswith(("target_", "target ")):
            problems.append(
                _("Kolom “%(col)s” tidak sesuai periode rencana (%(codes)s).")
                % {"col": text, "codes": ", ".join(p.upper() for p in periods)}
            )
        elif key is None and text:
            problems.append(unknown_column_message(text, [label for _k, label in IMPORT_COLUMNS]))
        elif key is not None and key in header:
            # Two "Target B04" columns: one of them was silently lost.
            problems.append(_("Kolom “%(col)s” ada dua kali.") % {"col": text})
        header.append(key or "")
    missing = [str(label) for key, label in IMPORT_COLUMNS if key in REQUIRED and key not in header]
    if missing:
        problems.insert(
            0, _("Kolom wajib tidak ada di baris 1: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    if problems:
        raise ImportRejected(problems)
    body = raw_rows[1:]
    if sum(1 for values in body if any(_text(v) for v in values)) > MAX_IMPORT_ROWS:
        raise ImportRejected(
            [_("Paling banyak %(max)s baris sekali impor.") % {"max": MAX_IMPORT_ROWS}]
        )
    lookup = _Lookup()
    existing = set(plan.activities.values_list("code", flat=True))
    seen = {}
    parsed = []
    for line, values in enumerate(body, start=2):
        record = {header[i]: values[i] for i in range(min(len(header), len(values))) if header[i]}
        # Excel pads every row to the sheet's used width: what was typed under no header would
        # be lost without a word.
        if any(_text(v) for i, v in enumerate(values) if i >= len(header) or not header[i]):
            problems.append(
                _(
                    "Baris %(line)s berisi data di kolom tanpa judul. Beri judul kolom itu atau "
                    "hapus isinya."
                )
                % {"line": line}
            )
            continue
        if not any(_text(v) for v in record.values()):
            continue  # blank lines are ignored
        row_problems = []
        row = _parse_row(plan, line, record, lookup, periods, row_problems)
        code = _text(record.get("kode"))
        if code and code in existing:
            row_problems.append(
                _("kolom %(col)s: %(code)s sudah ada di rencana")
                % {"col": column_label("kode"), "code": code}
            )
        elif code and code in seen:
            row_problems.append(
                _("kolom %(col)s: %(code)s sama dengan baris %(other)s")
                % {"col": column_label("kode"), "code": code, "other": seen[code]}
            )
        seen.setdefault(code, line)
        if not row_problems:
            # The model's own rules, the same the form and the service apply.
            row_problems.extend(_model_problems(row.activity))
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


def _model_problems(activity) -> list[str]:
    """`full_clean()`'s messages, each led by the column it concerns. Only called for a row
    without other problems, so a code already in the plan was reported above, with its line."""
    try:
        activity.full_clean()
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            column = FIELD_COLUMNS.get(name)
            for message in messages:
                message = message.rstrip(".")
                if column:
                    message = _("kolom %(col)s: %(message)s") % {
                        "col": column_label(column),
                        "message": message,
                    }
                problems.append(message)
        return problems
    return []


def _parse_row(plan, line, record, lookup, periods, problems):
    def required(column):
        value = _text(record.get(column))
        if not value:
            problems.append(_("kolom %(col)s wajib diisi") % {"col": column_label(column)})
        return value

    def unknown(column, value):
        problems.append(
            _("kolom %(col)s: “%(value)s” tidak dikenal (lihat lembar %(sheet)s)")
            % {"col": column_label(column), "value": value, "sheet": ALLOWED_SHEET}
        )

    def choice(column, mapping, default=None):
        value = _text(record.get(column))
        if not value:
            return default
        if value.casefold() not in mapping:
            unknown(column, value)
        return mapping.get(value.casefold())

    def number(column, *, integer=False, limit):
        """A cell Excel holds as a number, taken as it is (text goes to `rupiah` or `measure`)."""
        value = record.get(column)
        if value in (None, ""):
            return None
        label = column_label(column)
        try:
            parsed = Decimal(_text(value))
        except InvalidOperation:
            problems.append(_("kolom %(col)s harus berupa angka") % {"col": label})
            return None
        if not parsed.is_finite():
            problems.append(_("kolom %(col)s harus berupa angka") % {"col": label})
            return None
        if parsed >= limit:
            problems.append(_("kolom %(col)s terlalu besar") % {"col": label})
            return None
        if not integer and parsed.as_tuple().exponent < -2:
            problems.append(_("kolom %(col)s paling banyak 2 angka desimal") % {"col": label})
            return None
        if parsed < 0:
            problems.append(_("kolom %(col)s tidak boleh negatif") % {"col": label})
            return None
        if integer and parsed != parsed.to_integral_value():
            problems.append(_("kolom %(col)s harus bilangan bulat") % {"col": label})
            return None
        return parsed

    def typed(column, parse, messages, *, limit, integer=False):
        """A number cell as it is; text read by `parse` as the form's box reads it, a refusal
        told in the column's words (`messages`, by the parser's error code)."""
        value = record.get(column)
        if not isinstance(value, str):
            return number(column, integer=integer, limit=limit)
        label = column_label(column)
        try:
            parsed = parse(value)
        except ValidationError as error:
            problems.append(messages[error.code] % {"col": label})
            return None
        if parsed is not None and parsed < 0:
            problems.append(_("kolom %(col)s tidak boleh negatif") % {"col": label})
            return None
        if parsed is not None and parsed >= limit:
            problems.append(_("kolom %(col)s terlalu besar") % {"col": label})
            return None
        return parsed

    def rupiah(column):
        """Whole rupiah, read as the portal's forms read them: "Rp 1.250.000" is taken and
        "7.50" refused rather than read as Rp 7 or Rp 750."""
        messages = {
            "invalid": _("kolom %(col)s harus berupa angka"),
            "decimal": _("kolom %(col)s harus bilangan bulat"),
            "grouping": _(
                "kolom %(col)s: pisahkan ribuan dengan titik, tiga angka per kelompok "
                "(misalnya 1.250.000)"
            ),
            "max_value": _("kolom %(col)s terlalu besar"),
        }
        return typed(column, parse_rupiah, messages, limit=MAX_BUDGET, integer=True)

    def measure(column):
        """A target, read as the target boxes of the activity form read it ("1.500" is 1500,
        "1,5" one and a half, "7.50" and "1,500" refused)."""
        places = Target._meta.get_field("value").decimal_places
        messages = {
            "invalid": _("kolom %(col)s harus berupa angka"),
            "grouping": _(
                "kolom %(col)s: pisahkan ribuan dengan titik dan desimal dengan koma "
                "(misalnya 1.500 atau 2,5)"
            ),
            "ambiguous": _(
                "kolom %(col)s: koma menandai desimal; tulis 1.500 untuk seribu lima ratus "
                "atau 1,5 untuk satu setengah"
            ),
            "max_decimal_places": _("kolom %(col)s paling banyak 2 angka desimal"),
        }
        return typed(
            column,
            lambda text: parse_number(text, decimal_places=places),
            messages,
            limit=MAX_TARGET,
        )

    def agency(column, name):
        found, could_be = lookup.agency(name)
        if could_be:
            problems.append(
                _(
                    "kolom %(col)s: “%(name)s” bisa berarti %(names)s; tulis nama lengkap "
                    "instansinya"
                )
                % {
                    "col": column_label(column),
                    "name": name,
                    "names": ", ".join(f"“{a.name}”" for a in could_be),
                }
            )
        elif found is None:
            problems.append(
                _("kolom %(col)s: instansi “%(name)s” tidak ditemukan (lihat lembar %(sheet)s)")
                % {"col": column_label(column), "name": name, "sheet": ALLOWED_SHEET}
            )
        return found

    code = required("kode")
    title = required("kegiatan")
    stage = choice("tahap", lookup.stages) if _text(record.get("tahap")) else required("tahap")
    pillars = set()
    for item in filter(None, (p.strip() for p in _text(record.get("pilar")).split(","))):
        if item.casefold() in lookup.pillars:
            pillars.add(lookup.pillars[item.casefold()])
        else:
            unknown("pilar", item)
    responsible = None
    name = required("penanggung_jawab")
    if name:
        responsible = agency("penanggung_jawab", name)
    supporting = []
    for item in filter(None, (s.strip() for s in _text(record.get("pendukung")).split(";"))):
        found = agency("pendukung", item)
        if found is not None:
            # Kept even when it is the responsible agency: the model refuses that row with the
            # message the form shows.
            supporting.append(found)
    location = None
    kecamatan = _text(record.get("kecamatan"))
    if kecamatan:
        location = lookup.kecamatan.get(kecamatan) or lookup.kecamatan.get(kecamatan.casefold())
        if location is None:
            unknown("kecamatan", kecamatan)
    budget = rupiah("anggaran")
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
    for column, text, limit in (
        ("kode", code, 20),
        ("kegiatan", title, 255),
        ("indikator", indicator, 255),
        ("satuan", unit, 50),
    ):
        if len(text) > limit:
            problems.append(
                _("kolom %(col)s terlalu panjang (paling banyak %(max)s karakter)")
                % {"col": column_label(column), "max": limit}
            )
    targets = {}
    for key, period in periods.items():
        targets[period] = measure(f"target_{key}")
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
