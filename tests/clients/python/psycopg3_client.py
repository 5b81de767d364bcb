"""psycopg 3 client test: /usr/bin/python3 psycopg3_client.py (see common.py).

psycopg 3 binds parameters on the server (extended protocol). The modes
cover text and binary formats, named prepared statements, client-side
binding (simple protocol) and pipeline mode.
"""

import datetime
import decimal
import os
import threading
import time

import psycopg
import psycopg.errors

from common import BLOB, DATE, NUMERIC, TEXT, TIMESTAMP, TIMESTAMPTZ, Checker, check_password_auth, conninfo

c = Checker("psycopg " + psycopg.__version__)

# name -> how one statement runs: cursor factory, placeholder, prepare flag
MODES = {
    "text": dict(cursor=lambda conn: conn.cursor(), ph="%s", prepare=None),
    "binary": dict(cursor=lambda conn: conn.cursor(binary=True), ph="%b", prepare=None),
    "prepared": dict(cursor=lambda conn: conn.cursor(), ph="%s", prepare=True),
    "prepared_binary": dict(cursor=lambda conn: conn.cursor(binary=True), ph="%b", prepare=True),
    "client_binding": dict(cursor=lambda conn: psycopg.ClientCursor(conn), ph="%s", prepare=None),
}


class Runner:
    def __init__(self, conn, mode):
        self.conn = conn
        self.m = MODES[mode]

    def one(self, sql, args=None):
        if args is not None:
            sql = sql.replace("%s", self.m["ph"])
        with self.m["cursor"](self.conn) as cur:
            cur.execute(sql, args, prepare=self.m["prepare"])
            return cur.fetchone()

    def expect_code(self, code, sql, args=None):
        try:
            self.one(sql, args)
        except psycopg.Error as e:
            c.eq(e.sqlstate, code, f"{sql} SQLSTATE ({type(e).__name__}: {str(e).splitlines()[0]})")
            return
        c.ok(False, f"{sql}: no error, want SQLSTATE {code}")


def connect_errors():
    with psycopg.connect(conninfo()) as conn:
        c.eq(conn.execute("SELECT 1").fetchone(), (1,), "connect and SELECT 1")
    # libpq reports no SQLSTATE for a failed connection, only the message.
    try:
        psycopg.connect(conninfo(dbname="no_such_database"))
        c.ok(False, "unknown database: connected")
    except psycopg.OperationalError as e:
        c.ok('FATAL:  database "no_such_database" does not exist' in str(e), f"unknown database refused: {str(e).strip()}")
    if check_password_auth():
        try:
            psycopg.connect(conninfo(password="wrong-password"))
            c.ok(False, "wrong password: connected")
        except psycopg.OperationalError as e:
            want = f'FATAL:  password authentication failed for user "{os.environ["PGUSER"]}"'
            c.ok(want in str(e), f"wrong password refused: {str(e).strip()}")


def errors(r):
    r.expect_code("22012", "SELECT 1/0")
    c.eq(r.one("SELECT 1"), (1,), "SELECT 1 after 22012")
    r.expect_code("42601", "SELEC 1")
    c.eq(r.one("SELECT 2"), (2,), "SELECT 2 after 42601")
    r.expect_code("22012", "SELECT %s::int / 0", (1,))
    c.eq(r.one("SELECT %s::int", (3,)), (3,), "SELECT 3 after parameterized 22012")
    r.expect_code("42601", "SELEC %s::int", (1,))
    c.eq(r.one("SELECT %s::int + 1", (3,)), (4,), "SELECT 4 after parameterized 42601")


