-- dataset: basic
-- Projections: every column type, aliases, expressions and constants.

-- query: select_star
SELECT * FROM alltypes;

-- query: select_star_ordered
SELECT * FROM alltypes ORDER BY id;

-- query: select_columns_reordered
SELECT t, id, b, d FROM alltypes;

-- query: select_bool
SELECT id, b FROM alltypes;

-- query: select_integers
SELECT id, i2, i4, i8 FROM alltypes;

-- query: select_floats
SELECT id, r4, f8 FROM alltypes;

-- query: select_numerics
SELECT id, n12, n FROM alltypes;

-- query: select_text_types
SELECT id, t, vc, c FROM alltypes;

-- query: select_datetimes
SELECT id, d, ts, tz FROM alltypes;

-- query: select_bytea
SELECT id, bin FROM alltypes;

-- query: select_specials
SELECT * FROM specials;

-- query: select_extremes
SELECT * FROM extremes;

-- query: column_aliases
SELECT id AS "Key", t AS label, i4 AS "with space", n AS "n" FROM alltypes;

-- query: table_alias_qualified
SELECT a.id, a.t, alltypes.grp FROM alltypes AS alltypes, (SELECT 1) AS one_row(x), alltypes a WHERE a.id = alltypes.id;

-- query: constants
SELECT 1, 'text', 2.50, 1e3, -7, true, NULL, DATE '2024-02-29', TIMESTAMP '2024-02-29 12:00:00';

-- query: constant_column_names
SELECT 1 AS one, 'x' AS x, 1.5 AS "1.5", NULL AS nothing;

-- query: arithmetic_on_columns
SELECT id, i2 + i4, i4 - i8, i2 * 2, i8 * -1, n12 + n, n12 * 2, f8 + r4 FROM alltypes;

-- query: unary_minus
SELECT id, -i2, -i4, -i8, -r4, -f8, -n12, -n FROM alltypes;

-- query: select_without_from
SELECT 1 + 1 AS two, 'a' || 'b' AS ab, 7 / 2 AS seven_halves;

-- query: star_and_expression
SELECT *, id * 10 AS id10 FROM extremes WHERE id = 3;

-- query: qualified_star
SELECT e.* FROM extremes e;

-- query: concat_operator
SELECT id, t || '|' || vc || '|' || c FROM alltypes;

-- query: concat_operator_with_nonstring
SELECT id, 'id=' || id, 'd=' || d, 'n=' || n12 FROM alltypes;

-- query: char_padding_output
SELECT id, c, c || '!' AS c_concat, vc || '!' AS vc_concat FROM alltypes;

-- query: bool_expressions
SELECT id, b, NOT b, b AND true, b OR false, b AND NULL, b OR NULL FROM alltypes;

-- query: select_repeated_column
SELECT id, id, id AS id2 FROM alltypes;

-- query: empty_result_columns
SELECT id, t, n12 FROM alltypes WHERE false;

-- query: escape_string_literals
SELECT E'a\tb', E'line\nbreak', E'quote\'s', E'back\\slash', 'plain\n', U&'caf\00e9';

-- query: dollar_quoted_strings
SELECT $$it's$$, $tag$a$b$tag$, length($$x$$);

-- query: typed_literals
SELECT DATE '2024-02-29', TIMESTAMP '2024-02-29 12:00:00.5', TIMESTAMPTZ '2024-01-01 00:00:00+05', INTERVAL '1 day', NUMERIC '1.50', REAL '1.5', BOOLEAN 'true', BIGINT '5', SMALLINT '-3', TEXT 'x', DOUBLE PRECISION '2.5';

-- query: cast_syntax_forms
SELECT id, CAST(i4 AS double precision), i4::float8, CAST(t AS varchar(3)), CAST(n12 AS numeric(14,4)), CAST(d AS timestamp) FROM alltypes;

-- query: collate_c_order
SELECT t FROM alltypes WHERE t IS NOT NULL ORDER BY t COLLATE "C";

-- query: collate_in_comparison
SELECT id FROM alltypes WHERE t COLLATE "C" < 'b';

-- query: string_concat_chain
SELECT id, grp || '-' || COALESCE(vc, '∅') || '-' || k FROM alltypes;

-- query: zero_columns
-- Rows of no columns, with a row description of no fields.
SELECT FROM alltypes WHERE i4 > 0;

-- query: zero_columns_no_from
SELECT;
