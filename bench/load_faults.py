"""Residents answering a survey under load while a worker, PostgreSQL or Redis fails.

Run from the repository root: ``.venv/bin/python bench/load_faults.py [--scenario all]
[--short]`` (``make bench-faults``, about 8 minutes; ``make load-check`` is the short version CI
runs: 15 s per scenario, 50 residents on PostgreSQL and 20 on SQLite, PostgreSQL down 3 s, about
3 minutes: setting up, each scenario's gunicorn start and the checks take longer than the
load). The scenarios, chosen with ``--scenario`` (a comma-separated list, default ``all``):

- ``load-pg``: ``--pg-clients`` (200) residents answer the 3-page survey of
  ``bench/resident_flow.py`` for ``--duration`` (60 s) against gunicorn (``wsgi:app``,
  ``FLASK_CONFIG=production``) and a PostgreSQL database of its own, created on
  ``--pg-server`` and dropped at the end (never the ``test`` database others use).
- ``load-sqlite``: the same with the embedded SQLite default (a fresh file) and
  ``--sqlite-clients`` (50) residents.
- ``kill-worker``: load-pg, and half way through one gunicorn worker gets SIGKILL.
- ``restart-pg``: load-pg, and a fifth of the way through the PostgreSQL cluster is stopped
  (``pg_ctlcluster --skip-systemctl-redirect <version> main stop``, fast mode), kept down for
  ``--outage`` seconds and started again. THIS RESTARTS THE WHOLE CLUSTER: every database on it,
  also the ``test`` database other people's test runs use, loses its connections. The drill
  first waits for running ``pytest`` processes that use PostgreSQL (``TEST_DATABASE_URL`` or
  ``test-pg``), and does not stop the cluster if one has started during the load; still, run it
  where nobody else depends on that PostgreSQL at that moment.
- ``redis-down``: load-pg with ``RATELIMIT_STORAGE_URI=redis://127.0.0.1:<port>/9`` pointing at
  a ``redis-server`` this script starts on a free port (the machine's shared Redis is never
  touched). A third of the way through, after checking that the app's rate-limit keys are in
  that Redis database (so the drill is not vacuous), the server gets SIGKILL; at two thirds it
  is started again.

Redis down, the documented choice: the limiter (``app/extensions.py``) is
``Limiter(swallow_errors=True, in_memory_fallback_enabled=True)``. When its Redis cannot be
reached the app fails open: pages (GET) are served as always, and writes (answer POSTs, sign-ins,
codes) are served too, counted by the same limits in each worker's own memory, so while Redis is
down a client may get up to (number of workers) times a limit; a request that was talking to
Redis at the moment it went away is served without a limit check or without the RateLimit
headers (flask-limiter logs "... Swallowing error"). The limiter looks for Redis again now and
then (after 1, 2, 4 ... 32 s) and goes back to it. Refusing residents' answers because the
rate-limit store is down would lose answers; a looser limit for a few minutes loses nothing.

Each resident, with its own cookie jar and loopback address, runs the flow of
``resident_flow.resident_flow`` one flow after another. A response is *acknowledged* when the
resident has seen its receipt code on the thank-you page. A request that fails with a
connection error or a 503 is sent again after about ``RETRY_PAUSE`` seconds, until
``GIVE_UP_AFTER`` seconds after the load ends, as a resident told "try again in a moment"
does; sending the same page again is safe (the draft keeps the answers, and a repeated "Send"
shows the receipt of the response already stored under the draft's one-time token). Every 503
must be the translated "try again in a moment" page (``app/core/errors.py`` MESSAGES[503] in
the resident's language), never a traceback; any other 5xx fails the run.

After each scenario the database is checked: every receipt a resident saw is exactly one stored
submission with the answer rows that resident sent (none *lost*, none *duplicated*); a submit
that never came back (no receipt) is found through the draft token in the resident's session
cookie, and may be stored or not but never half; no stored submission is *partial* (every page
of the survey has answers, every required question is answered, the row count is what the
resident sent) and none is unknown to the residents. Printed per scenario: requests/s, latency
percentiles, responses by status, 5xx, connection and other errors, retries, completed flows,
receipts seen, stored submissions, lost, duplicated, partial and unacknowledged responses, and
each drill's figures (the worker killed and when, the failures around it; the statuses during
the outage and the time from ``pg_isready`` to the first stored response, at most
``RECOVERY_LIMIT`` s; the Redis keys and the requests served while Redis was down). The exit
code is 1 when any check fails or a scenario cannot run, else 0. Timings are noisy on a shared
machine; the checks are about correctness, not speed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
import resident_flow as rf
from resident_flow import BenchError, Check, FlowError

SCENARIOS = ("load-pg", "load-sqlite", "kill-worker", "restart-pg", "redis-down")
#: Full figures (the issue's) and the short version CI runs.
FULL = {"duration": 60.0, "warmup": 2.0, "pg_clients": 200, "sqlite_clients": 50, "outage": 5.0}
SHORT = {"duration": 15.0, "warmup": 1.0, "pg_clients": 50, "sqlite_clients": 20, "outage": 3.0}
RETRY_PAUSE = 0.5
GIVE_UP_AFTER = 30.0
RECOVERY_LIMIT = 10.0
#: Connection errors this close to the SIGKILL (seconds) are the killed worker's requests.
KILL_SLACK = 3.0
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
REDIS_DB = 9
SESSION_COOKIE = "osallistu_session"
STEP_INDEX = {step: index for index, step in enumerate(rf.STEPS)}
SUBMIT_STEP = "POST /e/<id>/respond (submit)"
CONNECTION_ERROR = 0
#: Server log records each drill makes on purpose (a record's traceback goes with it).
EXPECTED_LOG = {
    "kill-worker": ("was sent SIGKILL",),
    "restart-pg": ("database unavailable",),
    # A request that was talking to Redis as it went away: served without a limit check
    # ("Failed to rate limit. Swallowing error") or without the RateLimit headers.
    "redis-down": ("flask-limiter Failed to", "Swallowing error"),
}
#: The first line of a log record: gunicorn's ``[2026-...`` or the app's ``2026-11-29 ...``.
LOG_RECORD = re.compile(r"^(\[\d{4}-|\d{4}-\d\d-\d\d )")


# --- the residents (in the client processes) ------------------------------------------------


def answer_rows(form: rf.Fields) -> int:
    """Answer rows a page's form makes: one per answer field, the "other" texts go with theirs."""
    return sum(1 for name, _value in form if name.startswith("q-") and not name.endswith("-other"))


