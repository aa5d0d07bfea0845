"""Every management command of the portal shows its help: a lazily translated description
crashed argparse's formatting of `--help` (core.management.base.BaseCommand)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PORTAL_APPS = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
COMMANDS = sorted((name, app) for name, app in get_commands().items() if app in PORTAL_APPS)


def test_the_portal_has_commands():
    assert ("import_regions", "directory") in COMMANDS


@pytest.mark.parametrize(("name", "app"), COMMANDS)
def test_the_help_of_every_command_can_be_shown(name, app):
    with translation.override("id"):
        text = load_command_class(app, name).create_parser("manage.py", name).format_help()
    assert f"usage: manage.py {name}" in text
