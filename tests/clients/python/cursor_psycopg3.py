"""psycopg 3: binary results with arrays, SQL cursors (DECLARE, FETCH,
CLOSE) and catalog queries with array parameters and results.
Prints one line per result; TestPsycopg3Cursor compares the output from
Lattice with PostgreSQL's. Connection details come from the PG* variables."""
import psycopg

with psycopg.connect("") as conn:
    conn.execute("SET client_min_messages = warning")
    conn.execute("DROP SCHEMA IF EXISTS cursor_check CASCADE")
    conn.execute("CREATE SCHEMA cursor_check")
    conn.execute("CREATE TABLE cursor_check.t (id int NOT NULL, label text, amount numeric(8,2))")
    conn.execute("INSERT INTO cursor_check.t SELECT i, 'row ' || i, i * 0.25 FROM generate_series(1, 30) s(i)")
    conn.commit()
    try:
        # A plain cursor in binary: arrays and numerics arrive in binary.
        with conn.cursor(binary=True) as cur:
            cur.execute("SELECT id, amount, ARRAY[id, id * 2] AS pair, ARRAY[label] AS labels FROM cursor_check.t ORDER BY id")
            rows = cur.fetchall()
            print("binary", len(rows), rows[:2])
        # DECLARE and FETCH as SQL (psycopg's named cursors also Describe the
        # portal at the protocol level, which Lattice does not offer yet).
        with conn.transaction():
            conn.execute("DECLARE pages NO SCROLL CURSOR FOR SELECT id, label FROM cursor_check.t WHERE id > %s ORDER BY id", (3,))
            seen = 0
            while True:
                batch = conn.execute("FETCH FORWARD 7 FROM pages").fetchall()
                if not batch:
                    break
                seen += len(batch)
                print("fetch", len(batch), batch[0])
            conn.execute("CLOSE pages")
            print("fetched", seen)
        cur = conn.execute("SELECT relname, relkind, relnatts FROM pg_catalog.pg_class WHERE relnamespace = 'cursor_check'::regnamespace")
        print("catalog", cur.fetchall())
        cur = conn.execute("SELECT current_schemas(true), ARRAY['a', NULL, 'b c']::text[], '{1,2}'::int2[], %s::int[]", ([4, 5],))
        print("arrays", cur.fetchone())
        cur = conn.execute("SELECT %s = ANY(%s)", (2, [1, 2, 3]))
        print("any", cur.fetchone())
        try:
            conn.execute("FETCH 1 FROM nope")
        except psycopg.Error as e:
            print("error", e.sqlstate)
        conn.rollback()
    finally:
        conn.execute("DROP SCHEMA cursor_check CASCADE")
        conn.commit()
print("PASS psycopg3 cursor")