def busy_page_ok(text: str, busy: tuple[str, str]) -> bool:
    page = unescape(text)
    return all(part in page for part in busy) and "Traceback" not in page


def session_cookie(jar: aiohttp.CookieJar) -> str | None:
    return next((c.value for c in jar if c.key == SESSION_COOKIE), None)


def note(out: dict[str, Any], message: str) -> None:
    if len(out["messages"]) < 10:
        out["messages"].append(message)


async def sturdy_request(
    session: aiohttp.ClientSession,
    job: dict[str, Any],
    request: rf.Request,
    lang: str,
    give_up_at: float,
    out: dict[str, Any],
) -> rf.Reply:
    """Send a request until it gets an answer other than a 503 or a broken connection."""
    body, headers = None, {}
    if request.form is not None:
        body = rf.urlencode(request.form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if request.referer:
        headers["Referer"] = job["base"] + request.referer
    while True:
        began = time.monotonic()
        try:
            async with session.request(
                request.method, request.path, data=body, headers=headers, allow_redirects=False
            ) as response:
                text = (await response.read()).decode("utf-8", "replace")
                status, location = response.status, response.headers.get("Location")
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            status, location, text = CONNECTION_ERROR, None, repr(exc)
        ended = time.monotonic()
        out["events"].append((ended, ended - began, STEP_INDEX[request.step], status))
        if status == CONNECTION_ERROR:
            note(out, f"{request.step}: {text}")
        elif status == 503:
            if not busy_page_ok(text, job["busy_texts"][lang]):
                out["bad_503"] += 1
                note(out, f"{request.step} answered 503 without the translated page: {text[:200]}")
        else:
            if status >= 500:
                where = max(text.find("Traceback"), 0)
                note(
                    out, f"{request.step} answered {status}: {' '.join(text[where:].split())[:200]}"
                )
            return rf.Reply(status, location, text)
        if ended >= give_up_at:
            raise FlowError(f"{request.step}: still failing when the residents gave up")
        out["retries"] += 1
        await asyncio.sleep(RETRY_PAUSE * (0.5 + random.random()))


async def sturdy_flow(
    job: dict[str, Any], rng: random.Random, lang: str, address: str, give_up_at: float, out: dict
) -> None:
    """One resident flow; its receipt, or the submit it never saw answered, goes on ``out``."""
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=job["base"])
    connector = aiohttp.TCPConnector(limit=1, local_addr=(address, 0))
    script = rf.resident_flow(job["public_id"], lang, rng)
    rows_by_page: dict[str, int] = {}
    cookie: str | None = None
    submitted = False
    async with aiohttp.ClientSession(
        job["base"],
        connector=connector,
        cookie_jar=jar,
        timeout=aiohttp.ClientTimeout(total=rf.REQUEST_TIMEOUT),
    ) as session:
        try:
            request = next(script)
            while True:
                if request.form is not None:
                    rows_by_page[dict(request.form)["page"]] = answer_rows(request.form)
                    if request.step == SUBMIT_STEP and not submitted:
                        # Holds the draft's token, which becomes the submission's form token.
                        cookie, submitted = session_cookie(jar), True
                reply = await sturdy_request(session, job, request, lang, give_up_at, out)
                try:
                    request = script.send(reply)
                except StopIteration as stop:
                    done: rf.Completed = stop.value
                    if done.rows != sum(rows_by_page.values()):
                        note(out, f"bench: {done.rows} rows vs {sum(rows_by_page.values())}")
                    out["completed"].append((done.receipt, done.rows, cookie))
                    return
        except FlowError as error:
            out["failed"] += 1
            note(out, str(error))
            if submitted:
                out["unacknowledged"].append((sum(rows_by_page.values()), cookie))


async def resident(job: dict[str, Any], number: int, window: rf.Window, out: dict) -> None:
    rng = random.Random(f"{job['seed']}-{number}")
    flows = 0
    while time.monotonic() < window.until:
        lang = job["languages"][(number + flows) % len(job["languages"])]
        address = rf.source_address(job["process"], out["addresses"])
        out["addresses"] += 1
        flows += 1
        await sturdy_flow(job, rng, lang, address, window.until + GIVE_UP_AFTER, out)


async def residents_job(job: dict[str, Any], barrier: Any) -> dict[str, Any]:  # noqa: ANN401
    out: dict[str, Any] = {
        "events": [],
        "completed": [],
        "unacknowledged": [],
        "failed": 0,
        "retries": 0,
        "bad_503": 0,
        "messages": [],
        "addresses": 0,
    }
    barrier.wait(timeout=rf.START_TIMEOUT)
    start = time.monotonic()
    window = rf.Window(start + job["warmup"], start + job["warmup"] + job["duration"])
    await asyncio.gather(*(resident(job, n, window, out) for n in job["residents"]))
    return out


