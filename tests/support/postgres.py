"""A PostgreSQL server of a test's own, from the Debian packages CI installs.

For tests that stop the server under the bot (readiness) or run several instances on it: they
cannot share the suite's server. initdb refuses to run as root, so as root the cluster
belongs to the `postgres` user, as in .ci/run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import free_port


def _bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                   key=lambda path: int(path.parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    return str(found[-1])


def _as_owner(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@dataclass
class PrivatePostgres:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        subprocess.run(_as_owner(
            _bin("pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
            "-w", "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off -c max_connections=100", "start"),
            check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        subprocess.run(_as_owner(_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                                 "-w", "stop"), check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    folder = Path(tempfile.mkdtemp(prefix="cpdbot-pg-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    subprocess.run(_as_owner(_bin("initdb"), "-D", str(folder / "data"), "-A", "trust",
                             "-U", "postgres"), check=True, stdout=subprocess.DEVNULL)
    server = PrivatePostgres(folder, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
