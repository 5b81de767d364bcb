// node-postgres with pg-cursor: a result read in batches through a portal
// (Execute with a row limit, PortalSuspended between batches), and the
// catalog queries a node tool sends to list tables and columns. Prints one
// line per result; TestNodeCursor compares Lattice's output with
// PostgreSQL's. Connection details come from the PG* environment variables.
const { Client } = require('pg');
const Cursor = require('pg-cursor');

function read(cursor, n) {
  return new Promise((resolve, reject) => cursor.read(n, (err, rows) => (err ? reject(err) : resolve(rows))));
}

async function main() {
  const client = new Client();
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('DROP SCHEMA IF EXISTS node_check CASCADE');
    await client.query('CREATE SCHEMA node_check');
    await client.query('CREATE TABLE node_check.events (id int NOT NULL, kind text, amount numeric(10,2))');
    await client.query("INSERT INTO node_check.events SELECT i, 'k' || (i % 3), i * 0.5 FROM generate_series(1, 23) s(i)");

    const cursor = client.query(new Cursor('SELECT id, kind, amount FROM node_check.events WHERE id > $1 ORDER BY id', [2]));
    let batch = 0;
    for (;;) {
      const rows = await read(cursor, 8);
      if (rows.length === 0) break;
      batch++;
      console.log(`batch ${batch}: ${rows.length} rows, first ${JSON.stringify(rows[0])}`);
    }
    await new Promise((resolve, reject) => cursor.close((err) => (err ? reject(err) : resolve())));

    const tables = await client.query(
      "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", ['node_check']);
    console.log('tables', JSON.stringify(tables.rows));
    const cols = await client.query(
      `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
         FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, ['node_check.events']);
    console.log('columns', JSON.stringify(cols.rows));
    const arr = await client.query("SELECT ARRAY['a', 'b c'] AS t, ARRAY[1, 2] AS i, current_schemas(true) AS s");
    console.log('arrays', JSON.stringify(arr.rows));
  } finally {
    await client.query('DROP SCHEMA node_check CASCADE');
    await client.end();
  }
  console.log('PASS node-postgres cursor');
}

main().catch((err) => {
  console.log('FAIL', err.message);
  process.exit(1);
});