def params(r):
    c.eq(r.one("SELECT %s::int + 1", (41,)), (42,), "int param + 1")
    c.eq(r.one("SELECT %s::bigint * 2", (4611686018427387903,)), (9223372036854775806,), "bigint param * 2")
    c.eq(r.one("SELECT %s::int2 - 1::int2", (-32767,)), (-32768,), "int2 param - 1")
    c.eq(r.one("SELECT %s::text || '!'", (TEXT,)), (TEXT + "!",), "text param with unicode and quotes")
    c.eq(r.one("SELECT %s::varchar", ("it's",)), ("it's",), "varchar param")
    c.eq(r.one("SELECT %s::numeric + 1", (NUMERIC,)), (decimal.Decimal("12346.678"),), "numeric param + 1")
    c.eq(r.one("SELECT %s::numeric(10,2)", (NUMERIC,)), (decimal.Decimal("12345.68"),), "numeric(10,2) of param")
    c.eq(r.one("SELECT NOT %s::bool", (True,)), (False,), "NOT bool param")
    c.eq(r.one("SELECT %s::float8 * 2, %s::float8", (1.5, 0.1)), (3.0, 0.1), "float8 params")
    c.eq(r.one("SELECT %s::date + 1", (DATE,)), (datetime.date(2024, 2, 29),), "date param + 1")
    c.eq(r.one("SELECT %s::timestamp", (TIMESTAMP,)), (TIMESTAMP,), "timestamp param")
    (got,) = r.one("SELECT %s::timestamptz", (TIMESTAMPTZ,))
    c.ok(got == TIMESTAMPTZ, f"timestamptz param: {got!r}")
    c.eq(r.one("SELECT %s::bytea", (BLOB,)), (BLOB,), "bytea param")
    c.eq(r.one("SELECT %s::int IS NULL, %s::text, %s::int + 1", (None, None, None)), (True, None, None), "NULL params")
    c.eq(
        r.one("SELECT %s::int, %s::bigint, %s::text, %s::bool, %s::float8, %s::text", (7, -9000000000, "a'b", False, -2.25, None)),
        (7, -9000000000, "a'b", False, -2.25, None),
        "several params",
    )
    # Parameters whose type the server infers.
    c.eq(r.one("SELECT %s + 1", (41,)), (42,), "untyped int param + 1")


def transaction(conn):
    conn.autocommit = False
    r = Runner(conn, "text")
    r.expect_code("22012", "SELECT 1/0")
    r.expect_code("25P02", "SELECT 1")
    conn.rollback()
    c.eq(r.one("SELECT 5"), (5,), "SELECT 5 after rollback")
    conn.commit()
    with conn.transaction():
        c.eq(r.one("SELECT %s::int * 3", (5,)), (15,), "SELECT in conn.transaction()")
    try:
        with conn.transaction():
            r.one("SELECT 1/0")
    except psycopg.errors.DivisionByZero:
        c.ok(True, "error in conn.transaction() rolls back")
    c.eq(r.one("SELECT 6"), (6,), "SELECT 6 after the rolled back block")
    conn.commit()
    conn.autocommit = True


def pipeline(conn):
    with conn.pipeline():
        cur1 = conn.execute("SELECT %s::int", (1,))
        cur2 = conn.execute("SELECT %s::text || '!'", (TEXT,))
        cur3 = conn.execute("SELECT %s::numeric", (NUMERIC,))
    c.eq((cur1.fetchone(), cur2.fetchone(), cur3.fetchone()), ((1,), (TEXT + "!",), (NUMERIC,)), "three statements in a pipeline")
    first = None
    try:
        with conn.pipeline():
            first = conn.execute("SELECT %s::int", (1,))
            conn.execute("SELECT %s::int / 0", (1,))
            conn.execute("SELECT 3")
        c.ok(False, "pipeline with 1/0: no error")
    except psycopg.errors.DivisionByZero as e:
        c.eq(e.sqlstate, "22012", "pipeline with 1/0 SQLSTATE")
    c.eq(first.fetchone() if first else None, (1,), "statement before the error in the pipeline")
    c.eq(conn.execute("SELECT 4").fetchone(), (4,), "SELECT 4 after the failed pipeline")


def cancel(conn):
    def canceller():
        time.sleep(0.5)
        conn.cancel()

    t = threading.Thread(target=canceller)
    start = time.monotonic()
    t.start()
    try:
        conn.execute("SELECT pg_sleep(30)")
        c.ok(False, "pg_sleep(30) was not canceled")
    except psycopg.Error as e:
        c.eq(e.sqlstate, "57014", f"conn.cancel() of pg_sleep(30) SQLSTATE ({type(e).__name__}: {e})")
    t.join()
    elapsed = time.monotonic() - start
    c.ok(elapsed < 5, f"cancel took {elapsed:.2f}s")
    c.eq(conn.execute("SELECT 1").fetchone(), (1,), "SELECT 1 after cancel")


def main():
    c.mode = "connect"
    c.section("connect", connect_errors)
    try:
        conn = psycopg.connect(conninfo(), autocommit=True)
    except psycopg.Error as e:
        c.ok(False, f"connect: {e}")
        c.finish()
    for mode in MODES:
        c.mode = mode
        r = Runner(conn, mode)
        c.section("errors", errors, r)
        c.section("params", params, r)
    c.mode = "transaction"
    c.section("transaction", transaction, conn)
    c.mode = "pipeline"
    c.section("pipeline", pipeline, conn)
    c.mode = "cancel"
    c.section("cancel", cancel, conn)
    conn.close()
    c.finish()


if __name__ == "__main__":
    main()
