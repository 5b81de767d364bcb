-- The joins dataset: small tables whose joins have edge cases.
--
-- l and r join on k. Some keys match once, some many-to-many (k = 2 is in
-- l twice and in r three times), some only on one side, and both sides have
-- NULL keys, which match nothing (not even each other). The value columns
-- have the same names on both sides (id, k, note), for the ambiguity cases.
-- empty has no rows and one has one. m is a second key column pair for
-- multi-key joins; dup holds the same row several times. wide has bigint
-- and smallint keys, to join with l's integer ones: values past the 32-bit
-- range whose low bits equal small keys (2^32 + 1, 2^32 - 1 beside -1), and
-- the extremes; and varchar and char(n) keys for l's text ones, with
-- trailing spaces that count in varchar and do not in char(n).

CREATE TABLE l (
    id integer NOT NULL,
    k integer,
    k2 text,
    lv text,
    note text
);

CREATE TABLE r (
    id integer NOT NULL,
    k integer,
    k2 text,
    rv numeric(6,2),
    note text
);

CREATE TABLE empty (
    id integer,
    k integer,
    v text
);

CREATE TABLE one (
    id integer,
    k integer,
    v text
);

CREATE TABLE dup (
    k integer,
    v text
);

CREATE TABLE wide (
    id bigint NOT NULL,
    k bigint,
    s smallint,
    tv varchar(5),
    tc char(4)
);

INSERT INTO l VALUES
    (1, 1, 'a', 'l-one', 'left'),
    (2, 2, 'a', 'l-two-a', NULL),
    (3, 2, 'b', 'l-two-b', 'left'),
    (4, 3, 'a', 'l-three', ''),
    (5, NULL, 'a', 'l-null', 'left'),
    (6, 5, NULL, 'l-five', 'left only'),
    (7, NULL, NULL, NULL, NULL),
    (8, -1, 'z', 'l-neg', 'left');

INSERT INTO r VALUES
    (10, 1, 'a', 1.50, 'right'),
    (11, 2, 'a', 2.00, 'right'),
    (12, 2, 'b', -2.25, NULL),
    (13, 2, 'b', 0.00, 'right'),
    (14, 4, 'a', 4.40, 'right only'),
    (15, NULL, 'a', 9.99, 'right'),
    (16, NULL, NULL, NULL, NULL),
    (17, 3, 'c', 3.00, '');

INSERT INTO one VALUES (1, 2, 'only row');

INSERT INTO dup VALUES (1, 'x'), (1, 'x'), (1, 'x'), (2, 'y'), (2, 'y'), (NULL, 'z'), (NULL, 'z'), (3, NULL);

INSERT INTO wide VALUES
    (100, 1, 1, 'a', 'a'), (101, 2, 2, 'b ', 'b '), (102, 4294967297, 1, 'b', 'z'),
    (103, -1, -1, NULL, NULL), (104, 4294967295, 3, '', ''), (105, NULL, NULL, 'z', 'c'),
    (106, 2, NULL, 'a ', 'a  '), (107, 9223372036854775807, 32767, 'zz', 'b'),
    (108, -9223372036854775808, -32768, 'c', NULL);
