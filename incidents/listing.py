"""The report list's rows, drawn in Python.

The list draws every report twice (a card on a phone, a table row on a wider screen). Through
the template engine those two loops were a fifth of the page's CPU at 25 rows (about 17,600 of
its 87,600 Python calls): every `{{ row.x }}` is a variable lookup, a localisation and an
escape. Here each text is escaped once and both pieces of markup are plain string formatting.
The page template keeps the list's frame (headers, the empty message, pagination) and puts
these rows where its loops were.
"""

from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.badges import badge_html
from core.choices import choice_label
from incidents.choices import Confidentiality
from incidents.models import Incident


@dataclass(frozen=True, slots=True)
class ListRow:
    """One report as the list shows it, worked out once. Every text field holds HTML: escaped
    here, or a badge drawn by `badge_html`."""

    url: str
    reference: str
    title: str
    occurred: str
    restricted: bool
    kind: str
    kecamatan: str
    desa: str
    status: str
    risk: str
    needs_completion: bool

    @classmethod
    def of(cls, incident: Incident) -> "ListRow":
        return cls(
            url=escape(incident.get_absolute_url()),
            reference=escape(incident.reference),
            title=escape(incident.title),
            occurred=escape(
                date_format(timezone.localtime(incident.occurred_at), "SHORT_DATE_FORMAT")
            ),
            restricted=incident.confidentiality == Confidentiality.TERBATAS,
            kind=escape(str(choice_label(incident, "kind"))),
            kecamatan=escape(incident.kecamatan.name),
            desa=escape(incident.desa.name) if incident.desa else "",
            status=badge_html(incident, "status"),
            risk=badge_html(incident, "risk_level", testid="risk"),
            needs_completion=incident.needs_completion,
        )


@dataclass(frozen=True, slots=True)
class ListMarkup:
    """The rows of one page: `cards` for phones (`<li>`s), `table_rows` for the table (`<tr>`s);
    both empty when no report matches (the template then says so)."""

    cards: SafeString
    table_rows: SafeString


def list_markup(rows: list[ListRow]) -> ListMarkup:
    # Named for screen readers (a title alone is not read, nor shown on a phone).
    restricted = escape(_("Terbatas"))
    lock = (
        f'<i class="bi bi-lock-fill text-danger" title="{restricted}" aria-hidden="true"></i>'
        f'<span class="visually-hidden">{restricted}</span>'
    )
    completion = '<span class="badge text-bg-warning">{}</span>'.format(
        escape(_("Perlu dilengkapi"))
    )
    cards = []
    table_rows = []
    for row in rows:
        place = f"{row.kecamatan}, {row.desa}" if row.desa else row.kecamatan
        to_complete = f" {completion}" if row.needs_completion else ""
        cards.append(
            '<li class="card mb-2"><div class="card-body p-2">\n'
            '<div class="d-flex justify-content-between gap-2 small">\n'
            f'<a href="{row.url}" class="fw-semibold">{row.reference}</a>\n'
            f'<span class="text-body-secondary text-nowrap">{row.occurred}</span>\n'
            "</div>\n"
            f'<div class="text-break">{f"{lock} " if row.restricted else ""}{row.title}</div>\n'
            f'<div class="small text-body-secondary">{row.kind} · {place}</div>\n'
            f'<div class="d-flex flex-wrap gap-1 mt-1">{row.status} {row.risk}{to_complete}</div>\n'
            "</div></li>\n"
        )
        desa = f'<div class="small text-body-secondary">{row.desa}</div>' if row.desa else ""
        table_rows.append(
            "<tr>\n"
            f'<td class="text-nowrap"><a href="{row.url}">{row.reference}</a>'
            f"{f' {lock}' if row.restricted else ''}</td>\n"
            f'<td>{row.title}<div class="small text-body-secondary">{row.kind}</div></td>\n'
            f'<td class="text-nowrap">{row.occurred}</td>\n'
            f"<td>{row.kecamatan}{desa}</td>\n"
            f"<td>{row.risk}</td>\n"
            f"<td>{row.status}{to_complete}</td>\n"
            "</tr>\n"
        )
    return ListMarkup(cards=mark_safe("".join(cards)), table_rows=mark_safe("".join(table_rows)))
