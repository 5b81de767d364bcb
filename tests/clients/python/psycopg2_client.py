"""psycopg2 client test: /usr/bin/python3 psycopg2_client.py (see common.py).

psycopg2 interpolates parameters on the client and sends simple Query
messages; results come back in text format.
"""

import datetime
import decimal
import os
import threading
import time

import psycopg2
import psycopg2.errors
import psycopg2.extensions

from common import BLOB, DATE, NUMERIC, TEXT, TIMESTAMP, TIMESTAMPTZ, Checker, check_password_auth, conninfo

c = Checker("psycopg2 " + psycopg2.__version__)


def one(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()


def expect_code(conn, code, sql, args=None):
    try:
        one(conn, sql, args)
    except psycopg2.Error as e:
        c.eq(e.pgcode, code, f"{sql} SQLSTATE ({type(e).__name__}: {str(e).splitlines()[0]})")
        return
    c.ok(False, f"{sql}: no error, want SQLSTATE {code}")


def connect_errors():
    conn = psycopg2.connect(conninfo())
    c.eq(one(conn, "SELECT 1"), (1,), "connect and SELECT 1")
    conn.close()
    # libpq reports no SQLSTATE for a failed connection, only the message.
    try:
        psycopg2.connect(conninfo(dbname="no_such_database"))
        c.ok(False, "unknown database: connected")
    except psycopg2.OperationalError as e:
        c.ok('FATAL:  database "no_such_database" does not exist' in str(e), f"unknown database refused: {str(e).strip()}")
    if check_password_auth():
        try:
            psycopg2.connect(conninfo(password="wrong-password"))
            c.ok(False, "wrong password: connected")
        except psycopg2.OperationalError as e:
            want = f'FATAL:  password authentication failed for user "{os.environ["PGUSER"]}"'
            c.ok(want in str(e), f"wrong password refused: {str(e).strip()}")


def errors(conn):
    expect_code(conn, "22012", "SELECT 1/0")
    if not conn.autocommit:
        # The failed statement aborted the transaction psycopg2 opened.
        expect_code(conn, "25P02", "SELECT 1")
        conn.rollback()
    c.eq(one(conn, "SELECT 1"), (1,), "SELECT 1 after 22012")
    expect_code(conn, "42601", "SELEC 1")
    if not conn.autocommit:
        conn.rollback()
    c.eq(one(conn, "SELECT 2"), (2,), "SELECT 2 after 42601")
    expect_code(conn, "22P02", "SELECT %s::int", ("abc",))
    if not conn.autocommit:
        conn.rollback()
    c.eq(one(conn, "SELECT %s::int", (3,)), (3,), "SELECT 3 after 22P02")
    if not conn.autocommit:
        conn.commit()


def params(conn):
    c.eq(one(conn, "SELECT %s::int + 1", (41,)), (42,), "int param + 1")
    c.eq(one(conn, "SELECT %s::bigint * 2", (4611686018427387903,)), (9223372036854775806,), "bigint param * 2")
    c.eq(one(conn, "SELECT %s::int2 - 1::int2", (-32767,)), (-32768,), "int2 param - 1")
    c.eq(one(conn, "SELECT %s::text || '!'", (TEXT,)), (TEXT + "!",), "text param with unicode and quotes")
    c.eq(one(conn, "SELECT %s || '%%'", ("50",)), ("50%",), "literal %% in the query")
    c.eq(one(conn, "SELECT %s::numeric + 1", (NUMERIC,)), (decimal.Decimal("12346.678"),), "numeric param + 1")
    c.eq(one(conn, "SELECT %s::numeric(10,2)", (NUMERIC,)), (decimal.Decimal("12345.68"),), "numeric(10,2) of param")
    c.eq(one(conn, "SELECT NOT %s::bool", (True,)), (False,), "NOT bool param")
    c.eq(one(conn, "SELECT %s::float8 * 2, %s::float8", (1.5, 0.1)), (3.0, 0.1), "float8 params")
    c.eq(one(conn, "SELECT %s::date + 1", (DATE,)), (datetime.date(2024, 2, 29),), "date param + 1")
    c.eq(one(conn, "SELECT %s::timestamp", (TIMESTAMP,)), (TIMESTAMP,), "timestamp param")
    (got,) = one(conn, "SELECT %s::timestamptz", (TIMESTAMPTZ,))
    c.ok(got == TIMESTAMPTZ, f"timestamptz param: {got!r}")
    (got,) = one(conn, "SELECT %s::bytea", (psycopg2.Binary(BLOB),))
    c.eq(bytes(got), BLOB, "bytea param")
    c.eq(one(conn, "SELECT %s::int IS NULL, %s::text, %s::int + 1", (None, None, None)), (True, None, None), "NULL params")
    c.eq(
        one(conn, "SELECT %(i)s::int, %(b)s::bigint, %(t)s::text, %(f)s::float8, %(n)s::text", {"i": 7, "b": -9000000000, "t": "a'b", "f": -2.25, "n": None}),
        (7, -9000000000, "a'b", -2.25, None),
        "several named params",
    )
    if not conn.autocommit:
        conn.commit()


def transaction(conn):
    if not conn.autocommit:
        conn.rollback()
    conn.autocommit = False
    expect_code(conn, "22012", "SELECT 1/0")
    expect_code(conn, "25P02", "SELECT 1")
    conn.rollback()
    c.eq(one(conn, "SELECT 5"), (5,), "SELECT 5 after rollback")
    conn.commit()
    with conn:  # commits at the end of the block
        c.eq(one(conn, "SELECT %s::int * 3", (5,)), (15,), "SELECT in a with block")


def cancel(conn):
    def canceller():
        time.sleep(0.5)
        conn.cancel()

    t = threading.Thread(target=canceller)
    start = time.monotonic()
    t.start()
    expect_code(conn, "57014", "SELECT pg_sleep(30)")
    t.join()
    elapsed = time.monotonic() - start
    c.ok(elapsed < 5, f"cancel took {elapsed:.2f}s")
    if not conn.autocommit:
        conn.rollback()
    c.eq(one(conn, "SELECT 1"), (1,), "SELECT 1 after cancel")


def main():
    c.mode = "connect"
    c.section("connect", connect_errors)
    for mode, autocommit in (("autocommit", True), ("transaction", False)):
        c.mode = mode
        try:
            conn = psycopg2.connect(conninfo())
        except psycopg2.Error as e:
            c.ok(False, f"connect: {e}")
            continue
        conn.autocommit = autocommit
        c.section("errors", errors, conn)
        c.section("params", params, conn)
        c.section("cancel", cancel, conn)
        c.section("transaction", transaction, conn)
        conn.close()
    c.finish()


if __name__ == "__main__":
    main()
