"""scripts/localdb.sh: the project-local cluster admits only its owner, and only with the generated
password. Runs the script in a throwaway copy of the project, never against the real .pgdata/."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINDIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))

pytestmark = pytest.mark.skipif(not BINDIRS, reason="PostgreSQL server binaries not installed")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "localdb.sh", tmp_path / "scripts" / "localdb.sh")
    script = tmp_path / "scripts" / "localdb.sh"
    yield tmp_path
    subprocess.run([script, "stop"], capture_output=True, timeout=60)


def run(*args, **env):
    return subprocess.run(
        args, capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )


def psql(project, password):
    return run(
        str(BINDIRS[-1] / "psql"),
        "-h", str(project / ".pgdata" / "run"), "-U", "portal", "-d", "portal", "-w",
        "-tAc", "SELECT 1",
        PGPASSWORD=password,
    )  # fmt: skip


def test_local_cluster_needs_the_generated_password_and_hides_its_socket(project):
    started = run(str(project / "scripts" / "localdb.sh"), "start")
    assert started.returncode == 0, started.stderr

    pgdata = project / ".pgdata"
    password_file = pgdata / "db-password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((pgdata / "run").stat().st_mode) == 0o700
    assert stat.S_IMODE(pgdata.stat().st_mode) == 0o700
    password = password_file.read_text().strip()
    assert len(password) >= 32

    assert psql(project, password).stdout.strip() == "1"
    refused = psql(project, "")
    assert refused.returncode != 0
    assert "password" in refused.stderr
    assert psql(project, "not-the-password").returncode != 0
