"""Saves of the evaluation framework sent at the same moment, each on its own database
connection (found by the fuzzing campaign: a double tap on "Simpan bobot")."""

from decimal import Decimal

import pytest

from evaluations import services
from evaluations.models import Framework
from evaluations.selectors import framework_for
from tests.evaluations.test_services import weights
from tests.helpers import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_weights_saved_at_once_for_a_new_year_make_one_version(default_framework, sekretariat):
    pillars, indicators = weights(framework_for(2027))
    pillars.update(kolaborasi=Decimal(40), komunikasi=Decimal(20), inklusivitas=Decimal(15))

    def save(_index):
        return services.framework_weights_update(
            year=2027, pillar_weights=pillars, indicator_weights=indicators, by=sekretariat
        ).valid_from

    saved, errors = run_in_threads(4, save)

    assert errors == []
    assert saved == [2027] * 4
    assert list(Framework.objects.order_by("valid_from").values_list("valid_from", flat=True)) == [
        2012,
        2027,
    ]
    assert framework_for(2027).pillars.get(code="kolaborasi").weight == 40
    assert framework_for(2026).pillars.get(code="kolaborasi").weight == 25
