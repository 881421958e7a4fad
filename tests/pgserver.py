"""A throwaway PostgreSQL server for the store tests (Debian's postgresql package)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator


def _binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return os.path.dirname(found[-1])
    path = shutil.which("pg_ctl")
    return os.path.dirname(path) if path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_user(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; the Debian package creates a postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a base URL (without database name) of a fresh server; stop it after."""
    bindir = _binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    if os.geteuid() == 0:
        pwd.getpwnam("postgres")  # KeyError if the package did not create the user
    tmp = tempfile.mkdtemp(prefix="parallax-pg-")
    data = os.path.join(tmp, "data")
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    port = _free_port()
    subprocess.run(
        _as_user([f"{bindir}/initdb", "-D", data, "-U", "parallax", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_user([f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-w", "-l", os.path.join(tmp, "log"), "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://parallax@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_user([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]), capture_output=True
        )
        time.sleep(0.1)
        shutil.rmtree(tmp, ignore_errors=True)
