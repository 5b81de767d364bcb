"""SQLAlchemy's inspector over psycopg2, as Superset uses it to browse a
database: schemas, tables, views, columns, keys and indexes of a schema made
for the test. Prints one line per result; TestSQLAlchemyInspector compares
the output from Lattice with PostgreSQL's. Connection details come from the
PG* environment variables."""
import os

import sqlalchemy
from sqlalchemy import create_engine, inspect, text

SCHEMA = "inspect_check"


def url():
    return "postgresql+psycopg2://{}:{}@{}:{}/{}".format(
        os.environ["PGUSER"], os.environ.get("PGPASSWORD", ""), os.environ["PGHOST"],
        os.environ["PGPORT"], os.environ["PGDATABASE"])


def main():
    engine = create_engine(url())
    with engine.connect() as conn:
        conn.execute(text("SET client_min_messages = warning"))
        conn.execute(text("DROP SCHEMA IF EXISTS %s CASCADE" % SCHEMA))
        conn.execute(text("CREATE SCHEMA %s" % SCHEMA))
        conn.execute(text("CREATE TABLE %s.sales (id integer NOT NULL, region varchar(16), amount numeric(12,2),"
                          " sold_at timestamp, qty bigint, note text, ok boolean, ratio double precision, day date)" % SCHEMA))
        conn.execute(text("CREATE TABLE %s.regions (name text, code char(2))" % SCHEMA))
        if hasattr(conn, "commit"):
            conn.commit()
    try:
        insp = inspect(engine)
        schemas = insp.get_schema_names()
        print("schema present:", SCHEMA in schemas, "public present:", "public" in schemas)
        print("tables:", sorted(insp.get_table_names(schema=SCHEMA)))
        print("views:", sorted(insp.get_view_names(schema=SCHEMA)))
        for table in ("regions", "sales"):
            for c in insp.get_columns(table, schema=SCHEMA):
                print("column:", table, c["name"], repr(c["type"]), "nullable=%s" % c["nullable"],
                      "default=%s" % c["default"], "autoincrement=%s" % c.get("autoincrement"))
            print("pk:", table, insp.get_pk_constraint(table, schema=SCHEMA))
            print("fks:", table, insp.get_foreign_keys(table, schema=SCHEMA))
            print("indexes:", table, insp.get_indexes(table, schema=SCHEMA))
            print("unique:", table, insp.get_unique_constraints(table, schema=SCHEMA))
            print("comment:", table, insp.get_table_comment(table, schema=SCHEMA))
        print("has_table:", engine.dialect.has_table(engine.connect(), "sales", schema=SCHEMA),
              engine.dialect.has_table(engine.connect(), "nope", schema=SCHEMA))
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT region, sum(amount) FROM %s.sales GROUP BY region ORDER BY 1" % SCHEMA)).fetchall()
            print("query:", rows)
    finally:
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA %s CASCADE" % SCHEMA))
            if hasattr(conn, "commit"):
                conn.commit()
    print("PASS sqlalchemy", sqlalchemy.__version__)


main()
