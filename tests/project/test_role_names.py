"""Role names live only in the apps' rules.py (and migrations, which freeze them): views,
services, forms, querysets, templates and context processors ask `has_perm` for a named
permission instead (issue 7 item 2)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["jombang_portal", "dashboard", "reports", "evaluations", "action_plans", "incidents"]
APPS += ["accounts", "directory", "core", "templates"]
ROLE_CHECK = re.compile(
    r"has_role\(|user_roles|Role\.(PETUGAS|SEKRETARIAT|PIMPINAN|ADMIN)|RoleRequiredMixin"
)
ALLOWED = {
    # Where the roles are defined, and the commands that give the demo and bench users their
    # Groups: membership data, not a decision about what a role may do.
    "accounts/choices.py",
    "dashboard/management/commands/seed_demo.py",
    "dashboard/benchdata.py",
}


def role_mentions(root: Path) -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if (
                path.suffix not in (".py", ".html")
                or path.name == "rules.py"
                or "/migrations/" in relative
                or relative in ALLOWED
            ):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ROLE_CHECK.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_role_name_outside_rules():
    assert role_mentions(ROOT) == []


def test_a_role_check_in_a_view_is_found(tmp_path):
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "views.py").write_text("ok = user.has_role(Role.PIMPINAN)\n")
    (tmp_path / "incidents" / "rules.py").write_text("is_leader = holds_role(Role.PIMPINAN)\n")
    assert role_mentions(tmp_path) == ["incidents/views.py:1: ok = user.has_role(Role.PIMPINAN)"]
