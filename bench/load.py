"""The load test of `make bench`: gunicorn on 127.0.0.1 and 50 clients for 60 s, each signed in
as a bench user, mixing reads (list, filtered list, a report, the dashboard) and submissions of
new reports through the intake form. An asyncio client on the standard library (HTTP/1.1 with
keep-alive), so the bench needs no load-testing package.

Reports requests per second, the median and 95th percentile latency and the errors (any
answer other than the expected one, or no answer). Run by bench/run.py (`--load`).
"""

import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="(csrfmiddlewaretoken|submission_token)" value="([^"]+)"')
REQUEST_TIMEOUT = 30  # seconds; longer counts as an error
FEEDBACK = re.compile(r"(?:invalid-feedback|alert-danger)[^>]*>\s*([^<]+)")
# What each client does, by weight: reads mostly, about one in ten a new report.
MIX = [("list", 30), ("filtered", 15), ("detail", 20), ("dashboard", 25), ("submit", 10)]


@dataclass
class Tally:
    latencies: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    by_kind: dict = field(default_factory=dict)


class Session:
    """One client: a keep-alive connection and a cookie jar."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.reader = self.writer = None

    async def request(self, method, path, body=None):
        reused = self.writer is not None
        try:
            return await self._request(method, path, body)
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            # A kept-alive connection the server closed while idle (gunicorn's threaded
            # workers close them after `keepalive` seconds) answers nothing at all: like any
            # HTTP client, send the request again once on a new connection. A request that
            # got part of an answer is an error.
            self.writer = None
            if not (reused and getattr(error, "before_answer", False)):
                raise
            return await self._request(method, path, body)

    async def _request(self, method, path, body=None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        headers = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Connection: keep-alive",
            "Accept-Language: id",
        ]
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        payload = b""
        if body is not None:
            payload = urlencode(body).encode()
            headers += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(payload)}",
                f"Origin: http://127.0.0.1:{self.port}",
                f"Referer: http://127.0.0.1:{self.port}{path}",
            ]
        try:
            self.writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + payload)
            await self.writer.drain()
            status_line = await self.reader.readline()
        except ConnectionError as error:
            error.before_answer = True
            raise
        if not status_line:
            closed = ConnectionError("closed")
            closed.before_answer = True
            raise closed
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
        if chunked:
            parts = []
            while (size := int((await self.reader.readline()).strip() or b"0", 16)) > 0:
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            content = b"".join(parts)
        else:
            content = await self.reader.readexactly(length) if length else b""
        if close:
            self.writer.close()
            self.writer = None
        return status, content.decode("utf-8", "replace")

    async def login(self, username, password):
        _status, page = await self.request("GET", "/akun/masuk/")
        tokens = dict(TOKEN.findall(page))
        status, _ = await self.request(
            "POST",
            "/akun/masuk/",
            {
                "csrfmiddlewaretoken": tokens.get("csrfmiddlewaretoken", ""),
                "username": username,
                "password": password,
            },
        )
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}")


async def client(session, user, clock, tally, rng):
    kinds, weights = zip(*MIX, strict=True)
    while time.perf_counter() < clock["deadline"]:
        kind = rng.choices(kinds, weights)[0]
        started = time.perf_counter()
        try:
            ok = await asyncio.wait_for(ACTIONS[kind](session, user, rng), REQUEST_TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as error:
            ok, session.writer = f"{type(error).__name__}", None
        elapsed = (time.perf_counter() - started) * 1000
        tally.latencies.append(elapsed)
        tally.by_kind.setdefault(kind, []).append(elapsed)
        if ok is not True:
            tally.errors.append(f"{kind}: {ok}")


async def _get(session, path):
    status, _ = await session.request("GET", path)
    return True if status == 200 else status


async def read_list(session, user, rng):
    return await _get(session, "/laporan/")


async def read_filtered(session, user, rng):
    status = rng.choice(["diajukan", "diverifikasi", "ditangani", "selesai"])
    return await _get(session, f"/laporan/?kecamatan={user['kecamatan']}&status={status}")


async def read_detail(session, user, rng):
    return await _get(session, f"/laporan/{rng.choice(user['reports'])}/")


async def read_dashboard(session, user, rng):
    return await _get(session, "/")


async def submit(session, user, rng):
    """A new report as a field officer files it: the form, then the post (a redirect)."""
    status, page = await session.request("GET", "/laporan/baru/")
    if status != 200:
        return status
    tokens = dict(TOKEN.findall(page))
    occurred = (user["now"] - timedelta(hours=rng.randint(1, 200))).strftime("%Y-%m-%dT%H:%M")
    data = {
        **tokens,
        "kind": "potensi",
        "title": f"Ketegangan antarwarga (BENCH) {uuid.uuid4().hex[:8]}",
        "chronology": "Warga dua dusun berselisih soal batas tanah; aparat desa menengahi.",
        "occurred_at": occurred,
        "occurred_precision": "hari",
        "information_source": "bhabinkamtibmas",
        "kecamatan": user["kecamatan"],
        "desa": user["desa"],
        "address": "Dusun Krajan",
        "location_precision": "desa",
        "conflict_source": "sda",
        "aspect": "sosial_budaya",
        "form": "sengketa_lahan",
        "likelihood": "2",
        "impact": "2",
        "stage": "pencegahan",
        "confidentiality": "internal",
        # A full report names at least one party.
        "parties-TOTAL_FORMS": "1",
        "parties-0-name": "Warga Dusun Krajan",
        "parties-0-party_type": "warga",
        "parties-0-estimated_size": "30",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "submit": "1",
    }
    status, page = await session.request("POST", "/laporan/baru/", data)
    return True if status == 302 else f"{status} {FEEDBACK.findall(page)[:2]}"


ACTIONS = {
    "list": read_list,
    "filtered": read_filtered,
    "detail": read_detail,
    "dashboard": read_dashboard,
    "submit": submit,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, workers, threads=1):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    python = Path(sys.executable)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():  # as `make serve` does
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    server = subprocess.Popen(
        [python.parent / "gunicorn", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _cpu_seconds(pids, parent) -> float:
    """User and system CPU seconds the processes have used so far (/proc/<pid>/stat), with
    those of `parent`'s children that have ended (a database connection closed by
    CONN_MAX_AGE, a gunicorn worker replaced), which `parent` has collected."""
    ticks = 0
    for pid in {*pids, int(parent)}:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone since it was listed
        ticks += int(fields[11]) + int(fields[12])
        if pid == int(parent):
            ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _processes(where) -> list[int]:
    """Ids of the processes whose /proc/<pid>/stat fields satisfy `where(fields)` (fields after
    the command name: state, ppid, pgrp, …)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if where(fields):
                found.append(int(entry))
    return found


