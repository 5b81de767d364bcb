// pgjdbc client test, run by tests/clients/jdbc_test.go:
//
//   javac -d OUT ClientTest.java && java -cp OUT:/usr/share/java/postgresql.jar ClientTest
//
// It reads PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE, prints every
// check and exits 1 at the first failure. CHECK_PASSWORD_AUTH=1 also checks
// that a wrong password is refused (the reference PostgreSQL trusts loopback).

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;

public class ClientTest {
    static String host = env("PGHOST"), port = env("PGPORT"), user = env("PGUSER"),
            password = System.getenv().getOrDefault("PGPASSWORD", ""), database = env("PGDATABASE");
    static String mode = "";
    static int failures = 0;

    static String env(String k) {
        String v = System.getenv(k);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("environment variable " + k + " is not set");
        }
        return v;
    }

    // fail ends the current section; the program goes on with the next one
    // and exits 1 at the end.
    static void fail(String msg) {
        throw new AssertionError("[" + mode + "] " + msg);
    }

    // check and checkEq record a failure and go on.
    static void check(boolean ok, String what) {
        if (!ok) {
            failures++;
            System.out.println("FAIL [" + mode + "] " + what);
            return;
        }
        System.out.println("ok   [" + mode + "] " + what);
    }

    static void checkEq(Object got, Object want, String what) {
        if (!Objects.equals(got, want)) {
            failures++;
            System.out.println("FAIL [" + mode + "] " + what + ": got " + got + " ("
                    + (got == null ? "null" : got.getClass().getSimpleName()) + "), want " + want);
            return;
        }
        System.out.println("ok   [" + mode + "] " + what + " = " + got);
    }

    interface Section {
        void run() throws Exception;
    }

    // section runs one group of checks; an exception fails it and the
    // program goes on with the next group.
    static void section(String name, Section s) {
        try {
            s.run();
        } catch (Throwable e) {
            failures++;
            System.out.println("FAIL [" + mode + "] " + name + ": " + e);
            e.printStackTrace(System.out);
        }
    }

    static Connection connect(String db, String pw, String extra) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", pw);
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60");
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + db + extra;
        return DriverManager.getConnection(url, p);
    }

    interface SQLRunnable {
        void run() throws SQLException;
    }

    static void expectState(String state, String what, SQLRunnable r) {
        try {
            r.run();
        } catch (SQLException e) {
            checkEq(e.getSQLState(), state, what + " SQLSTATE (" + e.getMessage().replace('\n', ' ') + ")");
            return;
        }
        check(false, what + ": no error, want SQLSTATE " + state);
    }

    static Object one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                fail(sql + ": no row");
            }
            return rs.getObject(1);
        }
    }

    public static void main(String[] args) throws Exception {
        // Settings the driver sends at startup (TimeZone) follow the JVM's.
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        mode = "connect";
        section("connect", ClientTest::connectErrors);
        // The modes exercise pgjdbc's protocol paths: the default (unnamed
        // statements, named and binary after 5 executions), named statements
        // and binary transfer from the first execution, and the simple
        // protocol with parameters interpolated by the driver.
        String[][] modes = {
            {"default", ""},
            {"prepareThreshold=1", "?prepareThreshold=1"},
            {"preferQueryMode=simple", "?preferQueryMode=simple"},
            {"preferQueryMode=extendedForPrepared", "?preferQueryMode=extendedForPrepared"},
        };
        for (String[] m : modes) {
            mode = m[0];
            try (Connection c = connect(database, password, m[1])) {
                section("errors", () -> errors(c));
                section("params", () -> params(c));
                section("repeated", () -> repeated(c));
                section("transaction", () -> transaction(c));
                section("cancel", () -> cancel(c));
            } catch (SQLException e) {
                failures++;
                System.out.println("FAIL [" + mode + "] connect: " + e);
            }
        }
        if (failures > 0) {
            System.out.println("FAILED: " + failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println("PASS pgjdbc " + org.postgresql.Driver.getVersion());
    }

    static void connectErrors() throws SQLException {
        try (Connection c = connect(database, password, "")) {
            checkEq(one(c, "SELECT 1"), 1, "connect and SELECT 1");
        }
        expectState("3D000", "unknown database", () -> connect("no_such_database", password, "").close());
        if ("1".equals(System.getenv("CHECK_PASSWORD_AUTH"))) {
            expectState("28P01", "wrong password", () -> connect(database, "wrong-" + password, "").close());
        }
    }

    static void errors(Connection c) throws SQLException {
        expectState("22012", "SELECT 1/0", () -> one(c, "SELECT 1/0"));
        checkEq(one(c, "SELECT 1"), 1, "SELECT 1 after 22012");
        expectState("42601", "SELEC 1", () -> one(c, "SELEC 1"));
        checkEq(one(c, "SELECT 2"), 2, "SELECT 2 after 42601");
        expectState("22012", "prepared 1/$1", () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1/?::int")) {
                ps.setInt(1, 0);
                ps.executeQuery().close();
            }
        });
        checkEq(one(c, "SELECT 3"), 3, "SELECT 3 after prepared error");
        expectState("22P02", "'abc' as int parameter", () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT ?::int")) {
                ps.setString(1, "abc");
                ps.executeQuery().close();
            }
        });
        checkEq(one(c, "SELECT 4"), 4, "SELECT 4 after 22P02");
    }

    interface PSBody {
        void run(PreparedStatement ps) throws Exception;
    }

    // stmt prepares sql and runs body on it as its own section.
    static void stmt(Connection c, String sql, PSBody body) {
        section(sql, () -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                body.run(ps);
            }
        });
    }

    static ResultSet query(PreparedStatement ps) throws SQLException {
        ResultSet rs = ps.executeQuery();
        if (!rs.next()) {
            fail("no row");
        }
        return rs;
    }

    static void params(Connection c) throws SQLException {
        stmt(c, "SELECT ?::int + 1", ps -> {
            ps.setInt(1, 41);
            checkEq(query(ps).getInt(1), 42, "int param + 1");
        });
        stmt(c, "SELECT ?::bigint * 2", ps -> {
            ps.setLong(1, 4611686018427387903L);
            checkEq(query(ps).getLong(1), 9223372036854775806L, "bigint param * 2");
        });
        stmt(c, "SELECT ?::int2 - 1::int2", ps -> {
            ps.setShort(1, (short) -32767);
            checkEq(query(ps).getShort(1), (short) -32768, "int2 param - 1");
        });
        String text = "héllo wörld ✓ 'single' \"double\" back\\slash 日本語 😀";
        stmt(c, "SELECT ?::text || '!'", ps -> {
            ps.setString(1, text);
            checkEq(query(ps).getString(1), text + "!", "text param with unicode and quotes");
        });
        stmt(c, "SELECT ?::numeric + 1, ?::numeric(10,2)", ps -> {
            ps.setBigDecimal(1, new BigDecimal("12345.678"));
            ps.setBigDecimal(2, new BigDecimal("12345.678"));
            ResultSet rs = query(ps);
            checkEq(rs.getBigDecimal(1), new BigDecimal("12346.678"), "numeric param + 1");
            checkEq(rs.getBigDecimal(2), new BigDecimal("12345.68"), "numeric(10,2) of param");
            checkEq(rs.getString(1), "12346.678", "numeric as string");
        });
        stmt(c, "SELECT NOT ?::bool", ps -> {
            ps.setBoolean(1, true);
            checkEq(query(ps).getBoolean(1), false, "NOT bool param");
        });
        stmt(c, "SELECT ?::float8 * 2, ?::float8, ?::float4", ps -> {
            ps.setDouble(1, 1.5);
            ps.setDouble(2, 0.1);
            ps.setFloat(3, 0.1f);
            ResultSet rs = query(ps);
            checkEq(rs.getDouble(1), 3.0, "float8 param * 2");
            checkEq(rs.getDouble(2), 0.1, "float8 0.1 round trip");
            checkEq(rs.getFloat(3), 0.1f, "float4 0.1 round trip");
        });
        stmt(c, "SELECT ?::date + 1", ps -> {
            ps.setObject(1, LocalDate.of(2024, 2, 28));
            checkEq(query(ps).getObject(1, LocalDate.class), LocalDate.of(2024, 2, 29), "date param (LocalDate) + 1");
        });
        // setDate sends the text "2024-02-29 +00" with an unspecified type.
        stmt(c, "SELECT ?::date", ps -> {
            ps.setDate(1, java.sql.Date.valueOf("2024-02-29"));
            checkEq(query(ps).getString(1), "2024-02-29", "date param (java.sql.Date)");
        });
        LocalDateTime ldt = LocalDateTime.of(2024, 3, 15, 13, 45, 30, 123456000);
        stmt(c, "SELECT ?::timestamp, ?::timestamp, ?::timestamptz", ps -> {
            ps.setObject(1, ldt);
            ps.setTimestamp(2, java.sql.Timestamp.valueOf(ldt));
            ps.setObject(3, OffsetDateTime.of(ldt, ZoneOffset.ofHours(2)));
            ResultSet rs = query(ps);
            checkEq(rs.getObject(1, LocalDateTime.class), ldt, "timestamp param (LocalDateTime)");
            checkEq(rs.getTimestamp(2), java.sql.Timestamp.valueOf(ldt), "timestamp param (java.sql.Timestamp)");
            checkEq(rs.getObject(3, OffsetDateTime.class).toInstant(), OffsetDateTime.of(ldt, ZoneOffset.ofHours(2)).toInstant(),
                    "timestamptz param");
        });
        byte[] blob = {0, 1, 2, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff, '\'', '"', '\\'};
        // pgjdbc 42.5's simple mode cannot interpolate bytea (PostgreSQL
        // itself rejects the SQL it builds), so bytea is checked elsewhere.
        if (!mode.equals("preferQueryMode=simple")) {
            stmt(c, "SELECT ?::bytea", ps -> {
                ps.setBytes(1, blob);
                byte[] got = query(ps).getBytes(1);
                check(Arrays.equals(got, blob), "bytea round trip " + Arrays.toString(got));
            });
        }
        // NULL parameters.
        stmt(c, "SELECT ?::int IS NULL, ?::text, ?::int + 1, ?::numeric", ps -> {
            ps.setNull(1, Types.INTEGER);
            ps.setNull(2, Types.VARCHAR);
            ps.setObject(3, null, Types.INTEGER);
            ps.setNull(4, Types.NUMERIC);
            ResultSet rs = query(ps);
            checkEq(rs.getBoolean(1), true, "NULL int IS NULL");
            checkEq(rs.getString(2), null, "NULL text");
            checkEq(rs.getObject(3), null, "NULL + 1");
            checkEq(rs.getBigDecimal(4), null, "NULL numeric");
        });
        // Several parameters in one statement.
        stmt(c, "SELECT ?::int, ?::bigint, ?::text, ?::bool, ?::float8", ps -> {
            ps.setInt(1, 7);
            ps.setLong(2, -9000000000L);
            ps.setString(3, "a'b");
            ps.setBoolean(4, false);
            ps.setDouble(5, -2.25);
            ResultSet rs = query(ps);
            String got = rs.getInt(1) + " " + rs.getLong(2) + " " + rs.getString(3) + " " + rs.getBoolean(4) + " " + rs.getDouble(5);
            checkEq(got, "7 -9000000000 a'b false -2.25", "several parameters");
        });
    }

    // repeated runs one PreparedStatement past pgjdbc's prepareThreshold, so
    // it switches to a named server statement and binary results.
    static void repeated(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::int * 2, ?::text, ?::numeric, ?::timestamp, ?::float8")) {
            for (int i = 0; i < 8; i++) {
                ps.setInt(1, i);
                ps.setString(2, "row " + i);
                ps.setBigDecimal(3, new BigDecimal("12345.678"));
                ps.setObject(4, LocalDateTime.of(2024, 3, 15, 13, 45, 30, 123456000));
                ps.setDouble(5, 0.1);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        fail("no row");
                    }
                    if (rs.getInt(1) != 2 * i || !rs.getString(2).equals("row " + i)
                            || !rs.getBigDecimal(3).equals(new BigDecimal("12345.678"))
                            || !rs.getObject(4, LocalDateTime.class).equals(LocalDateTime.of(2024, 3, 15, 13, 45, 30, 123456000))
                            || rs.getDouble(5) != 0.1) {
                        fail("execution " + i + ": got " + rs.getInt(1) + ", " + rs.getString(2) + ", " + rs.getBigDecimal(3)
                                + ", " + rs.getObject(4, LocalDateTime.class) + ", " + rs.getDouble(5));
                    }
                }
            }
            check(true, "prepared statement executed 8 times");
        }
    }

    static void transaction(Connection c) throws SQLException {
        c.setAutoCommit(false);
        expectState("22012", "SELECT 1/0 in transaction", () -> one(c, "SELECT 1/0"));
        expectState("25P02", "SELECT 1 in failed transaction", () -> one(c, "SELECT 1"));
        c.rollback();
        checkEq(one(c, "SELECT 5"), 5, "SELECT 5 after rollback");
        c.commit();
        c.setAutoCommit(true);
        checkEq(one(c, "SELECT 6"), 6, "SELECT 6 in autocommit");
    }

    static void cancel(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    st.cancel();
                } catch (Exception e) {
                    e.printStackTrace(System.out);
                }
            });
            long start = System.nanoTime();
            canceller.start();
            expectState("57014", "Statement.cancel() of pg_sleep(30)", () -> st.executeQuery("SELECT pg_sleep(30)").close());
            canceller.join();
            double secs = (System.nanoTime() - start) / 1e9;
            check(secs < 5, "cancel took " + String.format("%.2f", secs) + "s");
        }
        checkEq(one(c, "SELECT 1"), 1, "SELECT 1 after cancel");
    }
}