def residents_client(job: dict[str, Any], barrier: Any, results: Any) -> None:  # noqa: ANN401
    """A client process (rf.run_phase's ``target``): residents that retry and keep receipts."""
    try:
        result = asyncio.run(residents_job(job, barrier))
    except BaseException as error:  # noqa: BLE001 (reported to the parent, which stops)
        result = {"fatal": repr(error)}
    results.put(result)


# --- databases, processes -------------------------------------------------------------------


@dataclass
class Target:
    """A prepared database, and the app (production settings) that checks it."""

    label: str
    url: str
    secret_key: str
    app: Any = None


def prepare(urls: dict[str, str]) -> dict[str, Target]:
    """Migrate and load the databases (at the same time), and an app for each."""
    keys = {label: secrets.token_urlsafe(32) for label in urls}
    started = time.monotonic()
    with ThreadPoolExecutor() as pool:
        for done in [
            pool.submit(rf.prepare_database, rf.server_env(url, keys[label], "development"))
            for label, url in urls.items()
        ]:
            done.result()
    print(
        f"{' and '.join(urls)}: migrated and loaded in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return {
        label: Target(label, url, keys[label], rf.in_process_app(url, keys[label]))
        for label, url in urls.items()
    }


def dispose(app: Any) -> None:  # noqa: ANN401
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextlib.contextmanager
def pg_database(server: str) -> Iterator[str]:
    """A new PostgreSQL database on ``server`` for this run, dropped at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"osallistu_load_{os.getpid()}"
    admin = create_engine(
        make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT", pool_pre_ping=True
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        raise BenchError(f"cannot create database {name} on {server}: {error}") from None
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        ensure_postgres(make_url(server))
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_cluster() -> tuple[str, str]:
    versions = sorted(Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").is_dir() else []
    if not versions:
        raise BenchError("no PostgreSQL cluster in /etc/postgresql (restart-pg needs one)")
    return versions[-1].name, "main"


def pg_ready(url: Any) -> bool:  # noqa: ANN401 (a SQLAlchemy URL)
    argv = ["pg_isready", "-q", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
    return subprocess.run(argv, check=False).returncode == 0  # noqa: S603


def pg_ctl(action: str) -> float:
    """Run ``pg_ctlcluster <version> main <action>``; the seconds it took."""
    version, name = pg_cluster()
    argv = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
    began = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BenchError(f"{shlex.join(argv)} failed: {done.stdout}{done.stderr}")
    return time.monotonic() - began


def ensure_postgres(url: Any) -> None:  # noqa: ANN401
    """Start the cluster again if a drill left it stopped."""
    if pg_ready(url):
        return
    print("PostgreSQL is not answering: starting it", flush=True)
    with contextlib.suppress(BenchError):
        pg_ctl("start")
    for _ in range(300):
        if pg_ready(url):
            return
        time.sleep(0.1)


def read_proc(pid: str, name: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return b""


def pg_test_runs() -> list[int]:
    """pytest processes using PostgreSQL (TEST_DATABASE_URL, make test-pg), not ours."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        argv = read_proc(entry.name, "cmdline").split(b"\0")
        if not any(b"pytest" in arg for arg in argv):
            continue
        environ = read_proc(entry.name, "environ").split(b"\0")
        uses_pg = any(e.startswith(b"TEST_DATABASE_URL=") and len(e) > 18 for e in environ)
        if uses_pg or any(b"test-pg" in arg for arg in argv):
            found.append(int(entry.name))
    return found


def wait_for_pg_tests(limit: float) -> None:
    deadline = time.monotonic() + limit
    while runs := pg_test_runs():
        if time.monotonic() > deadline:
            raise BenchError(f"pytest on PostgreSQL still running (pids {runs}); not restarting")
        print(f"  waiting for pytest on PostgreSQL to finish (pids {runs}) ...", flush=True)
        time.sleep(5)


