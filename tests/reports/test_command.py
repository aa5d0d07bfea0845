"""`manage.py render_report`: a PDF on good arguments, a clear message and exit code otherwise."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.reports.helpers import pdf_text

pytestmark = pytest.mark.django_db


def test_renders_the_period_report(year_2024, tmp_path):
    target = tmp_path / "b08.pdf"
    out = io.StringIO()
    call_command(
        "render_report",
        "--kind",
        "period",
        "--year",
        "2024",
        "--period",
        "B08",
        "--output",
        str(target),
        stdout=out,
    )
    assert "KabupatenJombangPeriodeB08" in pdf_text(target.read_bytes())
    # Told in Indonesian, the size grouped the Indonesian way ("48.213 byte").
    size = f"{target.stat().st_size:,}".replace(",", ".")
    assert out.getvalue().endswith(f": {target} ({size} byte)\n")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--kind", "period", "--year", "2024"], "memerlukan --period"),
        (["--kind", "period", "--year", "2024", "--period", "B99"], "Periode B99 tidak ada"),
        (["--kind", "annual", "--year", "2031"], "Belum ada Rencana Aksi Terpadu"),
        (["--kind", "annual", "--year", "1999"], "antara 2012 dan 2100"),
        (["--kind", "rat", "--year", "2024", "--period", "B08"], "hanya untuk --kind period"),
    ],
)
def test_bad_arguments_give_a_clear_message(year_2024, tmp_path, arguments, message):
    with pytest.raises(CommandError) as error:
        call_command("render_report", *arguments, "--output", str(tmp_path / "x.pdf"))
    assert message in str(error.value)
    assert not (tmp_path / "x.pdf").exists()


def test_bad_arguments_exit_non_zero(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(
        [
            sys.executable,
            str(manage),
            "render_report",
            "--kind",
            "quarterly",
            "--year",
            "2024",
            "--output",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "--kind" in result.stderr
