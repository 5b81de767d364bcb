-- dataset: basic
-- String functions over text, varchar and char values, with unicode,
-- quotes, empty strings and NULLs.

-- query: lower_upper
SELECT id, lower(t), upper(t) FROM alltypes;

-- query: lower_upper_varchar_char
SELECT id, lower(vc), upper(c) FROM alltypes;

-- query: length
SELECT id, length(t), char_length(t), character_length(vc), length(c) FROM alltypes;

-- query: substr
SELECT id, substr(t, 2), substr(t, 2, 3), substr(t, 0, 2), substr(t, -1, 3) FROM alltypes;

-- query: substring_from_for
SELECT id, substring(t FROM 3), substring(t FROM 1 FOR 4), substring(t FOR 2) FROM alltypes;

-- query: trim_functions
SELECT id, '[' || trim(t) || ']', '[' || ltrim(t) || ']', '[' || rtrim(t) || ']' FROM alltypes;

-- query: trim_characters
SELECT id, trim(BOTH 'a' FROM t), trim(LEADING 'xy' FROM t), trim(TRAILING 'z' FROM t), btrim(t, 'al') FROM alltypes;

-- query: trim_char_column
SELECT id, '[' || trim(c) || ']', '[' || c::text || ']' FROM alltypes;

-- query: concat_function
SELECT id, concat(t, '-', i4, '-', NULL, '-', d) FROM alltypes;

-- query: concat_operator_null
SELECT id, t || NULL, NULL || vc FROM alltypes;

-- query: replace
SELECT id, replace(t, 'a', 'A'), replace(t, 'l', ''), replace(t, '', 'x') FROM alltypes;

-- query: split_part
SELECT id, split_part(t, ',', 1), split_part(t, ',', 2), split_part(t, '-', 3), split_part(vc, '-', -1) FROM alltypes;

-- query: split_part_out_of_range
SELECT split_part('a,b,c', ',', 4), split_part('', ',', 1), split_part('abc', '', 1);

-- query: position
SELECT id, position('a' IN t), position('' IN t), strpos(t, 'ö'), position('line2' IN t) FROM alltypes;

-- query: string_functions_on_literals
SELECT upper('straße'), lower('ÅNGSTRÖM'), length('日本語'), octet_length('日本語'), substr('héllo', 2, 3);

-- query: text_comparison_unicode_order
SELECT t FROM alltypes WHERE t IS NOT NULL ORDER BY t;

-- query: varchar_length_semantics
SELECT id, length(vc), octet_length(vc), vc = 'short' FROM alltypes;

-- query: char_length_semantics
SELECT id, length(c), octet_length(c), c = '' AS is_blank FROM alltypes;

-- query: string_to_number_roundtrip
SELECT id, (i4::text || '0')::int FROM alltypes WHERE i4 BETWEEN -100 AND 100;

-- query: char_like_keeps_padding
-- char(n) matches LIKE with its padding, as PostgreSQL's bpcharlike.
SELECT id, c, c LIKE 'ab', c LIKE 'ab%', c LIKE '%  ', c ILIKE 'AB___', c NOT LIKE 'a%' FROM alltypes;

-- query: string_agg_of_char_trims
SELECT id, string_agg(c, '|'), string_agg(c || '', ',') FROM alltypes GROUP BY id;

-- query: similar_to_patterns
SELECT id, t SIMILAR TO '%a%', t SIMILAR TO '_____', t NOT SIMILAR TO '[A-Z]%', t SIMILAR TO '%(ta|pha)', vc SIMILAR TO '%#%' ESCAPE '#', t SIMILAR TO '%\_%', c SIMILAR TO 'a{1,2}b%' FROM alltypes ORDER BY id;

-- query: substring_similar
SELECT id, substring(t SIMILAR '%#"l_h#"%' ESCAPE '#'), substring(t SIMILAR '#"_#"%' ESCAPE '#') FROM alltypes ORDER BY id;

-- query: regex_dot_matches_newline
SELECT E'a\nb' ~ 'a.b', E'a\nb' SIMILAR TO 'a_b', substring(E'x\ny' FROM 'x.y'), 'abc' ~ '^b', E'a\nb' ~ '^b';

-- query: format_and_array_to_string_use_output_form
SELECT id, format('[%s|%5s|%L|%I]', c, c, b, coalesce(c, 'z')), array_to_string(ARRAY[b, NOT b], ','), array_to_string(ARRAY[c], '/'), b || 'x', c || 'x' FROM alltypes ORDER BY id;
