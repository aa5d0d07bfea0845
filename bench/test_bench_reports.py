"""`make bench` for the official PDFs as a test (issue 9): bench/pdf.py's rows for a
demo-sized year and a 10,000-report year, one run each after a warm-up (the forkserver starts
cold), against the targets there."""

import pytest

from bench import pdf
from tests.conftest import ensure_roles

pytestmark = pytest.mark.django_db


def test_report_speed_and_memory():
    ensure_roles()
    lines, ok = pdf.rows(runs=1, warmup=1)
    print("\n" + "\n".join(lines))
    assert ok, "\n".join(lines)
