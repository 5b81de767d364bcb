// node-postgres client test, run by tests/clients/node_test.go as
// `node client.js` after `npm ci`.
//
// It reads PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE (node-postgres
// reads them itself), prints every check, and exits 1 if any failed.
// CHECK_PASSWORD_AUTH=1 also checks that a wrong password is refused (the
// reference PostgreSQL trusts loopback).
//
// node-postgres sends a query without parameters as a simple Query and one
// with parameters through the extended protocol (an unnamed statement, or a
// named one when the query has a name), with text formats. (Its `binary: true`
// result mode is left out: node-postgres 8 misdecodes it against PostgreSQL
// itself.)

'use strict'

process.env.TZ = 'UTC' // dates parse and print in UTC

const pg = require('pg')
const util = require('util')

const TEXT = 'héllo wörld ✓ \'single\' "double" back\\slash 日本語 😀'
const BLOB = Buffer.from([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 0x27, 0x22, 0x5c])

let mode = 'setup'
let failures = 0

function ok(cond, what) {
  if (cond) {
    console.log(`ok   [${mode}] ${what}`)
  } else {
    failures++
    console.log(`FAIL [${mode}] ${what}`)
  }
}

function eq(got, want, what) {
  const same = util.isDeepStrictEqual(got, want)
  if (same) {
    console.log(`ok   [${mode}] ${what} = ${util.inspect(got)}`)
  } else {
    failures++
    console.log(`FAIL [${mode}] ${what}: got ${util.inspect(got)}, want ${util.inspect(want)}`)
  }
}

// section runs one group of checks; an exception fails it and the program
// goes on.
async function section(name, fn) {
  try {
    await fn()
  } catch (e) {
    failures++
    console.log(`FAIL [${mode}] ${name}: ${e && e.stack ? e.stack : e}`)
  }
}

function config(over) {
  return Object.assign({ connectionTimeoutMillis: 10000 }, over || {})
}

async function connect(over) {
  const client = new pg.Client(config(over))
  await client.connect()
  return client
}

async function expectCode(client, code, query) {
  try {
    await client.query(query)
  } catch (e) {
    eq(e.code, code, `${util.inspect(query.text || query, { breakLength: Infinity })} SQLSTATE (${e.message})`)
    return
  }
  ok(false, `${util.inspect(query)}: no error, want SQLSTATE ${code}`)
}

async function row(client, query) {
  const res = await client.query(Object.assign({ rowMode: 'array' }, query))
  return res.rows[0]
}

