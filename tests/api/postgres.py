"""A throwaway PostgreSQL server for tests: initdb into a temporary directory.

It listens on a Unix socket in that directory only, no TCP port: a port picked
free by the tests could be taken by something else before the server binds it,
and PostgreSQL cannot bind port 0 and say which port it got.

initdb refuses to run as root, so as root the server runs as `nobody` (the
data directory is made theirs); as anyone else it runs as that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PostgresServer", "find_binaries", "postgres_server"]


def find_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


@dataclass(frozen=True)
class PostgresServer:
    #: the directory of the server's Unix socket
    socket_dir: Path
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host={self.socket_dir} user={self.user} dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextlib.contextmanager
def postgres_server(binaries: Path) -> Iterator[PostgresServer]:
    root = Path(tempfile.mkdtemp(prefix="advisor-pg-"))
    run_as: dict[str, object] = {}
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
        run_as = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
    data = root / "data"
    env = {**os.environ, "LC_ALL": "C", "HOME": str(root)}

    def run(*args: str) -> None:
        subprocess.run(
            [str(binaries / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            timeout=120,
            env=env,
            cwd=root,
            **run_as,  # type: ignore[arg-type]
        )

    try:
        run("initdb", "-D", str(data), "-U", "advisor", "--auth=trust", "-E", "UTF8", "--no-sync")
        run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(root / "server.log"),
            "-o",
            f"-c listen_addresses='' -k {root}",
            "-w",
            "-t",
            "60",
            "start",
        )
        yield PostgresServer(root, "advisor")
    finally:
        with contextlib.suppress(Exception):
            run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)
