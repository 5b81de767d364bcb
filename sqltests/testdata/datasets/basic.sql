-- The basic dataset: one row per interesting value of every column type.
--
-- alltypes has a column of each type Lattice supports, with NULLs in every
-- column, negatives, zero, empty strings, unicode, quotes, char padding,
-- dates across month and year ends and leap days, timestamps with
-- microseconds and timestamptz given in several zones. It is loaded with
-- COPY in CSV format (so an unquoted empty field is NULL and "" is the
-- empty string). grp and k have duplicates, for GROUP BY and DISTINCT.
--
-- specials holds the floating-point and numeric special values (NaN,
-- Infinity, -0); extremes holds the limits of each integer type, for the
-- overflow cases. Both are loaded with INSERT.

CREATE TABLE alltypes (
    id integer NOT NULL,
    grp text,
    k integer,
    b boolean,
    i2 smallint,
    i4 integer,
    i8 bigint,
    r4 real,
    f8 double precision,
    n12 numeric(12,2),
    n numeric,
    t text,
    vc varchar(10),
    c char(5),
    d date,
    ts timestamp,
    tz timestamptz,
    bin bytea
);

COPY alltypes (id, grp, k, b, i2, i4, i8, r4, f8, n12, n, t, vc, c, d, ts, tz, bin) FROM STDIN WITH (FORMAT csv, HEADER true);
id,grp,k,b,i2,i4,i8,r4,f8,n12,n,t,vc,c,d,ts,tz,bin
1,x,1,true,1,10,100,1.5,2.25,10.50,3.14159,alpha,a,ab,2024-02-28,2024-02-28 23:59:59,2024-02-28 23:59:59+00,\x00
2,x,1,false,-1,-10,-100,-1.5,-2.25,-10.50,-3.14159,Beta,bb,b,2024-02-29,2024-02-29 00:00:00,2024-02-29 12:00:00+05:30,\xdeadbeef
3,x,2,,0,0,0,0,0,0.00,0,"","","",2024-03-01,2024-03-01 00:00:00.000001,2024-03-01 00:00:00-08,\x
4,,,,,,,,,,,,,,,,,
5,y,2,true,7,7,7,0.25,0.1,1.005,1.000,GAMMA,short,abcde,2023-12-31,2023-12-31 23:59:59.999999,2023-12-31 22:00:00-05,\x414243
6,y,3,false,-7,-7,-7,-0.25,-0.1,-0.01,-0.001,delta ,exactly10!,x y,2024-01-01,2024-01-01 00:00:00,2024-01-01 01:00:00+02,\xff00ff
7,y,3,true,100,1000,1000000,3.75,123456.789,9999999999.99,12345678901234567890.123456789, epsilon,ÄÖÜ,äö,2000-02-29,2000-02-29 12:34:56.789,2000-02-29 12:34:56.789+01,\x0a0d09
8,y,,,-100,-1000,-1000000,-3.75,-123456.789,-9999999999.99,-12345678901234567890.123456789,héllo wörld,,,1999-12-31,1999-12-31 23:59:59,1999-12-31 23:59:59-01,
9,z,4,true,42,42,42,123.125,1e100,42.00,0.0000000001,ÅNGSTRÖM,Ω,Ω,1970-01-01,1970-01-01 00:00:00,1970-01-01 00:00:00+00,\x00
10,z,4,false,-42,-42,-42,1e10,-1e-5,-42.42,1e20,日本語テキスト,日本語,日本,1969-12-31,1969-12-31 23:59:59.5,1969-12-31 18:00:00-06,\x00ff
11,z,4,,5,5,5,5,5,5.00,5,emoji 😀 ok,😀,😀,2100-02-28,2100-02-28 06:00:00,2100-02-28 06:00:00+00,\x01
12,z,5,true,12,-5,5000000000,0.5,0.5,0.50,0.5,O'Brien,O'Brien,O'B,2023-01-31,2023-01-31 08:15:00,2023-01-31 08:15:00+09,\x27
13,,5,false,13,13,-5000000000,2.5,2.5,2.50,2.50,"say ""hi""","""q""","""",2024-01-31,2024-01-31 17:45:30,2024-01-31 17:45:30-03:30,\x22
14,,6,true,14,14,14,-2.5,-2.5,-2.50,-2.50,back\slash,a\b,\,2022-12-31,2022-12-31 12:00:00,2022-12-31 12:00:00+00,\x5c
15,w,6,,15,15,15,15,15,15.00,15.000,100%,50%,%,2024-12-31,2024-12-31 23:00:00,2024-12-31 23:00:00-02,\x25
16,w,7,true,16,16,16,16,16,16.00,16.0,under_score,a_b,_,2038-01-19,2038-01-19 03:14:07,2038-01-19 03:14:07+00,\x5f
17,w,7,false,17,17,17,17,17,17.00,17.00,"line1
line2",two lines,ln,2024-06-30,2024-06-30 00:00:00,2024-06-30 00:00:00+00,\x0a
18,w,8,true,18,18,18,18,18,18.00,18,"a,b,c",a-b-c,a.b,2023-03-26,2023-03-26 02:30:00,2023-03-26 02:30:00+01,\x2c
19,x,8,false,19,19,19,19,19,19.00,19,x-y-z,Mixed,MiXeD,2024-11-03,2024-11-03 01:30:00,2024-11-03 01:30:00-04,\x78
20,x,9,true,20,20,20,20,20,20.00,20,AbCdEf,ABCDEF,abcdf,2020-02-29,2020-02-29 00:00:00,2020-02-29 00:00:00+00,\xabcdef
21,y,9,,21,21,21,21,21,21.00,-21,  padded  ,  pad  , pad ,2021-02-28,2021-02-28 23:59:59,2021-02-28 23:59:59+00,\x2020
22,y,10,true,22,22,22,22,22,-22.00,22,NULL,null,NULL,2019-12-31,2019-12-31 00:00:00,2019-12-31 00:00:00+00,\x4e554c4c
23,z,10,false,-23,-23,-23,-23,-23,-23.00,-23,Ünïcödé Straße,Straße,ß,2024-02-01,2024-02-01 00:00:00,2024-02-01 00:00:00+00,\x00000000
24,z,1,true,24,24,24,24.125,24.125,24.13,24.125,zeta,z,z,2024-03-31,2024-03-31 23:59:59,2024-03-31 23:59:59+00,\xff
\.

CREATE TABLE specials (
    id integer NOT NULL,
    label text NOT NULL,
    f8 double precision,
    r4 real,
    n numeric
);

INSERT INTO specials (id, label, f8, r4, n) VALUES
    (1, 'nan', 'NaN', 'NaN', 'NaN'),
    (2, 'inf', 'Infinity', 'Infinity', 'Infinity'),
    (3, '-inf', '-Infinity', '-Infinity', '-Infinity'),
    (4, 'zero', 0, 0, 0),
    (5, 'minus zero', '-0', '-0', 0),
    (6, 'one', 1, 1, 1),
    (7, 'null', NULL, NULL, NULL),
    (8, 'tiny', 1e-300, 1e-30, 0.000000000000000000001),
    (9, 'huge', 1e300, 1e30, 1e30),
    (10, 'minus one', -1, -1, -1);

CREATE TABLE extremes (
    id integer NOT NULL,
    i2 smallint,
    i4 integer,
    i8 bigint,
    n12 numeric(12,2)
);

INSERT INTO extremes VALUES (1, 32767, 2147483647, 9223372036854775807, 9999999999.99);
INSERT INTO extremes VALUES (2, -32768, -2147483648, -9223372036854775808, -9999999999.99);
INSERT INTO extremes VALUES (3, 0, 0, 0, 0);
INSERT INTO extremes (id) VALUES (4);

-- moments holds infinite dates and timestamps, stored.
CREATE TABLE moments (
    id integer NOT NULL,
    d date,
    ts timestamp,
    tz timestamptz
);

INSERT INTO moments VALUES
    (1, 'infinity', 'infinity', 'infinity'),
    (2, '-infinity', '-infinity', '-infinity'),
    (3, '2024-02-29', '2024-02-29 12:00', '2024-02-29 12:00+00'),
    (4, NULL, NULL, NULL);
