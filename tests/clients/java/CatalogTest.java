import java.sql.*;
import java.util.*;

/**
 * pgjdbc's DatabaseMetaData over a schema made for the test, prepared
 * statements past prepareThreshold (binary results) and setFetchSize
 * streaming. Prints one line per result; TestJDBCCatalog compares the output
 * from Lattice with PostgreSQL's. Connection details come from PG*.
 */
public class CatalogTest {
    static final String SCHEMA = "jdbc_check";

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/" + System.getenv("PGDATABASE");
        Properties props = new Properties();
        props.setProperty("user", System.getenv("PGUSER"));
        props.setProperty("password", System.getenv("PGPASSWORD") == null ? "" : System.getenv("PGPASSWORD"));
        props.setProperty("prepareThreshold", "2");
        try (Connection c = DriverManager.getConnection(url, props)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET client_min_messages = warning");
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
                s.execute("CREATE SCHEMA " + SCHEMA);
                s.execute("CREATE TABLE " + SCHEMA + ".facts (id integer NOT NULL, name varchar(30), amount numeric(12,2),"
                        + " ratio double precision, at timestamp, day date, flag boolean, big bigint, note text)");
                s.execute("INSERT INTO " + SCHEMA + ".facts SELECT i, 'n' || i, i * 1.5, i / 4.0, TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-02', i % 2 = 0, i * 1000000000::bigint, NULL FROM generate_series(1, 25) g(i)");
            }
            try {
                DatabaseMetaData md = c.getMetaData();
                print("catalogs", md.getCatalogs(), "TABLE_CAT", false);
                try (ResultSet rs = md.getSchemas()) {
                    boolean found = false;
                    while (rs.next()) found |= SCHEMA.equals(rs.getString("TABLE_SCHEM"));
                    System.out.println("schemas: contains " + SCHEMA + " = " + found);
                }
                print("tables", md.getTables(null, SCHEMA, "%", null), "TABLE_SCHEM,TABLE_NAME,TABLE_TYPE,REMARKS", true);
                print("tables(TABLE)", md.getTables(null, SCHEMA, "fa%", new String[] {"TABLE"}), "TABLE_NAME,TABLE_TYPE", true);
                print("columns", md.getColumns(null, SCHEMA, "facts", "%"),
                        "COLUMN_NAME,DATA_TYPE,TYPE_NAME,COLUMN_SIZE,DECIMAL_DIGITS,NUM_PREC_RADIX,NULLABLE,IS_NULLABLE,ORDINAL_POSITION,IS_AUTOINCREMENT,COLUMN_DEF", true);
                print("primary keys", md.getPrimaryKeys(null, SCHEMA, "facts"), "COLUMN_NAME,KEY_SEQ,PK_NAME", true);
                print("imported keys", md.getImportedKeys(null, SCHEMA, "facts"), "PKTABLE_NAME,FKCOLUMN_NAME", true);
                print("index info", md.getIndexInfo(null, SCHEMA, "facts", false, true), "INDEX_NAME,COLUMN_NAME", true);
                try (ResultSet rs = md.getTypeInfo()) {
                    Set<String> names = new TreeSet<>();
                    while (rs.next()) names.add(rs.getString("TYPE_NAME") + ":" + rs.getInt("DATA_TYPE"));
                    for (String want : new String[] {"int4:4", "int8:-5", "text:12", "varchar:12", "numeric:2", "bool:-7", "float8:8", "timestamp:93", "date:91"}) {
                        System.out.println("type info " + want + " = " + names.contains(want));
                    }
                }
                System.out.println("product: " + md.getDatabaseProductName() + " " + md.getDatabaseMajorVersion());

                // Past prepareThreshold the driver uses a named statement and asks for binary results.
                try (PreparedStatement ps = c.prepareStatement("SELECT id, name, amount, ratio, at, day, flag, big FROM " + SCHEMA + ".facts WHERE id = ?")) {
                    for (int i = 1; i <= 4; i++) {
                        ps.setInt(1, i);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                System.out.println("prepared " + i + ": " + rs.getInt(1) + " " + rs.getString(2) + " " + rs.getBigDecimal(3) + " "
                                        + rs.getDouble(4) + " " + rs.getTimestamp(5) + " " + rs.getDate(6) + " " + rs.getBoolean(7) + " " + rs.getLong(8));
                            }
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, a.attname, a.atttypid::regtype::text, a.attnum FROM pg_catalog.pg_class c"
                        + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND a.attnum > 0 ORDER BY a.attnum")) {
                    for (int i = 0; i < 3; i++) {
                        ps.setString(1, SCHEMA);
                        int n = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) n++;
                        }
                        System.out.println("catalog prepared run " + i + ": " + n + " columns");
                    }
                }
                // setFetchSize streams through a portal inside a transaction.
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.setFetchSize(10);
                    long sum = 0;
                    int n = 0;
                    try (ResultSet rs = s.executeQuery("SELECT id FROM " + SCHEMA + ".facts ORDER BY id")) {
                        while (rs.next()) {
                            sum += rs.getInt(1);
                            n++;
                        }
                    }
                    System.out.println("fetch size 10: " + n + " rows, sum " + sum);
                }
                c.commit();
                c.setAutoCommit(true);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
                }
            }
        }
        System.out.println("PASS pgjdbc catalog");
    }

    static void print(String what, ResultSet rs, String cols, boolean all) throws SQLException {
        try (rs) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                if (!all) continue;
                StringBuilder sb = new StringBuilder(what + ":");
                for (String col : cols.split(",")) sb.append(" ").append(col).append("=").append(rs.getString(col));
                System.out.println(sb);
            }
            System.out.println(what + ": " + rows + " rows");
        }
    }
}
