"""The embedded PostgreSQL server used when ``DATABASE_URL`` is not set.

`make run` and `make test` start it with ``python -m fairportal.embedded_db start``;
settings only *read* where it listens (``database_settings``), so importing settings
never starts a process. The server comes from the ``pgserver`` package, keeps its data
under ``var/pgdata`` and listens on a Unix socket only (no TCP port to collide with).

Usage::

    python -m fairportal.embedded_db start    # idempotent; creates the database
    python -m fairportal.embedded_db stop
    python -m fairportal.embedded_db status
"""

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"
DATABASE_NAME = "fairportal"
SUPERUSER = "postgres"
DEFAULT_PORT = "5432"


def _postmaster_fields(pgdata: Path) -> tuple[str, str] | None:
    """(socket_dir, port) from ``postmaster.pid``, or None when the server never ran.

    PostgreSQL documents the file's layout: line 4 is the port, line 5 the socket dir.
    """
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return None
    if len(lines) < 5 or not lines[4].strip():
        return None
    return lines[4].strip(), lines[3].strip() or DEFAULT_PORT


def database_settings(pgdata: Path = PGDATA) -> dict:
    """A ``DATABASES['default']`` entry for the embedded server.

    When the server is not running the socket directory is a best guess, so Django's
    connection error names the missing socket; `make db-start` fixes it.
    """
    socket_dir, port = _postmaster_fields(pgdata) or (str(pgdata), DEFAULT_PORT)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": SUPERUSER,
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": port,
    }


def _system_user() -> str | None:
    # PostgreSQL refuses to run as root; pgserver then runs it as its own user.
    return "pgserver" if os.geteuid() == 0 else None


def _quiet_platformdirs() -> None:
    # pgserver asks platformdirs for a runtime dir at import; on servers without a login
    # session XDG_RUNTIME_DIR is unset and the fallback warning is noise in every `make`.
    warnings.filterwarnings("ignore", module="platformdirs")


def start(pgdata: Path = PGDATA) -> dict:
    """Start the server if needed and make sure the project's database exists."""
    _quiet_platformdirs()
    import pgserver
    import psycopg

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    pgserver.get_server(pgdata, cleanup_mode=None)
    settings = database_settings(pgdata)
    with psycopg.connect(
        dbname="postgres",
        user=SUPERUSER,
        host=settings["HOST"],
        port=settings["PORT"],
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return settings


def stop(pgdata: Path = PGDATA) -> bool:
    """Stop the server; False when it was not running."""
    _quiet_platformdirs()
    from pgserver._commands import pg_ctl
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=_system_user())
    return True


def is_running(pgdata: Path = PGDATA) -> bool:
    _quiet_platformdirs()
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    return info is not None and info.is_running()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        settings = start()
        print(f"Embedded PostgreSQL is running: database {settings['NAME']!r}, socket in {settings['HOST']}")
    elif command == "stop":
        print("Embedded PostgreSQL stopped." if stop() else "Embedded PostgreSQL was not running.")
    elif command == "status":
        running = is_running()
        print("Embedded PostgreSQL is running." if running else "Embedded PostgreSQL is stopped.")
        return 0 if running else 3
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