def workers(master: int) -> set[int]:
    """The gunicorn master's worker processes."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = read_proc(entry.name, "stat").decode(errors="replace")
            if stat and int(stat.rpartition(")")[2].split()[1]) == master:
                found.add(int(entry.name))
    return found


@contextlib.contextmanager
def redis_server(tmp: Path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise BenchError("redis-down needs redis-server (apt-get install redis-server)")
    server = RedisServer(binary, rf.free_port(), tmp / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.kill()


@dataclass
class RedisServer:
    """A throw-away redis-server on a port of its own (never the machine's shared one)."""

    binary: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [self.binary, "--port", str(self.port), "--bind", rf.HOST, "--save", ""]
        argv += ["--appendonly", "no"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        for _ in range(100):
            with contextlib.suppress(Exception):
                if self.client().ping():
                    return
            time.sleep(0.05)
        raise BenchError(f"redis-server on port {self.port} did not start: {rf.log_tail(self.log)}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def client(self) -> Any:  # noqa: ANN401
        import redis

        return redis.Redis(host=rf.HOST, port=self.port, db=REDIS_DB, socket_timeout=2)

    def keys(self) -> int:
        return int(self.client().dbsize())

    @property
    def uri(self) -> str:
        return f"redis://{rf.HOST}:{self.port}/{REDIS_DB}"


# --- drills ---------------------------------------------------------------------------------


class Drill:
    """A fault injected at a moment of the load, from a thread of the parent process."""

    def __init__(self, args: argparse.Namespace, port: int, master: int) -> None:
        self.args, self.port, self.master = args, port, master
        self.error: str | None = None
        self.lines: list[str] = []
        self.thread: threading.Thread | None = None

    def begin(self, start: float) -> None:
        self.start = start
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def at(self, share: float) -> float:
        """Sleep until ``share`` of the measured window has passed; that moment."""
        moment = self.start + self.args.warmup + share * self.args.duration
        time.sleep(max(0.0, moment - time.monotonic()))
        return moment

    def _run(self) -> None:
        try:
            self.run()
        except Exception as error:  # noqa: BLE001 (reported as a failed check)
            self.error = repr(error)

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join(timeout=120)

    def run(self) -> None:
        raise NotImplementedError

    def checks(self, outcome: Outcome) -> list[Check]:
        raise NotImplementedError


class KillWorker(Drill):
    def run(self) -> None:
        self.at(0.5)
        before = self.before = workers(self.master)
        self.victim = min(before)
        self.killed_at = time.monotonic()
        os.kill(self.victim, signal.SIGKILL)
        self.respawned_at = self.new_worker = self.answered_at = None
        deadline = self.killed_at + 60
        while time.monotonic() < deadline and (self.new_worker is None or not self.answered_at):
            if self.new_worker is None and (new := workers(self.master) - before):
                self.new_worker, self.respawned_at = min(new), time.monotonic()
            if self.answered_at is None and rf.answers_ok(self.port, "/healthz"):
                self.answered_at = time.monotonic()
            time.sleep(0.05)

    def checks(self, outcome: Outcome) -> list[Check]:
        if self.error or not hasattr(self, "killed_at"):
            return [Check("worker killed", False, self.error or "not run", True)]
        kill = self.killed_at
        failures = [e for e in outcome.events if e[3] == CONNECTION_ERROR or e[3] >= 500]
        near = [e for e in failures if abs(e[0] - kill) <= KILL_SLACK and e[3] == CONNECTION_ERROR]
        far = len(failures) - len(near)
        after = [e for e in outcome.events if kill < e[0] <= kill + 5 and e[3] in (200, 302, 303)]
        submit = STEP_INDEX[SUBMIT_STEP]
        submits = [e[0] for e in outcome.events if e[0] > kill and e[2] == submit and e[3] == 302]
        rel = outcome.relative
        steps = Counter(rf.STEPS[e[2]] for e in near)
        self.lines += [
            f"SIGKILL to worker pid {self.victim} at {rel(kill)} into the measured load "
            f"(workers then: {', '.join(map(str, sorted(self.before)))})",
            f"gunicorn started worker pid {self.new_worker} "
            + (f"{self.respawned_at - kill:.2f} s later" if self.respawned_at else "(never)"),
            f"/healthz answered 200 {self.answered_at - kill:.2f} s after the kill"
            if self.answered_at
            else "/healthz never answered after the kill",
            f"requests failing within {KILL_SLACK:g} s of the kill: {len(near)} connection "
            f"errors ({', '.join(f'{s} ×{n}' for s, n in steps.items()) or 'none'}), all sent "
            f"again; failures elsewhere: {far}",
            f"successful requests in the 5 s after the kill: {len(after)}; first stored "
            f"response after it: " + (f"{min(submits) - kill:.2f} s" if submits else "none"),
        ]
        return [
            Check(
                "the killed worker's requests only fail as broken connections, and are retried",
                far == 0,
                f"{len(near)} connection errors near the kill, {far} other failures",
                True,
            ),
            Check(
                "the service keeps answering (new worker, /healthz and answers after the kill)",
                bool(self.new_worker and self.answered_at and after),
                f"new worker {self.new_worker}, {len(after)} answers in the next 5 s",
                True,
            ),
        ]


class RestartPostgres(Drill):
    def run(self) -> None:
        from sqlalchemy.engine import make_url

        url = make_url(self.args.pg_server)
        self.at(0.2)
        if runs := pg_test_runs():
            raise BenchError(f"pytest on PostgreSQL started meanwhile (pids {runs}): not stopped")
        self.stopping_at = time.monotonic()
        try:
            pg_ctl("stop")
            self.down_at = time.monotonic()
            time.sleep(self.args.outage)
            self.starting_at = time.monotonic()
            pg_ctl("start")
        finally:
            ensure_postgres(url)
        while not pg_ready(url):
            time.sleep(0.05)
        self.back_at = time.monotonic()
        self.healthy_at = None
        while self.healthy_at is None and time.monotonic() < self.back_at + 60:
            if rf.answers_ok(self.port, "/healthz"):
                self.healthy_at = time.monotonic()
            time.sleep(0.05)

    def checks(self, outcome: Outcome) -> list[Check]:
        if self.error or not hasattr(self, "back_at"):
            return [Check("PostgreSQL restarted", False, self.error or "not run", True)]
        stop, back = self.stopping_at, self.back_at
        rel = outcome.relative
        during = [e for e in outcome.events if stop <= e[0] <= back + RECOVERY_LIMIT]
        statuses = Counter(status_name(e[3]) for e in during)
        outside_5xx = [
            e
            for e in outcome.events
            if (e[3] >= 500 or e[3] == CONNECTION_ERROR)
            and not stop <= e[0] <= back + RECOVERY_LIMIT
        ]
        failing_after = [e[0] for e in outcome.events if e[0] > back and e[3] == 503]
        submit = STEP_INDEX[SUBMIT_STEP]
        stored_after = [
            e[0] for e in outcome.events if e[0] > back and e[2] == submit and e[3] == 302
        ]
        first_stored = min(stored_after) - back if stored_after else None
        last_503 = max(failing_after) - back if failing_after else 0.0
        self.lines += [
            f"stop at {rel(stop)}: down after {self.down_at - stop:.2f} s, kept down "
            f"{self.args.outage:g} s, start at {rel(self.starting_at)}, pg_isready at {rel(back)} "
            f"(outage {back - stop:.1f} s)",
            f"responses from the stop to {RECOVERY_LIMIT:g} s after pg_isready: "
            + ", ".join(f"{name} ×{n}" for name, n in sorted(statuses.items())),
            f"503 pages without the translated text (or with a traceback): {outcome.bad_503}",
            "from pg_isready to the first stored response (submit answered 302): "
            + (f"{first_stored:.2f} s" if first_stored is not None else "never")
            + f"; to the last 503: {last_503:.2f} s; /healthz 200 after "
            + (f"{self.healthy_at - back:.2f} s" if self.healthy_at else "never"),
        ]
        bad = sum(n for name, n in statuses.items() if name.startswith("5") and name != "503")
        return [
            Check(
                "during the outage: 503 with the translated 'try again' page, never 500 or a "
                "traceback",
                bad == 0 and outcome.bad_503 == 0 and statuses.get("503", 0) > 0,
                f"{statuses.get('503', 0)} 503s ({outcome.bad_503} without the translated "
                f"page), {bad} other 5xx, "
                f"{statuses.get('connection error', 0)} connection errors",
                True,
            ),
            Check(
                f"recovers by itself within {RECOVERY_LIMIT:g} s of PostgreSQL being back",
                first_stored is not None
                and first_stored <= RECOVERY_LIMIT
                and last_503 <= RECOVERY_LIMIT,
                "first stored response "
                + (f"{first_stored:.2f} s" if first_stored is not None else "never")
                + f", last 503 {last_503:.2f} s after pg_isready",
                True,
            ),
            Check(
                "no 5xx or broken connections outside the outage",
                not outside_5xx,
                f"{len(outside_5xx)}",
                True,
            ),
        ]


class RedisDown(Drill):
    redis: RedisServer

    def run(self) -> None:
        self.at(0.33)
        self.keys_before = self.redis.keys()
        self.down_at = time.monotonic()
        self.redis.kill()
        self.at(0.67)
        self.redis.start()
        self.up_at = time.monotonic()
        self.at(1.0)
        self.keys_after = self.redis.keys()

    def checks(self, outcome: Outcome) -> list[Check]:
        if self.error or not hasattr(self, "up_at"):
            return [Check("Redis killed and started", False, self.error or "not run", True)]
        down = [e for e in outcome.events if self.down_at <= e[0] <= self.up_at]
        ok = [e for e in down if e[3] in (200, 302, 303)]
        gets = sum(1 for e in ok if rf.STEPS[e[2]].startswith("GET"))
        posts = len(ok) - gets
        failed = len(down) - len(ok)
        rel = outcome.relative
        self.lines += [
            f"redis-server on port {self.redis.port} (RATELIMIT_STORAGE_URI={self.redis.uri}): "
            f"{self.keys_before} keys in db {REDIS_DB} before it was killed",
            f"killed at {rel(self.down_at)}, started again at {rel(self.up_at)}: in between "
            f"{gets} GETs and {posts} POSTs answered, {failed} not",
            f"keys in db {REDIS_DB} when the load ended (the app back on Redis; it looks "
            f"after 1, 2, 4 ... 32 s, so a short run may end first): {self.keys_after}",
            "worker log lines about the fallback: "
            f"{outcome.log_count('falling back to in-memory')}",
        ]
        return [
            Check(
                "the app really uses Redis while it is up (rate-limit keys in its database)",
                self.keys_before > 0,
                f"{self.keys_before} keys",
                True,
            ),
            Check(
                "Redis down: GETs and answer POSTs keep succeeding (fail open)",
                gets > 0 and posts > 0 and failed == 0,
                f"{gets} GETs, {posts} POSTs answered, {failed} failed",
                True,
            ),
        ]


DRILLS: dict[str, type[Drill]] = {
    "kill-worker": KillWorker,
    "restart-pg": RestartPostgres,
    "redis-down": RedisDown,
}


# --- one scenario ---------------------------------------------------------------------------


def first_traceback(lines: list[str], errors: list[tuple[int, str]], most: int = 60) -> str:
    begin = next((i for i, line in errors if line.startswith("Traceback")), None)
    if begin is None:
        return "    (none)"
    end = begin + 1
    while end < len(lines) and end - begin < most and not lines[end].startswith("["):
        end += 1
    return "\n".join(f"    {line}" for line in lines[begin:end])


def sort_log_errors(
    lines: list[str], scenario: str
) -> tuple[list[str], list[tuple[int, str]], int]:
    """Server log error lines (as rf.server_log_errors picks them): all, unexpected (with their
    index), and how many are benign.

    Expected: what the drill causes on purpose (EXPECTED_LOG). Benign: the rate limiter's
    in-memory store (limits.storage.MemoryStorage) starts its expiry Timer from several request
    threads without a lock, so now and then one Timer is started twice and CPython prints
    ``KeyError: <Timer(...)>`` from ``threading._bootstrap_inner``; no request is affected.
    """
    expected = EXPECTED_LOG.get(scenario, ())
    found, unexpected, benign = [], [], 0
    in_expected, previous = False, ""
    for index, line in enumerate(lines):
        if LOG_RECORD.match(line):
            in_expected = any(text in line for text in expected)
        elif line.startswith("Traceback") and not (
            LOG_RECORD.match(previous)
            or previous.endswith("exception occurred:")
            or previous.endswith("of the following exception:")
        ):
            in_expected = False  # printed by another thread, not the record's own
        previous = line or previous
        if "[ERROR]" not in line and "Traceback" not in line and " ERROR " not in line:
            continue
        found.append(line)
        block = lines[index : index + 10] if line.startswith("Traceback") else []
        if any("del _limbo[self]" in b for b in block) and any(
            b.startswith("KeyError: <Timer(") for b in block
        ):
            benign += 1
            continue
        if not in_expected:
            unexpected.append((index, line))
    return found, unexpected, benign


def status_name(status: int) -> str:
    return "connection error" if status == CONNECTION_ERROR else str(status)


@dataclass
class Outcome:
    """What the residents saw, merged from the client processes."""

    results: list[dict[str, Any]]
    start: float
    warm_end: float
    until: float
    log_lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.events = sorted(e for r in self.results for e in r["events"])
        self.completed = [c for r in self.results for c in r["completed"]]
        self.unacknowledged = [u for r in self.results for u in r["unacknowledged"]]
        self.messages = [m for r in self.results for m in r["messages"]]
        self.failed = sum(r["failed"] for r in self.results)
        self.retries = sum(r["retries"] for r in self.results)
        self.bad_503 = sum(r["bad_503"] for r in self.results)

    def relative(self, moment: float) -> str:
        return f"{moment - self.warm_end:+.1f} s"

    def log_count(self, text: str) -> int:
        return sum(1 for line in self.log_lines if text in line)


@dataclass
class StoredSubmission:
    id: int
    receipt: str
    form_token: str | None
    rows: int = 0
    questions: set[str] = field(default_factory=set)


def stored_submissions(app: Any, public_id: str) -> tuple[list[StoredSubmission], int]:  # noqa: ANN401
    """The survey's submissions with their answered questions, and the drafts left."""
    from sqlalchemy import func, select

    from app.engagements.models import Engagement
    from app.extensions import db
    from app.questionnaires.models import Answer, Question, ResponseDraft, Submission

    with app.app_context():
        engagement_id = db.session.scalar(
            select(Engagement.id).where(Engagement.public_id == public_id)
        )
        rows = db.session.execute(
            select(
                Submission.id,
                Submission.receipt_code,
                Submission.form_token,
                Question.code,
                func.count(Answer.id),
            )
            .outerjoin(Answer, Answer.submission_id == Submission.id)
            .outerjoin(Question, Question.id == Answer.question_id)
            .where(Submission.engagement_id == engagement_id)
            .group_by(Submission.id, Submission.receipt_code, Submission.form_token, Question.code)
        ).all()
        drafts = db.session.scalar(
            select(func.count())
            .select_from(ResponseDraft)
            .where(ResponseDraft.engagement_id == engagement_id)
        )
    dispose(app)
    found: dict[int, StoredSubmission] = {}
    for sub_id, receipt, token, code, count in rows:
        stored = found.setdefault(sub_id, StoredSubmission(sub_id, receipt, token))
        if code is not None:
            stored.rows += count
            stored.questions.add(code)
    return list(found.values()), drafts or 0


def incomplete(stored: StoredSubmission) -> bool:
    """Some page has no answer or a required question none (the residents answer those)."""
    return any(
        not any(q.code in stored.questions for q in page.questions)
        or any(q.required and q.code not in stored.questions for q in page.questions)
        for page in rf.SURVEY
    )


@dataclass
class Ledger:
    """Receipts the residents saw against the submissions stored."""

    stored: int
    receipts: int
    distinct: int
    lost: list[str]
    duplicated: list[str]
    partial: list[str]
    unacknowledged_stored: int
    unacknowledged_not_stored: int
    unknown: list[str]
    drafts_left: int


def reconcile(target: Target, public_id: str, outcome: Outcome) -> Ledger:
    stored, drafts = stored_submissions(target.app, public_id)
    by_receipt = {s.receipt: s for s in stored}
    by_token = {s.form_token: s for s in stored if s.form_token}
    serializer = target.app.session_interface.get_signing_serializer(target.app)
    draft_key = f"draft:{public_id}"

    def token(cookie: str | None) -> str | None:
        if not cookie:
            return None
        with contextlib.suppress(Exception):
            return serializer.loads(cookie).get(draft_key)
        return None

    seen = Counter(receipt for receipt, _rows, _cookie in outcome.completed)
    lost, duplicated, partial, linked = [], [], [], set()
    for receipt, rows, cookie in outcome.completed:
        submission = by_receipt.get(receipt)
        if submission is None:
            lost.append(receipt)
            continue
        linked.add(submission.id)
        mine = by_token.get(token(cookie) or "")
        if seen[receipt] > 1 or (mine is not None and mine is not submission):
            duplicated.append(receipt)
        if submission.rows != rows:
            partial.append(f"{receipt}: {submission.rows} rows stored, {rows} sent")
    stored_unacked = 0
    for rows, cookie in outcome.unacknowledged:
        submission = by_token.get(token(cookie) or "")
        if submission is None:
            continue
        stored_unacked += 1
        if submission.id in linked:
            duplicated.append(submission.receipt)
        linked.add(submission.id)
        if submission.rows != rows:
            partial.append(f"{submission.receipt}: {submission.rows} rows stored, {rows} sent")
    partial += [f"{s.receipt}: a page or required answer missing" for s in stored if incomplete(s)]
    unknown = [s.receipt for s in stored if s.id not in linked]
    return Ledger(
        len(stored),
        len(outcome.completed),
        len(seen),
        lost,
        duplicated,
        partial,
        stored_unacked,
        len(outcome.unacknowledged) - stored_unacked,
        unknown,
        drafts,
    )


def busy_texts(app: Any) -> dict[str, tuple[str, str]]:  # noqa: ANN401
    """MESSAGES[503] (title, message) in each language, as the residents must see it."""
    from flask import g

    from app.core.errors import MESSAGES

    texts = {}
    for lang in rf.LANGUAGES:
        with app.test_request_context(f"/{lang}/"):
            g.lang = lang
            texts[lang] = (str(MESSAGES[503][0]), str(MESSAGES[503][1]))
    if texts["fi"] == texts["en"]:
        raise BenchError("the 503 page is not translated (make i18n-compile)")
    return texts


def client_jobs(
    args: argparse.Namespace, base: str, public_id: str, clients: int, texts: dict
) -> list[dict[str, Any]]:
    jobs, offset = [], 0
    for index, count in enumerate(rf.split(clients, args.client_processes)):
        if count:
            jobs.append(
                {
                    "base": base,
                    "public_id": public_id,
                    "process": index,
                    "residents": list(range(offset, offset + count)),
                    "languages": args.languages,
                    "seed": args.seed,
                    "warmup": args.warmup,
                    "duration": args.duration,
                    "busy_texts": texts,
                }
            )
        offset += count
    return jobs


def run_scenario(
    name: str, args: argparse.Namespace, target: Target, clients: int, tmp: Path
) -> list[Check]:
    settings = rf.ServerSettings(args.worker_class, args.workers, args.threads)
    print(
        f"\n=== {name}: {clients} residents for {args.duration:g} s (+{args.warmup:g} s warm-up), "
        f"{target.label}, gunicorn {settings.describe()}",
        flush=True,
    )
    began = time.monotonic()
    public_id = rf.build_survey(target.app)
    dispose(target.app)
    texts = busy_texts(target.app)
    env = rf.server_env(target.url, target.secret_key, "production")
    log_path = tmp / f"{name}.log"
    with contextlib.ExitStack() as stack:
        redis = None
        if name == "redis-down":
            redis = stack.enter_context(redis_server(tmp))
            env["RATELIMIT_STORAGE_URI"] = redis.uri
        if name == "restart-pg":
            wait_for_pg_tests(args.pg_wait)
        port, master = stack.enter_context(
            rf.running_server("wsgi:app", settings, env, "/healthz", log_path)
        )
        page_path = f"/fi/e/{public_id}/respond"
        if not rf.answers_ok(port, page_path):
            raise BenchError(f"{page_path} does not answer 200; log:\n{rf.log_tail(log_path)}")
        drill = DRILLS[name](args, port, master) if name in DRILLS else None
        if isinstance(drill, RedisDown) and redis is not None:
            drill.redis = redis
        jobs = client_jobs(args, f"http://{rf.HOST}:{port}", public_id, clients, texts)
        starts: list[float] = []
        ready = time.monotonic()

        def on_start(start: float) -> None:
            starts.append(start)
            if drill is not None:
                drill.begin(start)

        phase = rf.run_phase(
            jobs, master, args.warmup, args.duration, target=residents_client, on_start=on_start
        )
        if drill is not None:
            drill.finish()
        loaded = time.monotonic()
    stopped = time.monotonic()
    start = starts[0]
    log_lines = log_path.read_text(errors="replace").splitlines() if log_path.exists() else []
    outcome = Outcome(
        phase.results, start, start + args.warmup, start + args.warmup + args.duration, log_lines
    )
    ledger = reconcile(target, public_id, outcome)
    print(
        f"wall time {time.monotonic() - began:.0f} s: survey and server start {ready - began:.1f}"
        f" s, load {loaded - ready:.1f} s (of it client start {start - ready:.1f} s and flows "
        f"after the window {loaded - outcome.until:.1f} s), server stop {stopped - loaded:.1f} s, "
        f"checks {time.monotonic() - stopped:.1f} s"
    )
    return report(name, outcome, ledger, phase, drill)


def report(
    name: str,
    outcome: Outcome,
    ledger: Ledger,
    phase: rf.Phase,
    drill: Drill | None,
) -> list[Check]:
    measured = [e for e in outcome.events if outcome.warm_end <= e[0] < outcome.until]
    latencies = [e[1] for e in measured]
    statuses = Counter(status_name(e[3]) for e in outcome.events)
    fives = sum(1 for e in outcome.events if e[3] >= 500)
    served_503 = sum(1 for e in outcome.events if e[3] == 503)
    connection = statuses.get("connection error", 0)
    others = sum(n for s, n in statuses.items() if s[0] == "4")
    all_log_errors, log_errors, benign = sort_log_errors(outcome.log_lines, name)
    duration = outcome.until - outcome.warm_end
    rows = [
        ("figure", "value"),
        ("requests/s (measured window)", f"{len(measured) / duration:.1f}"),
        ("latency p50 / p95 / p99 ms", " / ".join(rf.latency_cells(latencies))),
        ("requests sent (whole run)", str(len(outcome.events))),
        ("responses by status", ", ".join(f"{s} ×{n}" for s, n in sorted(statuses.items()))),
        ("5xx (of them 503)", f"{fives} ({served_503})"),
        ("connection errors", str(connection)),
        ("other errors: 4xx / abandoned flows", f"{others} / {outcome.failed}"),
        ("requests sent again", str(outcome.retries)),
        ("completed flows (receipts seen)", f"{ledger.receipts} ({ledger.distinct} distinct)"),
        ("stored submissions", str(ledger.stored)),
        ("lost (receipt seen, not stored)", str(len(ledger.lost))),
        ("duplicated (receipt twice, stored twice)", str(len(ledger.duplicated))),
        ("partial submissions", str(len(ledger.partial))),
        (
            "submits never answered: stored / not",
            f"{ledger.unacknowledged_stored} / {ledger.unacknowledged_not_stored}",
        ),
        ("stored, unknown to every resident", str(len(ledger.unknown))),
        ("drafts left over (abandoned, or first page sent again)", str(ledger.drafts_left)),
        ("server cores busy, machine busy", f"{phase.cores_text()}, {phase.machine_busy:.0%}"),
        (
            "server log error lines: unexpected / all",
            f"{len(log_errors)} / {len(all_log_errors)}"
            + (f" ({benign} limits MemoryStorage timer races)" if benign else ""),
        ),
    ]
    rf.table(rows)
    checks = []
    if drill is not None:
        checks += drill.checks(outcome)
        print("drill:")
        for line in drill.lines:
            print(f"  {line}")
    for message in outcome.messages[:8]:
        print(f"  client: {message}")
    for _index, line in log_errors[:4]:
        print(f"  server log: {line}")
    if log_errors:
        traceback = first_traceback(outcome.log_lines, log_errors)
        print(f"  the first unexpected traceback in the server log:\n{traceback}")
    lost_or_duplicated = ledger.lost + ledger.duplicated + ledger.unknown
    allowed_5xx = name == "restart-pg"
    # Broken connections are the kill-worker drill's; its own check says which are allowed.
    broken_ok = name == "kill-worker"
    checks += [
        Check(
            "zero 5xx" + (" besides the outage's 503s" if allowed_5xx else ""),
            (fives == served_503 and outcome.bad_503 == 0) if allowed_5xx else fives == 0,
            f"{fives} 5xx, {served_503} of them 503",
            True,
        ),
        Check(
            "no other errors" + (" (broken connections: see the drill)" if broken_ok else ""),
            others == 0
            and (broken_ok or connection == 0)
            and outcome.failed == 0
            and not log_errors,
            f"{others} 4xx, {connection} connection errors, {outcome.failed} abandoned flows, "
            f"{len(log_errors)} unexpected server log errors",
            True,
        ),
        Check(
            "every receipt seen is exactly one stored submission: none lost, none duplicated",
            not ledger.lost and not ledger.duplicated and not ledger.unknown,
            f"{ledger.receipts} receipts, {ledger.stored} stored, lost {len(ledger.lost)}, "
            f"duplicated {len(ledger.duplicated)}, unknown {len(ledger.unknown)}"
            + "".join(f"; e.g. {bad[0]}" for bad in (lost_or_duplicated,) if bad),
            True,
        ),
        Check(
            "no partial submission (every page and required answer, the rows sent)",
            not ledger.partial,
            f"{len(ledger.partial)}" + (f"; e.g. {ledger.partial[0]}" if ledger.partial else ""),
            True,
        ),
    ]
    for check in checks:
        print(check.line())
    return checks


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    summary, _sep, details = __doc__.partition("\n\n")
    parser = argparse.ArgumentParser(
        description=summary, epilog=details, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenario",
        default="all",
        help=f"comma-separated, among {', '.join(SCENARIOS)}, or all (default)",
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="the CI version: "
        + ", ".join(f"{key.replace('_', '-')} {value:g}" for key, value in SHORT.items()),
    )
    for key, value in FULL.items():
        kind = int if isinstance(value, int) else float
        parser.add_argument(
            f"--{key.replace('_', '-')}",
            type=kind,
            help=f"(default {value:g}, short {SHORT[key]:g})",
        )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="gthread", help="(default gthread)"
    )
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker (default 4)")
    parser.add_argument(
        "--client-processes", type=int, default=2, help="load generator processes (default 2)"
    )
    parser.add_argument(
        "--pg-server",
        default=PG_SERVER,
        help=f"PostgreSQL server for the database of this run (default {PG_SERVER})",
    )
    parser.add_argument(
        "--pg-wait",
        type=float,
        default=900.0,
        help="seconds restart-pg waits for pytest runs on PostgreSQL (default 900)",
    )
    parser.add_argument("--languages", default="fi,sv,en", help="(default fi,sv,en)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the residents' answers")
    args = parser.parse_args(argv)
    figures = SHORT if args.short else FULL
    for key, value in figures.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    names = SCENARIOS if args.scenario == "all" else tuple(args.scenario.split(","))
    if unknown := [n for n in names if n not in SCENARIOS]:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose among {', '.join(SCENARIOS)}")
    args.scenarios = names
    args.languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    if not args.languages or any(lang not in rf.LANGUAGES for lang in args.languages):
        parser.error(f"--languages must be among {', '.join(rf.LANGUAGES)}")
    if min(args.duration, args.pg_clients, args.sqlite_clients, args.workers, args.threads) <= 0:
        parser.error("durations, clients, workers and threads must be positive")
    return args


def print_header(args: argparse.Namespace) -> None:
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("Flask", "SQLAlchemy", "gunicorn", "aiohttp", "Flask-Limiter", "psycopg")
    )
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"scenarios: {', '.join(args.scenarios)}; {'short' if args.short else 'full'}: "
        f"{args.duration:g} s each after {args.warmup:g} s warm-up, {args.pg_clients} residents "
        f"on PostgreSQL, {args.sqlite_clients} on SQLite, PostgreSQL down {args.outage:g} s"
    )
    print(f"machine: nproc {os.cpu_count()}, {rf.cpu_model()}, {platform.platform()}")
    print(f"load average before the run: {rf.load_average()}")
    print(f"python {platform.python_version()}; {versions}", flush=True)


def run(args: argparse.Namespace, tmp: Path) -> list[Check]:
    checks: list[Check] = []
    with contextlib.ExitStack() as stack:
        urls = {}
        if "load-sqlite" in args.scenarios:
            urls["SQLite"] = f"sqlite:///{tmp / 'load.sqlite3'}"
        if any(name != "load-sqlite" for name in args.scenarios):
            urls["PostgreSQL"] = stack.enter_context(pg_database(args.pg_server))
        targets = prepare(urls)
        for name in args.scenarios:
            if name == "load-sqlite":
                checks += run_scenario(name, args, targets["SQLite"], args.sqlite_clients, tmp)
            else:
                checks += run_scenario(name, args, targets["PostgreSQL"], args.pg_clients, tmp)
        for target in targets.values():
            dispose(target.app)
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    print_header(args)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="osallistu-faults-") as tmp:
        try:
            checks = run(args, Path(tmp))
        except BenchError as error:
            print(f"\nbench: {error}", file=sys.stderr)
            return 1
    print(f"\nload average after the run: {rf.load_average()}")
    print(f"wall time: {time.monotonic() - began:.0f} s")
    failed = [c for c in checks if c.correctness and not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed")
    for check in failed:
        print(check.line())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
