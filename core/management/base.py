"""The base of the portal's management commands."""

from django.core.management import base


class BaseCommand(base.BaseCommand):
    """Django's BaseCommand with a `help` that may be a lazy translation (gettext_lazy), as the
    portal's commands' help is: argparse runs a regular expression over the description, which
    fails on a lazy string ("expected string or bytes-like object"), so `--help` crashed."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.description is not None:
            # In the language active when the parser is made, as the arguments' help is.
            parser.description = str(parser.description)
        return parser
