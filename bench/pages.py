"""Throughput, latency and SQL statements of Osallistu's resident pages, next to a hello world.

Run from the repository root (``make bench`` runs it with the defaults)::

    .venv/bin/python bench/pages.py [--seconds 10] [--concurrency 16] [--workers 2] [--show-sql]

What it does:

1. Creates a fresh SQLite database in a temporary directory with ``flask db upgrade`` and
   ``flask demo load`` (``FLASK_CONFIG=development``).
2. Counts the SQL statements one request to each page runs, in-process with Flask's test client and
   a ``before_cursor_execute`` listener on the engine (after one warm-up request, so the figure is
   the steady state; pings from ``pool_pre_ping`` go round the listener and are not counted).
3. Serves a minimal Flask hello world, then Osallistu, with gunicorn (same worker count, sync
   workers, on 127.0.0.1 only) and loads each URL for a 2-second warm-up and then ``--seconds``.
   The load comes from ``--concurrency`` client processes, each looping GET requests over its own
   keep-alive ``http.client`` connection (gunicorn's sync workers close it after every answer, so
   it is reopened as needed); only requests completed inside the measured window are counted.
4. Prints the machine, the command line and a table: requests/s, latency percentiles (p50, p95,
   p99 in ms), errors (non-200 answers and failed connections), SQL statements per request and
   requests/s as a percentage of the hello world's. The design's goal is 30%, with list pages
   loading what they show in one or two queries (``../shared/DESIGN.md``, "Performance rules").

The client processes share the machine's cores with gunicorn, so the absolute figures depend on
the machine; the percentage of hello world is the figure to compare between runs. Run it on an
otherwise idle machine: the load average is printed at the top for that reason.

Exit code 0; 1 when a server does not start, a page does not answer 200 in-process, or more than
1% of one URL's requests errored.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import math
import multiprocessing
import os
import platform
import queue
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
WARMUP_SECONDS = 2.0
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
MAX_ERROR_SHARE = 0.01
HELLO_PATH = "/"
PAGES = ("/healthz", "/fi/", "/fi/plan", "/sv/plan/EK-02", "/en/accessibility")
HELLO_APP = '''"""Flask hello world: the reference point for the benchmark."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "Hello, World!"
'''


class BenchError(Exception):
    """The benchmark could not run as asked; the message says why."""


@dataclass
class Measurement:
    label: str
    seconds: float
    latencies: list[float]
    errors: int
    statements: int | None = None
    baseline_rate: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def error_share(self) -> float:
        return self.errors / self.requests if self.requests else 1.0

    def percentile_ms(self, percent: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(percent / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per URL")
    parser.add_argument("--concurrency", type=int, default=16, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--show-sql", action="store_true", help="list the SQL statements each page runs"
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.concurrency < 1 or args.workers < 1:
        parser.error("--seconds, --concurrency and --workers must be positive")
    return args


# --- setup ----------------------------------------------------------------------------------


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FLASK_DEBUG", None)
    env.update(
        FLASK_APP="wsgi.py",
        DATABASE_URL=database_url,
        FLASK_CONFIG="development",
        SECRET_KEY="bench",  # noqa: S106 (a throwaway key for a temporary database)
    )
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Apply the migrations and load the demo plan and users into the database in ``env``."""
    for command in (["db", "upgrade"], ["demo", "load"]):
        argv = [str(VENV_BIN / "flask"), *command]
        done = subprocess.run(  # noqa: S603 (fixed commands from the venv, no user input)
            argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise BenchError(f"{shlex.join(argv)} failed:\n{done.stdout}{done.stderr}")


def write_hello_app(directory: Path) -> None:
    (directory / "hello.py").write_text(HELLO_APP, encoding="utf-8")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def gunicorn_argv(workers: int, port: int, app: str, chdir: Path | None = None) -> list[str]:
    argv = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"{HOST}:{port}"]
    if chdir is not None:
        argv += ["--chdir", str(chdir)]
    return [*argv, app]


def answers_ok(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=1.0)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return response.status == 200


def wait_until_ready(process: subprocess.Popen[bytes], port: int, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the server exited with code {process.returncode}")
        if answers_ok(port, path):
            return
        time.sleep(0.1)
    raise BenchError(f"{path} did not answer 200 within {START_TIMEOUT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_tail(log_path: Path, lines: int = 30) -> str:
    if not log_path.exists():
        return ""
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running_server(
    argv: list[str], env: dict[str, str], port: int, ready_path: str, log_path: Path
) -> Iterator[None]:
    """Run gunicorn until the block ends; BenchError (with its log) if it does not come up."""
    print(f"$ {shlex.join(argv)}", flush=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (fixed commands from the venv, no user input)
            argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            try:
                wait_until_ready(process, port, ready_path)
            except BenchError as error:
                stop(process)
                raise BenchError(f"{error}; server log:\n{log_tail(log_path)}") from None
            yield
        finally:
            stop(process)


# --- SQL statements -------------------------------------------------------------------------


def count_statements(database_url: str, paths: Sequence[str]) -> dict[str, list[str]]:
    """The SQL statements one request to each path runs, in-process with the test client."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db
    from config import Development

    config = type("BenchConfig", (Development,), {"SQLALCHEMY_DATABASE_URI": database_url})
    app = create_app(config)
    with app.app_context():
        engine = db.engine
    # Requests must run outside this app context: inside it, every request would share one
    # session and its identity map, and lazy loads seen once would not be counted again.
    statements: list[str] = []

    def record(
        _conn: object,
        _cursor: object,
        statement: str,
        _params: object,
        _context: object,
        _executemany: bool,
    ) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    found: dict[str, list[str]] = {}
    try:
        client = app.test_client()
        client.get(paths[0])
        for path in paths:
            statements.clear()
            response = client.get(path)
            if response.status_code != 200:
                raise BenchError(f"{path} answered {response.status_code} in-process")
            found[path] = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        engine.dispose()
    return found


# --- load -----------------------------------------------------------------------------------


def fetch(connection: http.client.HTTPConnection, path: str) -> bool:
    """One GET; False on a non-200 answer or a failed connection (which is then reopened)."""
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return False
    return response.status == 200


def client_loop(
    port: int, path: str, seconds: float, barrier: Barrier, results: Queue[tuple[list[float], int]]
) -> None:
    """Loop requests on one connection; report the latencies and errors of the measured window."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    latencies: list[float] = []
    errors = 0
    try:
        barrier.wait(timeout=START_TIMEOUT)
        measure_from = time.perf_counter() + WARMUP_SECONDS
        until = measure_from + seconds
        while (began := time.perf_counter()) < until:
            ok = fetch(connection, path)
            done = time.perf_counter()
            if measure_from <= done < until:
                latencies.append(done - began)
                errors += not ok
    except threading.BrokenBarrierError:
        errors += 1
    finally:
        connection.close()
        results.put((latencies, errors))


def measure(label: str, port: int, path: str, concurrency: int, seconds: float) -> Measurement:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(concurrency)
    results: Queue[tuple[list[float], int]] = context.Queue()
    clients = [
        context.Process(target=client_loop, args=(port, path, seconds, barrier, results))
        for _ in range(concurrency)
    ]
    for client in clients:
        client.start()
    latencies: list[float] = []
    errors = 0
    try:
        for _ in clients:
            try:
                client_latencies, client_errors = results.get(
                    timeout=START_TIMEOUT + WARMUP_SECONDS + seconds + REQUEST_TIMEOUT
                )
            except queue.Empty:
                raise BenchError(f"a client process for {path} did not report back") from None
            latencies += client_latencies
            errors += client_errors
    finally:
        for client in clients:
            client.join(timeout=STOP_TIMEOUT)
            if client.is_alive():
                client.terminate()
                client.join()
    return Measurement(label=label, seconds=seconds, latencies=latencies, errors=errors)


def run_server_pages(
    argv: list[str],
    env: dict[str, str],
    port: int,
    ready_path: str,
    log_path: Path,
    paths: Sequence[str],
    args: argparse.Namespace,
) -> list[Measurement]:
    measurements = []
    with running_server(argv, env, port, ready_path, log_path):
        for path in paths:
            print(f"  {path} ...", flush=True)
            measurements.append(measure(path, port, path, args.concurrency, args.seconds))
    return measurements


# --- report ---------------------------------------------------------------------------------


def display_executable() -> str:
    executable = Path(sys.executable)
    with contextlib.suppress(ValueError):
        return str(executable.relative_to(Path.cwd()))
    return str(executable)


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def print_header(args: argparse.Namespace) -> None:
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("Flask", "SQLAlchemy", "gunicorn")
    )
    print(f"command: {shlex.join([display_executable(), *sys.argv])}")
    print(
        f"settings: --seconds {args.seconds:g} --concurrency {args.concurrency} "
        f"--workers {args.workers} (warm-up {WARMUP_SECONDS:g} s per URL)"
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: nproc {os.cpu_count()}, {cpu_model()}, {platform.platform()}")
    print(f"load average before the run: {load} (other work on the machine skews the figures)")
    print(f"python: {platform.python_implementation()} {platform.python_version()}; {versions}")
    print(flush=True)


def print_table(measurements: Sequence[Measurement]) -> None:
    header = ("URL", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "SQL/req", "% hello")
    rows = [header]
    for item in measurements:
        percent = f"{100 * item.rate / item.baseline_rate:.1f}" if item.baseline_rate else "100.0"
        rows.append(
            (
                item.label,
                f"{item.rate:.1f}",
                f"{item.percentile_ms(50):.1f}",
                f"{item.percentile_ms(95):.1f}",
                f"{item.percentile_ms(99):.1f}",
                f"{item.errors}/{item.requests}",
                "-" if item.statements is None else str(item.statements),
                percent,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def print_statements(statements: dict[str, list[str]]) -> None:
    for path, found in statements.items():
        print(f"\n{path}: {len(found)} statements")
        for statement in found:
            print(f"  {statement}")


# --- main -----------------------------------------------------------------------------------


def run(args: argparse.Namespace, tmp: Path) -> list[Measurement]:
    database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = bench_env(database_url)
    print("Preparing the database (flask db upgrade, flask demo load) ...", flush=True)
    prepare_database(env)
    statements = count_statements(database_url, PAGES)
    if args.show_sql:
        print_statements(statements)
        print()

    write_hello_app(tmp)
    port = free_port()
    hello_argv = gunicorn_argv(args.workers, port, "hello:app", chdir=tmp)
    (hello,) = run_server_pages(
        hello_argv, env, port, HELLO_PATH, tmp / "hello.log", [HELLO_PATH], args
    )
    hello.label = "hello world /"

    port = free_port()
    app_argv = gunicorn_argv(args.workers, port, "wsgi:app")
    pages = run_server_pages(app_argv, env, port, "/healthz", tmp / "osallistu.log", PAGES, args)
    for page in pages:
        page.statements = len(statements[page.label])
        page.baseline_rate = hello.rate
    return [hello, *pages]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    print_header(args)
    with tempfile.TemporaryDirectory(prefix="osallistu-bench-") as tmp:
        try:
            measurements = run(args, Path(tmp))
        except BenchError as error:
            print(f"\nbench: {error}", file=sys.stderr)
            return 1
    print()
    print_table(measurements)
    failed = [item for item in measurements if item.error_share > MAX_ERROR_SHARE]
    for item in failed:
        print(
            f"bench: {item.label}: {item.errors} of {item.requests} requests failed",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