def cpu_meter(server_pid):
    """A function giving the CPU seconds used so far by gunicorn (its process group) and by the
    local PostgreSQL's backends (children of the postmaster in .pgdata; none with an external
    DATABASE_URL), so the load test can say what one request costs in CPU."""
    postmaster = None
    pid_file = ROOT / ".pgdata" / "data" / "postmaster.pid"
    if not os.environ.get("DATABASE_URL") and pid_file.exists():
        postmaster = pid_file.read_text().split()[0]

    def measure() -> dict:
        app = _processes(lambda fields: fields[2] == str(server_pid))
        database = _processes(lambda fields: fields[1] == postmaster) if postmaster else []
        return {
            "app": _cpu_seconds(app, server_pid),
            "database": _cpu_seconds(database, postmaster) if postmaster else 0.0,
        }

    return measure


async def _run(port, users, clients, seconds, seed, meter):
    tally = Tally()
    rng = random.Random(seed)
    sessions = [Session(port) for _ in range(clients)]
    # Signing in (a deliberately slow password hash) is not part of the measure.
    for batch in range(0, clients, 10):
        await asyncio.gather(
            *[
                asyncio.wait_for(
                    sessions[n].login(users[n % len(users)]["username"], users[0]["password"]),
                    REQUEST_TIMEOUT * 4,
                )
                for n in range(batch, min(batch + 10, clients))
            ]
        )
    cpu_before = meter()
    started = time.perf_counter()
    clock = {"deadline": started + seconds}
    await asyncio.gather(
        *[
            client(sessions[n], users[n % len(users)], clock, tally, random.Random(rng.random()))
            for n in range(clients)
        ]
    )
    elapsed = time.perf_counter() - started
    cpu_after = meter()
    return tally, elapsed, {k: cpu_after[k] - cpu_before[k] for k in cpu_before}


def load_test(users, *, clients=50, seconds=60, workers=None, threads=4, seed=7) -> dict:
    """`users`: dicts with username, password, kecamatan, desa, reports (ids it may open),
    now. Starts and stops its own gunicorn."""
    port = free_port()
    # Tuned on the 2-core bench machine: a worker per core with four threads each served more
    # requests than 2 * cores + 1 single-threaded workers (bench/results.md), since a thread
    # waiting on PostgreSQL leaves the core to another.
    workers = workers or os.cpu_count() or 1
    server = start_gunicorn(port, workers, threads)
    try:
        tally, elapsed, cpu = asyncio.run(
            _run(port, users, clients, seconds, seed, cpu_meter(server.pid))
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    ordered = sorted(tally.latencies) or [0.0]
    return {
        "clients": clients,
        "seconds": seconds,
        "workers": workers,
        "threads": threads,
        "requests": len(tally.latencies),
        "rps": len(tally.latencies) / elapsed,
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "errors": len(tally.errors),
        "error_samples": sorted(set(tally.errors))[:5],
        "by_kind": {k: (len(v), statistics.median(v)) for k, v in sorted(tally.by_kind.items())},
        # CPU milliseconds per request: gunicorn's and the database's, and the machine's load.
        "app_cpu_ms": cpu["app"] * 1000 / max(len(tally.latencies), 1),
        "db_cpu_ms": cpu["database"] * 1000 / max(len(tally.latencies), 1),
        "load_average": os.getloadavg()[0],
    }
