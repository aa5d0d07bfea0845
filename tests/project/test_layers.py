"""The apps form one-way layers: the import-linter contract in `make lint` holds
on the code as it is, and breaks as soon as a lower app imports a higher one."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SOURCES = ["pyproject.toml", "jombang_portal", "dashboard", "action_plans", "incidents"]
SOURCES += ["accounts", "directory", "core", "evaluations", "reports"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_layers_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, tmp_path / name)
    (tmp_path / "directory" / "upward.py").write_text("from dashboard import views  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "directory is not allowed to import dashboard" in result.stdout
