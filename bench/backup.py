"""Back up the database and prove the backup restores: `make backup`.

Dumps the PostgreSQL database DATABASE_URL names with pg_dump (custom format, compressed)
into `--folder` (var/backups), restores the file into a throwaway database on the same
server, compares the number of rows of every table of the two, drops the throwaway database
and reports. It exits non-zero if the restore failed or any count differs: a backup that
does not restore is not a backup.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.backup [--folder var/backups]
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.serving import ROOT


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "backups")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to the PostgreSQL database to back up.")

    options.folder.mkdir(parents=True, exist_ok=True)
    name = urlsplit(url).path.strip("/")
    dump = options.folder / f"{name}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.dump"
    started = time.monotonic()
    subprocess.run(
        ["pg_dump", "--format", "custom", "--no-owner", "--file", dump, "--dbname", url],
        check=True,
    )
    dumped = time.monotonic() - started
    print(f"Backed up {name} to {dump} ({dump.stat().st_size / 1e6:.1f} MB, {dumped:.1f} s)")

    copy = f"{name}_restore_check_{os.getpid()}"
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    copy_url = urlunsplit(urlsplit(url)._replace(path=f"/{copy}"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(copy)))
    try:
        started = time.monotonic()
        restored = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", copy_url, dump]
        )
        print(
            f"Restored it into the throwaway database {copy} ({time.monotonic() - started:.1f} s)"
        )
        original, restored_counts = row_counts(url), row_counts(copy_url)
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy))
            )
    different = {
        table: (count, restored_counts.get(table))
        for table, count in original.items()
        if restored_counts.get(table) != count
    }
    print(f"{len(original)} tables, {sum(original.values()):,} rows compared")
    for table in ("clusters_cluster", "clusters_organisation", "clusters_membership"):
        if table in original:
            print(f"  {table}: {original[table]:,} rows, restored {restored_counts.get(table):,}")
    for table, (count, copied) in sorted(different.items()):
        print(f"  DIFFERENT {table}: {count} rows, restored {copied}")
    if restored.returncode or different:
        sys.exit("The backup did not restore as it was.")
    print("The backup restores with the same number of rows in every table.")


def row_counts(url):
    """{table: rows} of every table of the public schema."""
    with psycopg.connect(url) as connection:
        tables = [
            table
            for (table,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


if __name__ == "__main__":
    main()
