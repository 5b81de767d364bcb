"""Shared helpers of the Python client tests (run by tests/clients/python_test.go).

The connection details come from PGHOST, PGPORT, PGUSER, PGPASSWORD and
PGDATABASE. Every check prints one line; a failed check is counted and the
script goes on, then exits 1 at the end. CHECK_PASSWORD_AUTH=1 also checks
that a wrong password is refused (the reference PostgreSQL trusts loopback).
"""

import datetime
import decimal
import os
import sys
import traceback

TEXT = "héllo wörld ✓ 'single' \"double\" back\\slash 日本語 😀"
BLOB = bytes([0, 1, 2, 0x7F, 0x80, 0xFE, 0xFF]) + b"'\"\\"
NUMERIC = decimal.Decimal("12345.678")
DATE = datetime.date(2024, 2, 28)
TIMESTAMP = datetime.datetime(2024, 3, 15, 13, 45, 30, 123456)
TIMESTAMPTZ = datetime.datetime(2024, 3, 15, 13, 45, 30, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))


class Checker:
    def __init__(self, client):
        self.client = client
        self.mode = "setup"
        self.failures = 0

    def ok(self, cond, what):
        if cond:
            print(f"ok   [{self.mode}] {what}", flush=True)
        else:
            self.failures += 1
            print(f"FAIL [{self.mode}] {what}", flush=True)

    def eq(self, got, want, what):
        if got == want and type(got) is type(want):
            print(f"ok   [{self.mode}] {what} = {got!r}", flush=True)
        else:
            self.failures += 1
            print(f"FAIL [{self.mode}] {what}: got {got!r} ({type(got).__name__}), want {want!r} ({type(want).__name__})", flush=True)

    def section(self, name, fn, *args):
        """Runs one group of checks; an exception fails it and the script goes on."""
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - report whatever went wrong
            self.failures += 1
            print(f"FAIL [{self.mode}] {name}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc(file=sys.stdout)

    def finish(self):
        if self.failures:
            print(f"FAILED: {self.failures} check(s) failed", flush=True)
            sys.exit(1)
        print(f"PASS {self.client}", flush=True)


def check_password_auth():
    return os.environ.get("CHECK_PASSWORD_AUTH") == "1"


def conninfo(**override):
    """A libpq connection string from the PG* variables, with overrides."""
    params = {
        "host": os.environ["PGHOST"],
        "port": os.environ["PGPORT"],
        "user": os.environ["PGUSER"],
        "password": os.environ.get("PGPASSWORD", ""),
        "dbname": os.environ["PGDATABASE"],
        "connect_timeout": "10",
    }
    params.update(override)

    def quote(v):
        return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{k}={quote(v)}" for k, v in params.items())