async function connectErrors() {
  const c = await connect()
  eq((await c.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'connect and SELECT 1')
  await c.end()
  try {
    const bad = await connect({ database: 'no_such_database' })
    await bad.end()
    ok(false, 'unknown database: connected')
  } catch (e) {
    eq(e.code, '3D000', `unknown database SQLSTATE (${e.message})`)
  }
  if (process.env.CHECK_PASSWORD_AUTH === '1') {
    try {
      const bad = await connect({ password: 'wrong-password' })
      await bad.end()
      ok(false, 'wrong password: connected')
    } catch (e) {
      eq(e.code, '28P01', `wrong password SQLSTATE (${e.message})`)
    }
  }
}

// q builds a query config for the current protocol path.
function makeQ(path) {
  let n = 0
  return (text, values) => {
    const q = { text }
    if (values !== undefined) q.values = values
    if (path === 'named') q.name = `stmt_${n++}`
    return q
  }
}

async function errors(client, q) {
  await expectCode(client, '22012', q('SELECT 1/0'))
  eq(await row(client, q('SELECT 1')), [1], 'SELECT 1 after 22012')
  await expectCode(client, '42601', q('SELEC 1'))
  eq(await row(client, q('SELECT 2')), [2], 'SELECT 2 after 42601')
  await expectCode(client, '22012', q('SELECT $1::int / 0', [1]))
  eq(await row(client, q('SELECT $1::int', [3])), [3], 'SELECT 3 after parameterized 22012')
  await expectCode(client, '42601', q('SELEC $1::int', [1]))
  eq(await row(client, q('SELECT $1::int + 1', [3])), [4], 'SELECT 4 after parameterized 42601')
  await expectCode(client, '22P02', q('SELECT $1::int', ['abc']))
  eq(await row(client, q('SELECT $1::int + 2', [3])), [5], 'SELECT 5 after 22P02')
}

async function params(client, q) {
  eq(await row(client, q('SELECT $1::int + 1', [41])), [42], 'int param + 1')
  // int8 and numeric come back as strings (text) in node-postgres.
  eq(await row(client, q('SELECT $1::bigint * 2', ['4611686018427387903'])), ['9223372036854775806'], 'bigint param * 2')
  eq(await row(client, q('SELECT $1::int2 - 1::int2', [-32767])), [-32768], 'int2 param - 1')
  eq(await row(client, q("SELECT $1::text || '!'", [TEXT])), [TEXT + '!'], 'text param with unicode and quotes')
  eq(await row(client, q('SELECT NOT $1::bool', [true])), [false], 'NOT bool param')
  eq(await row(client, q('SELECT $1::float8 * 2, $1::float8 / 3', [1.5])), [3, 0.5], 'float8 param')
  eq(await row(client, q('SELECT $1::float8', [0.1])), [0.1], 'float8 0.1 round trip')
  eq(await row(client, q('SELECT $1::int IS NULL, $2::text, $3::int + 1', [null, null, undefined])), [true, null, null], 'NULL params')
  const ts = new Date(Date.UTC(2024, 2, 15, 13, 45, 30, 123))
  eq(await row(client, q('SELECT $1::timestamp', ['2024-03-15 13:45:30.123'])), [ts], 'timestamp param')
  eq(await row(client, q('SELECT $1::timestamptz', [new Date(Date.UTC(2024, 2, 15, 11, 45, 30, 123))])), [new Date(Date.UTC(2024, 2, 15, 11, 45, 30, 123))], 'timestamptz param (Date)')
  eq(await row(client, q('SELECT $1::numeric + 1', ['12345.678'])), ['12346.678'], 'numeric param + 1')
  eq(await row(client, q('SELECT $1::numeric(10,2)', ['12345.678'])), ['12345.68'], 'numeric(10,2) of param')
  eq(await row(client, q('SELECT ($1::date + 1)::text', ['2024-02-28'])), ['2024-02-29'], 'date param + 1')
  eq(await row(client, q('SELECT $1::date', ['2024-02-29'])), [new Date(Date.UTC(2024, 1, 29))], 'date param')
  eq(await row(client, q('SELECT $1::bytea', [BLOB])), [BLOB], 'bytea param (Buffer)')
  eq(
    await row(client, q('SELECT $1::int, $2::bigint, $3::text, $4::bool, $5::float8, $6::text', [7, '-9000000000', "a'b", false, -2.25, null])),
    [7, '-9000000000', "a'b", false, -2.25, null],
    'several params'
  )
}

async function transaction(client) {
  await client.query('BEGIN')
  await expectCode(client, '22012', 'SELECT 1/0')
  await expectCode(client, '25P02', 'SELECT 1')
  await client.query('ROLLBACK')
  eq(await row(client, { text: 'SELECT $1::int', values: [5] }), [5], 'SELECT 5 after ROLLBACK')
  await client.query('BEGIN')
  eq(await row(client, { text: 'SELECT $1::int * 3', values: [5] }), [15], 'SELECT in a transaction')
  await client.query('COMMIT')
}

async function cancel(client) {
  const start = Date.now()
  const query = new pg.Query('SELECT pg_sleep(30)')
  const pending = new Promise((resolve) => {
    query.on('error', resolve)
    query.on('end', () => resolve(null))
  })
  client.query(query)
  await new Promise((r) => setTimeout(r, 500))
  // A second, unconnected client opens a connection and sends the
  // CancelRequest for the first one's running query.
  new pg.Client(config()).cancel(client, query)
  const err = await pending
  eq(err && err.code, '57014', `canceled pg_sleep(30) SQLSTATE (${err && err.message})`)
  const secs = (Date.now() - start) / 1000
  ok(secs < 5, `cancel took ${secs.toFixed(2)}s`)
  eq(await row(client, { text: 'SELECT 1' }), [1], 'SELECT 1 after cancel')
}

async function main() {
  mode = 'connect'
  await section('connect', connectErrors)
  let client
  try {
    client = await connect()
  } catch (e) {
    ok(false, `connect: ${e.message}`)
  }
  if (client) {
    client.on('error', (e) => ok(false, `client error event: ${e.message}`))
    for (const path of ['unnamed', 'named']) {
      mode = path
      const q = makeQ(path)
      await section('errors', () => errors(client, q))
      await section('params', () => params(client, q))
    }
    mode = 'transaction'
    await section('transaction', () => transaction(client))
    mode = 'cancel'
    await section('cancel', () => cancel(client))
    await client.end()
  }
  if (failures > 0) {
    console.log(`FAILED: ${failures} check(s) failed`)
    process.exit(1)
  }
  console.log(`PASS node-postgres ${require('pg/package.json').version}`)
}

main().catch((e) => {
  console.log(`FAIL ${e && e.stack ? e.stack : e}`)
  process.exit(1)
})
