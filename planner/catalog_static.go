// Code generated from PostgreSQL 15.20's catalogs; DO NOT EDIT by hand.

package planner

// staticRows hold the rows of the catalogs whose contents are fixed, as
// PostgreSQL 15 has them for the types and access methods Lattice
// supports, in COPY text format (tab-separated, \N for NULL); reg*
// columns hold OIDs.
var staticRows = map[string]string{
	"pg_type": `16	bool	11	10	1	t	b	B	t	t	,	0	0	0	1000	1242	1243	2436	2437	0	0	0	c	p	f	0	-1	0	0	\N	\N	\N
17	bytea	11	10	-1	f	b	U	f	t	,	0	0	0	1001	1244	31	2412	2413	0	0	0	i	x	f	0	-1	0	0	\N	\N	\N
18	char	11	10	1	t	b	Z	f	t	,	0	0	0	1002	1245	33	2434	2435	0	0	0	c	p	f	0	-1	0	0	\N	\N	\N
19	name	11	10	64	f	b	S	f	t	,	0	6180	18	1003	34	35	2422	2423	0	0	0	c	p	f	0	-1	0	950	\N	\N	\N
20	int8	11	10	8	t	b	N	f	t	,	0	0	0	1016	460	461	2408	2409	0	0	0	d	p	f	0	-1	0	0	\N	\N	\N
21	int2	11	10	2	t	b	N	f	t	,	0	0	0	1005	38	39	2404	2405	0	0	0	s	p	f	0	-1	0	0	\N	\N	\N
22	int2vector	11	10	-1	f	b	A	f	t	,	0	6179	21	1006	40	41	2410	2411	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
23	int4	11	10	4	t	b	N	f	t	,	0	0	0	1007	42	43	2406	2407	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
24	regproc	11	10	4	t	b	N	f	t	,	0	0	0	1008	44	45	2444	2445	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
25	text	11	10	-1	f	b	S	t	t	,	0	0	0	1009	46	47	2414	2415	0	0	0	i	x	f	0	-1	0	100	\N	\N	\N
26	oid	11	10	4	t	b	N	t	t	,	0	0	0	1028	1798	1799	2418	2419	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
28	xid	11	10	4	t	b	U	f	t	,	0	0	0	1011	50	51	2440	2441	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
30	oidvector	11	10	-1	f	b	A	f	t	,	0	6179	26	1013	54	55	2420	2421	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
114	json	11	10	-1	f	b	U	f	t	,	0	0	0	199	321	322	323	324	0	0	0	i	x	f	0	-1	0	0	\N	\N	\N
194	pg_node_tree	11	10	-1	f	b	Z	f	t	,	0	0	0	0	195	196	197	198	0	0	0	i	x	f	0	-1	0	100	\N	\N	\N
199	_json	11	10	-1	f	b	A	f	t	,	0	6179	114	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
700	float4	11	10	4	t	b	N	f	t	,	0	0	0	1021	200	201	2424	2425	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
701	float8	11	10	8	t	b	N	t	t	,	0	0	0	1022	214	215	2426	2427	0	0	0	d	p	f	0	-1	0	0	\N	\N	\N
705	unknown	11	10	-2	f	p	X	f	t	,	0	0	0	0	109	110	2416	2417	0	0	0	c	p	f	0	-1	0	0	\N	\N	\N
1000	_bool	11	10	-1	f	b	A	f	t	,	0	6179	16	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1001	_bytea	11	10	-1	f	b	A	f	t	,	0	6179	17	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1002	_char	11	10	-1	f	b	A	f	t	,	0	6179	18	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1003	_name	11	10	-1	f	b	A	f	t	,	0	6179	19	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	950	\N	\N	\N
1005	_int2	11	10	-1	f	b	A	f	t	,	0	6179	21	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1006	_int2vector	11	10	-1	f	b	A	f	t	,	0	6179	22	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1007	_int4	11	10	-1	f	b	A	f	t	,	0	6179	23	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1008	_regproc	11	10	-1	f	b	A	f	t	,	0	6179	24	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1009	_text	11	10	-1	f	b	A	f	t	,	0	6179	25	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	100	\N	\N	\N
1011	_xid	11	10	-1	f	b	A	f	t	,	0	6179	28	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1013	_oidvector	11	10	-1	f	b	A	f	t	,	0	6179	30	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1014	_bpchar	11	10	-1	f	b	A	f	t	,	0	6179	1042	0	750	751	2400	2401	2913	2914	3816	i	x	f	0	-1	0	100	\N	\N	\N
1015	_varchar	11	10	-1	f	b	A	f	t	,	0	6179	1043	0	750	751	2400	2401	2915	2916	3816	i	x	f	0	-1	0	100	\N	\N	\N
1016	_int8	11	10	-1	f	b	A	f	t	,	0	6179	20	0	750	751	2400	2401	0	0	3816	d	x	f	0	-1	0	0	\N	\N	\N
1021	_float4	11	10	-1	f	b	A	f	t	,	0	6179	700	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1022	_float8	11	10	-1	f	b	A	f	t	,	0	6179	701	0	750	751	2400	2401	0	0	3816	d	x	f	0	-1	0	0	\N	\N	\N
1028	_oid	11	10	-1	f	b	A	f	t	,	0	6179	26	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1033	aclitem	11	10	12	f	b	U	f	t	,	0	0	0	1034	1031	1032	0	0	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
1034	_aclitem	11	10	-1	f	b	A	f	t	,	0	6179	1033	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1042	bpchar	11	10	-1	f	b	S	f	t	,	0	0	0	1014	1044	1045	2430	2431	2913	2914	0	i	x	f	0	-1	0	100	\N	\N	\N
1043	varchar	11	10	-1	f	b	S	f	t	,	0	0	0	1015	1046	1047	2432	2433	2915	2916	0	i	x	f	0	-1	0	100	\N	\N	\N
1082	date	11	10	4	t	b	D	f	t	,	0	0	0	1182	1084	1085	2468	2469	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
1114	timestamp	11	10	8	t	b	D	f	t	,	0	0	0	1115	1312	1313	2474	2475	2905	2906	0	d	p	f	0	-1	0	0	\N	\N	\N
1115	_timestamp	11	10	-1	f	b	A	f	t	,	0	6179	1114	0	750	751	2400	2401	2905	2906	3816	d	x	f	0	-1	0	0	\N	\N	\N
1182	_date	11	10	-1	f	b	A	f	t	,	0	6179	1082	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
1184	timestamptz	11	10	8	t	b	D	t	t	,	0	0	0	1185	1150	1151	2476	2477	2907	2908	0	d	p	f	0	-1	0	0	\N	\N	\N
1185	_timestamptz	11	10	-1	f	b	A	f	t	,	0	6179	1184	0	750	751	2400	2401	2907	2908	3816	d	x	f	0	-1	0	0	\N	\N	\N
1186	interval	11	10	16	f	b	T	t	t	,	0	0	0	1187	1160	1161	2478	2479	2903	2904	0	d	p	f	0	-1	0	0	\N	\N	\N
1187	_interval	11	10	-1	f	b	A	f	t	,	0	6179	1186	0	750	751	2400	2401	2903	2904	3816	d	x	f	0	-1	0	0	\N	\N	\N
1231	_numeric	11	10	-1	f	b	A	f	t	,	0	6179	1700	0	750	751	2400	2401	2917	2918	3816	i	x	f	0	-1	0	0	\N	\N	\N
1700	numeric	11	10	-1	f	b	N	f	t	,	0	0	0	1231	1701	1702	2460	2461	2917	2918	0	i	m	f	0	-1	0	0	\N	\N	\N
2202	regprocedure	11	10	4	t	b	N	f	t	,	0	0	0	2207	2212	2213	2446	2447	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
2203	regoper	11	10	4	t	b	N	f	t	,	0	0	0	2208	2214	2215	2448	2449	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
2204	regoperator	11	10	4	t	b	N	f	t	,	0	0	0	2209	2216	2217	2450	2451	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
2205	regclass	11	10	4	t	b	N	f	t	,	0	0	0	2210	2218	2219	2452	2453	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
2206	regtype	11	10	4	t	b	N	f	t	,	0	0	0	2211	2220	2221	2454	2455	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
2207	_regprocedure	11	10	-1	f	b	A	f	t	,	0	6179	2202	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
2210	_regclass	11	10	-1	f	b	A	f	t	,	0	6179	2205	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
2211	_regtype	11	10	-1	f	b	A	f	t	,	0	6179	2206	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
2249	record	11	10	-1	f	p	P	f	t	,	0	0	0	2287	2290	2291	2402	2403	0	0	0	d	x	f	0	-1	0	0	\N	\N	\N
2278	void	11	10	4	t	p	P	f	t	,	0	0	0	0	2298	2299	3120	3121	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
4089	regnamespace	11	10	4	t	b	N	f	t	,	0	0	0	4090	4084	4085	4087	4088	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
4090	_regnamespace	11	10	-1	f	b	A	f	t	,	0	6179	4089	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
4096	regrole	11	10	4	t	b	N	f	t	,	0	0	0	4097	4098	4092	4094	4095	0	0	0	i	p	f	0	-1	0	0	\N	\N	\N
4097	_regrole	11	10	-1	f	b	A	f	t	,	0	6179	4096	0	750	751	2400	2401	0	0	3816	i	x	f	0	-1	0	0	\N	\N	\N
`,
	"pg_am": `2	heap	3	t
403	btree	330	i
405	hash	331	i
783	gist	332	i
2742	gin	333	i
3580	brin	335	i
4000	spgist	334	i
`,
	"pg_collation": `100	default	11	10	d	t	-1	\N	\N	\N	\N
950	C	11	10	c	t	-1	C	C	\N	\N
951	POSIX	11	10	c	t	-1	POSIX	POSIX	\N	\N
12340	ucs_basic	11	10	c	t	6	C	C	\N	\N
`,
	"pg_tablespace": `1663	pg_default	10	\N	\N
1664	pg_global	10	\N	\N
`,
	"pg_language": `12	internal	10	f	f	0	0	2246	\N
13	c	10	f	f	0	0	2247	\N
14	sql	10	f	t	0	0	2248	\N
`,
}

// typeProcs names the I/O functions pg_type refers to, by their OIDs.
var typeProcs = `31	byteaout
33	charout
34	namein
35	nameout
38	int2in
39	int2out
40	int2vectorin
41	int2vectorout
42	int4in
43	int4out
44	regprocin
45	regprocout
46	textin
47	textout
50	xidin
51	xidout
54	oidvectorin
55	oidvectorout
109	unknownin
110	unknownout
195	pg_node_tree_in
196	pg_node_tree_out
197	pg_node_tree_recv
198	pg_node_tree_send
200	float4in
201	float4out
214	float8in
215	float8out
321	json_in
322	json_out
323	json_recv
324	json_send
460	int8in
461	int8out
750	array_in
751	array_out
1031	aclitemin
1032	aclitemout
1044	bpcharin
1045	bpcharout
1046	varcharin
1047	varcharout
1084	date_in
1085	date_out
1150	timestamptz_in
1151	timestamptz_out
1160	interval_in
1161	interval_out
1242	boolin
1243	boolout
1244	byteain
1245	charin
1312	timestamp_in
1313	timestamp_out
1701	numeric_in
1702	numeric_out
1798	oidin
1799	oidout
2212	regprocedurein
2213	regprocedureout
2214	regoperin
2215	regoperout
2216	regoperatorin
2217	regoperatorout
2218	regclassin
2219	regclassout
2220	regtypein
2221	regtypeout
2290	record_in
2291	record_out
2298	void_in
2299	void_out
2400	array_recv
2401	array_send
2402	record_recv
2403	record_send
2404	int2recv
2405	int2send
2406	int4recv
2407	int4send
2408	int8recv
2409	int8send
2410	int2vectorrecv
2411	int2vectorsend
2412	bytearecv
2413	byteasend
2414	textrecv
2415	textsend
2416	unknownrecv
2417	unknownsend
2418	oidrecv
2419	oidsend
2420	oidvectorrecv
2421	oidvectorsend
2422	namerecv
2423	namesend
2424	float4recv
2425	float4send
2426	float8recv
2427	float8send
2430	bpcharrecv
2431	bpcharsend
2432	varcharrecv
2433	varcharsend
2434	charrecv
2435	charsend
2436	boolrecv
2437	boolsend
2440	xidrecv
2441	xidsend
2444	regprocrecv
2445	regprocsend
2446	regprocedurerecv
2447	regproceduresend
2448	regoperrecv
2449	regopersend
2450	regoperatorrecv
2451	regoperatorsend
2452	regclassrecv
2453	regclasssend
2454	regtyperecv
2455	regtypesend
2460	numeric_recv
2461	numeric_send
2468	date_recv
2469	date_send
2474	timestamp_recv
2475	timestamp_send
2476	timestamptz_recv
2477	timestamptz_send
2478	interval_recv
2479	interval_send
2903	intervaltypmodin
2904	intervaltypmodout
2905	timestamptypmodin
2906	timestamptypmodout
2907	timestamptztypmodin
2908	timestamptztypmodout
2913	bpchartypmodin
2914	bpchartypmodout
2915	varchartypmodin
2916	varchartypmodout
2917	numerictypmodin
2918	numerictypmodout
3120	void_recv
3121	void_send
3816	array_typanalyze
4084	regnamespacein
4085	regnamespaceout
4087	regnamespacerecv
4088	regnamespacesend
4092	regroleout
4094	regrolerecv
4095	regrolesend
4098	regrolein
6179	array_subscript_handler
6180	raw_array_subscript_handler
`

// keywords is pg_get_keywords(): word, catcode, barelabel, catdesc, baredesc.
var keywords = `abort	U	t	unreserved	can be bare label
absolute	U	t	unreserved	can be bare label
access	U	t	unreserved	can be bare label
action	U	t	unreserved	can be bare label
add	U	t	unreserved	can be bare label
admin	U	t	unreserved	can be bare label
after	U	t	unreserved	can be bare label
aggregate	U	t	unreserved	can be bare label
all	R	t	reserved	can be bare label
also	U	t	unreserved	can be bare label
alter	U	t	unreserved	can be bare label
always	U	t	unreserved	can be bare label
analyse	R	t	reserved	can be bare label
analyze	R	t	reserved	can be bare label
and	R	t	reserved	can be bare label
any	R	t	reserved	can be bare label
array	R	f	reserved	requires AS
as	R	f	reserved	requires AS
asc	R	t	reserved	can be bare label
asensitive	U	t	unreserved	can be bare label
assertion	U	t	unreserved	can be bare label
assignment	U	t	unreserved	can be bare label
asymmetric	R	t	reserved	can be bare label
at	U	t	unreserved	can be bare label
atomic	U	t	unreserved	can be bare label
attach	U	t	unreserved	can be bare label
attribute	U	t	unreserved	can be bare label
authorization	T	t	reserved (can be function or type name)	can be bare label
backward	U	t	unreserved	can be bare label
before	U	t	unreserved	can be bare label
begin	U	t	unreserved	can be bare label
between	C	t	unreserved (cannot be function or type name)	can be bare label
bigint	C	t	unreserved (cannot be function or type name)	can be bare label
binary	T	t	reserved (can be function or type name)	can be bare label
bit	C	t	unreserved (cannot be function or type name)	can be bare label
boolean	C	t	unreserved (cannot be function or type name)	can be bare label
both	R	t	reserved	can be bare label
breadth	U	t	unreserved	can be bare label
by	U	t	unreserved	can be bare label
cache	U	t	unreserved	can be bare label
call	U	t	unreserved	can be bare label
called	U	t	unreserved	can be bare label
cascade	U	t	unreserved	can be bare label
cascaded	U	t	unreserved	can be bare label
case	R	t	reserved	can be bare label
cast	R	t	reserved	can be bare label
catalog	U	t	unreserved	can be bare label
chain	U	t	unreserved	can be bare label
char	C	f	unreserved (cannot be function or type name)	requires AS
character	C	f	unreserved (cannot be function or type name)	requires AS
characteristics	U	t	unreserved	can be bare label
check	R	t	reserved	can be bare label
checkpoint	U	t	unreserved	can be bare label
class	U	t	unreserved	can be bare label
close	U	t	unreserved	can be bare label
cluster	U	t	unreserved	can be bare label
coalesce	C	t	unreserved (cannot be function or type name)	can be bare label
collate	R	t	reserved	can be bare label
collation	T	t	reserved (can be function or type name)	can be bare label
column	R	t	reserved	can be bare label
columns	U	t	unreserved	can be bare label
comment	U	t	unreserved	can be bare label
comments	U	t	unreserved	can be bare label
commit	U	t	unreserved	can be bare label
committed	U	t	unreserved	can be bare label
compression	U	t	unreserved	can be bare label
concurrently	T	t	reserved (can be function or type name)	can be bare label
configuration	U	t	unreserved	can be bare label
conflict	U	t	unreserved	can be bare label
connection	U	t	unreserved	can be bare label
constraint	R	t	reserved	can be bare label
constraints	U	t	unreserved	can be bare label
content	U	t	unreserved	can be bare label
continue	U	t	unreserved	can be bare label
conversion	U	t	unreserved	can be bare label
copy	U	t	unreserved	can be bare label
cost	U	t	unreserved	can be bare label
create	R	f	reserved	requires AS
cross	T	t	reserved (can be function or type name)	can be bare label
csv	U	t	unreserved	can be bare label
cube	U	t	unreserved	can be bare label
current	U	t	unreserved	can be bare label
current_catalog	R	t	reserved	can be bare label
current_date	R	t	reserved	can be bare label
current_role	R	t	reserved	can be bare label
current_schema	T	t	reserved (can be function or type name)	can be bare label
current_time	R	t	reserved	can be bare label
current_timestamp	R	t	reserved	can be bare label
current_user	R	t	reserved	can be bare label
cursor	U	t	unreserved	can be bare label
cycle	U	t	unreserved	can be bare label
data	U	t	unreserved	can be bare label
database	U	t	unreserved	can be bare label
day	U	f	unreserved	requires AS
deallocate	U	t	unreserved	can be bare label
dec	C	t	unreserved (cannot be function or type name)	can be bare label
decimal	C	t	unreserved (cannot be function or type name)	can be bare label
declare	U	t	unreserved	can be bare label
default	R	t	reserved	can be bare label
defaults	U	t	unreserved	can be bare label
deferrable	R	t	reserved	can be bare label
deferred	U	t	unreserved	can be bare label
definer	U	t	unreserved	can be bare label
delete	U	t	unreserved	can be bare label
delimiter	U	t	unreserved	can be bare label
delimiters	U	t	unreserved	can be bare label
depends	U	t	unreserved	can be bare label
depth	U	t	unreserved	can be bare label
desc	R	t	reserved	can be bare label
detach	U	t	unreserved	can be bare label
dictionary	U	t	unreserved	can be bare label
disable	U	t	unreserved	can be bare label
discard	U	t	unreserved	can be bare label
distinct	R	t	reserved	can be bare label
do	R	t	reserved	can be bare label
document	U	t	unreserved	can be bare label
domain	U	t	unreserved	can be bare label
double	U	t	unreserved	can be bare label
drop	U	t	unreserved	can be bare label
each	U	t	unreserved	can be bare label
else	R	t	reserved	can be bare label
enable	U	t	unreserved	can be bare label
encoding	U	t	unreserved	can be bare label
encrypted	U	t	unreserved	can be bare label
end	R	t	reserved	can be bare label
enum	U	t	unreserved	can be bare label
escape	U	t	unreserved	can be bare label
event	U	t	unreserved	can be bare label
except	R	f	reserved	requires AS
exclude	U	t	unreserved	can be bare label
excluding	U	t	unreserved	can be bare label
exclusive	U	t	unreserved	can be bare label
execute	U	t	unreserved	can be bare label
exists	C	t	unreserved (cannot be function or type name)	can be bare label
explain	U	t	unreserved	can be bare label
expression	U	t	unreserved	can be bare label
extension	U	t	unreserved	can be bare label
external	U	t	unreserved	can be bare label
extract	C	t	unreserved (cannot be function or type name)	can be bare label
false	R	t	reserved	can be bare label
family	U	t	unreserved	can be bare label
fetch	R	f	reserved	requires AS
filter	U	f	unreserved	requires AS
finalize	U	t	unreserved	can be bare label
first	U	t	unreserved	can be bare label
float	C	t	unreserved (cannot be function or type name)	can be bare label
following	U	t	unreserved	can be bare label
for	R	f	reserved	requires AS
force	U	t	unreserved	can be bare label
foreign	R	t	reserved	can be bare label
forward	U	t	unreserved	can be bare label
freeze	T	t	reserved (can be function or type name)	can be bare label
from	R	f	reserved	requires AS
full	T	t	reserved (can be function or type name)	can be bare label
function	U	t	unreserved	can be bare label
functions	U	t	unreserved	can be bare label
generated	U	t	unreserved	can be bare label
global	U	t	unreserved	can be bare label
grant	R	f	reserved	requires AS
granted	U	t	unreserved	can be bare label
greatest	C	t	unreserved (cannot be function or type name)	can be bare label
group	R	f	reserved	requires AS
grouping	C	t	unreserved (cannot be function or type name)	can be bare label
groups	U	t	unreserved	can be bare label
handler	U	t	unreserved	can be bare label
having	R	f	reserved	requires AS
header	U	t	unreserved	can be bare label
hold	U	t	unreserved	can be bare label
hour	U	f	unreserved	requires AS
identity	U	t	unreserved	can be bare label
if	U	t	unreserved	can be bare label
ilike	T	t	reserved (can be function or type name)	can be bare label
immediate	U	t	unreserved	can be bare label
immutable	U	t	unreserved	can be bare label
implicit	U	t	unreserved	can be bare label
import	U	t	unreserved	can be bare label
in	R	t	reserved	can be bare label
include	U	t	unreserved	can be bare label
including	U	t	unreserved	can be bare label
increment	U	t	unreserved	can be bare label
index	U	t	unreserved	can be bare label
indexes	U	t	unreserved	can be bare label
inherit	U	t	unreserved	can be bare label
inherits	U	t	unreserved	can be bare label
initially	R	t	reserved	can be bare label
inline	U	t	unreserved	can be bare label
inner	T	t	reserved (can be function or type name)	can be bare label
inout	C	t	unreserved (cannot be function or type name)	can be bare label
input	U	t	unreserved	can be bare label
insensitive	U	t	unreserved	can be bare label
insert	U	t	unreserved	can be bare label
instead	U	t	unreserved	can be bare label
int	C	t	unreserved (cannot be function or type name)	can be bare label
integer	C	t	unreserved (cannot be function or type name)	can be bare label
intersect	R	f	reserved	requires AS
interval	C	t	unreserved (cannot be function or type name)	can be bare label
into	R	f	reserved	requires AS
invoker	U	t	unreserved	can be bare label
is	T	t	reserved (can be function or type name)	can be bare label
isnull	T	f	reserved (can be function or type name)	requires AS
isolation	U	t	unreserved	can be bare label
join	T	t	reserved (can be function or type name)	can be bare label
key	U	t	unreserved	can be bare label
label	U	t	unreserved	can be bare label
language	U	t	unreserved	can be bare label
large	U	t	unreserved	can be bare label
last	U	t	unreserved	can be bare label
lateral	R	t	reserved	can be bare label
leading	R	t	reserved	can be bare label
leakproof	U	t	unreserved	can be bare label
least	C	t	unreserved (cannot be function or type name)	can be bare label
left	T	t	reserved (can be function or type name)	can be bare label
level	U	t	unreserved	can be bare label
like	T	t	reserved (can be function or type name)	can be bare label
limit	R	f	reserved	requires AS
listen	U	t	unreserved	can be bare label
load	U	t	unreserved	can be bare label
local	U	t	unreserved	can be bare label
localtime	R	t	reserved	can be bare label
localtimestamp	R	t	reserved	can be bare label
location	U	t	unreserved	can be bare label
lock	U	t	unreserved	can be bare label
locked	U	t	unreserved	can be bare label
logged	U	t	unreserved	can be bare label
mapping	U	t	unreserved	can be bare label
match	U	t	unreserved	can be bare label
matched	U	t	unreserved	can be bare label
materialized	U	t	unreserved	can be bare label
maxvalue	U	t	unreserved	can be bare label
merge	U	t	unreserved	can be bare label
method	U	t	unreserved	can be bare label
minute	U	f	unreserved	requires AS
minvalue	U	t	unreserved	can be bare label
mode	U	t	unreserved	can be bare label
month	U	f	unreserved	requires AS
move	U	t	unreserved	can be bare label
name	U	t	unreserved	can be bare label
names	U	t	unreserved	can be bare label
national	C	t	unreserved (cannot be function or type name)	can be bare label
natural	T	t	reserved (can be function or type name)	can be bare label
nchar	C	t	unreserved (cannot be function or type name)	can be bare label
new	U	t	unreserved	can be bare label
next	U	t	unreserved	can be bare label
nfc	U	t	unreserved	can be bare label
nfd	U	t	unreserved	can be bare label
nfkc	U	t	unreserved	can be bare label
nfkd	U	t	unreserved	can be bare label
no	U	t	unreserved	can be bare label
none	C	t	unreserved (cannot be function or type name)	can be bare label
normalize	C	t	unreserved (cannot be function or type name)	can be bare label
normalized	U	t	unreserved	can be bare label
not	R	t	reserved	can be bare label
nothing	U	t	unreserved	can be bare label
notify	U	t	unreserved	can be bare label
notnull	T	f	reserved (can be function or type name)	requires AS
nowait	U	t	unreserved	can be bare label
null	R	t	reserved	can be bare label
nullif	C	t	unreserved (cannot be function or type name)	can be bare label
nulls	U	t	unreserved	can be bare label
numeric	C	t	unreserved (cannot be function or type name)	can be bare label
object	U	t	unreserved	can be bare label
of	U	t	unreserved	can be bare label
off	U	t	unreserved	can be bare label
offset	R	f	reserved	requires AS
oids	U	t	unreserved	can be bare label
old	U	t	unreserved	can be bare label
on	R	f	reserved	requires AS
only	R	t	reserved	can be bare label
operator	U	t	unreserved	can be bare label
option	U	t	unreserved	can be bare label
options	U	t	unreserved	can be bare label
or	R	t	reserved	can be bare label
order	R	f	reserved	requires AS
ordinality	U	t	unreserved	can be bare label
others	U	t	unreserved	can be bare label
out	C	t	unreserved (cannot be function or type name)	can be bare label
outer	T	t	reserved (can be function or type name)	can be bare label
over	U	f	unreserved	requires AS
overlaps	T	f	reserved (can be function or type name)	requires AS
overlay	C	t	unreserved (cannot be function or type name)	can be bare label
overriding	U	t	unreserved	can be bare label
owned	U	t	unreserved	can be bare label
owner	U	t	unreserved	can be bare label
parallel	U	t	unreserved	can be bare label
parameter	U	t	unreserved	can be bare label
parser	U	t	unreserved	can be bare label
partial	U	t	unreserved	can be bare label
partition	U	t	unreserved	can be bare label
passing	U	t	unreserved	can be bare label
password	U	t	unreserved	can be bare label
placing	R	t	reserved	can be bare label
plans	U	t	unreserved	can be bare label
policy	U	t	unreserved	can be bare label
position	C	t	unreserved (cannot be function or type name)	can be bare label
preceding	U	t	unreserved	can be bare label
precision	C	f	unreserved (cannot be function or type name)	requires AS
prepare	U	t	unreserved	can be bare label
prepared	U	t	unreserved	can be bare label
preserve	U	t	unreserved	can be bare label
primary	R	t	reserved	can be bare label
prior	U	t	unreserved	can be bare label
privileges	U	t	unreserved	can be bare label
procedural	U	t	unreserved	can be bare label
procedure	U	t	unreserved	can be bare label
procedures	U	t	unreserved	can be bare label
program	U	t	unreserved	can be bare label
publication	U	t	unreserved	can be bare label
quote	U	t	unreserved	can be bare label
range	U	t	unreserved	can be bare label
read	U	t	unreserved	can be bare label
real	C	t	unreserved (cannot be function or type name)	can be bare label
reassign	U	t	unreserved	can be bare label
recheck	U	t	unreserved	can be bare label
recursive	U	t	unreserved	can be bare label
ref	U	t	unreserved	can be bare label
references	R	t	reserved	can be bare label
referencing	U	t	unreserved	can be bare label
refresh	U	t	unreserved	can be bare label
reindex	U	t	unreserved	can be bare label
relative	U	t	unreserved	can be bare label
release	U	t	unreserved	can be bare label
rename	U	t	unreserved	can be bare label
repeatable	U	t	unreserved	can be bare label
replace	U	t	unreserved	can be bare label
replica	U	t	unreserved	can be bare label
reset	U	t	unreserved	can be bare label
restart	U	t	unreserved	can be bare label
restrict	U	t	unreserved	can be bare label
return	U	t	unreserved	can be bare label
returning	R	f	reserved	requires AS
returns	U	t	unreserved	can be bare label
revoke	U	t	unreserved	can be bare label
right	T	t	reserved (can be function or type name)	can be bare label
role	U	t	unreserved	can be bare label
rollback	U	t	unreserved	can be bare label
rollup	U	t	unreserved	can be bare label
routine	U	t	unreserved	can be bare label
routines	U	t	unreserved	can be bare label
row	C	t	unreserved (cannot be function or type name)	can be bare label
rows	U	t	unreserved	can be bare label
rule	U	t	unreserved	can be bare label
savepoint	U	t	unreserved	can be bare label
schema	U	t	unreserved	can be bare label
schemas	U	t	unreserved	can be bare label
scroll	U	t	unreserved	can be bare label
search	U	t	unreserved	can be bare label
second	U	f	unreserved	requires AS
security	U	t	unreserved	can be bare label
select	R	t	reserved	can be bare label
sequence	U	t	unreserved	can be bare label
sequences	U	t	unreserved	can be bare label
serializable	U	t	unreserved	can be bare label
server	U	t	unreserved	can be bare label
session	U	t	unreserved	can be bare label
session_user	R	t	reserved	can be bare label
set	U	t	unreserved	can be bare label
setof	C	t	unreserved (cannot be function or type name)	can be bare label
sets	U	t	unreserved	can be bare label
share	U	t	unreserved	can be bare label
show	U	t	unreserved	can be bare label
similar	T	t	reserved (can be function or type name)	can be bare label
simple	U	t	unreserved	can be bare label
skip	U	t	unreserved	can be bare label
smallint	C	t	unreserved (cannot be function or type name)	can be bare label
snapshot	U	t	unreserved	can be bare label
some	R	t	reserved	can be bare label
sql	U	t	unreserved	can be bare label
stable	U	t	unreserved	can be bare label
standalone	U	t	unreserved	can be bare label
start	U	t	unreserved	can be bare label
statement	U	t	unreserved	can be bare label
statistics	U	t	unreserved	can be bare label
stdin	U	t	unreserved	can be bare label
stdout	U	t	unreserved	can be bare label
storage	U	t	unreserved	can be bare label
stored	U	t	unreserved	can be bare label
strict	U	t	unreserved	can be bare label
strip	U	t	unreserved	can be bare label
subscription	U	t	unreserved	can be bare label
substring	C	t	unreserved (cannot be function or type name)	can be bare label
support	U	t	unreserved	can be bare label
symmetric	R	t	reserved	can be bare label
sysid	U	t	unreserved	can be bare label
system	U	t	unreserved	can be bare label
table	R	t	reserved	can be bare label
tables	U	t	unreserved	can be bare label
tablesample	T	t	reserved (can be function or type name)	can be bare label
tablespace	U	t	unreserved	can be bare label
temp	U	t	unreserved	can be bare label
template	U	t	unreserved	can be bare label
temporary	U	t	unreserved	can be bare label
text	U	t	unreserved	can be bare label
then	R	t	reserved	can be bare label
ties	U	t	unreserved	can be bare label
time	C	t	unreserved (cannot be function or type name)	can be bare label
timestamp	C	t	unreserved (cannot be function or type name)	can be bare label
to	R	f	reserved	requires AS
trailing	R	t	reserved	can be bare label
transaction	U	t	unreserved	can be bare label
transform	U	t	unreserved	can be bare label
treat	C	t	unreserved (cannot be function or type name)	can be bare label
trigger	U	t	unreserved	can be bare label
trim	C	t	unreserved (cannot be function or type name)	can be bare label
true	R	t	reserved	can be bare label
truncate	U	t	unreserved	can be bare label
trusted	U	t	unreserved	can be bare label
type	U	t	unreserved	can be bare label
types	U	t	unreserved	can be bare label
uescape	U	t	unreserved	can be bare label
unbounded	U	t	unreserved	can be bare label
uncommitted	U	t	unreserved	can be bare label
unencrypted	U	t	unreserved	can be bare label
union	R	f	reserved	requires AS
unique	R	t	reserved	can be bare label
unknown	U	t	unreserved	can be bare label
unlisten	U	t	unreserved	can be bare label
unlogged	U	t	unreserved	can be bare label
until	U	t	unreserved	can be bare label
update	U	t	unreserved	can be bare label
user	R	t	reserved	can be bare label
using	R	t	reserved	can be bare label
vacuum	U	t	unreserved	can be bare label
valid	U	t	unreserved	can be bare label
validate	U	t	unreserved	can be bare label
validator	U	t	unreserved	can be bare label
value	U	t	unreserved	can be bare label
values	C	t	unreserved (cannot be function or type name)	can be bare label
varchar	C	t	unreserved (cannot be function or type name)	can be bare label
variadic	R	t	reserved	can be bare label
varying	U	f	unreserved	requires AS
verbose	T	t	reserved (can be function or type name)	can be bare label
version	U	t	unreserved	can be bare label
view	U	t	unreserved	can be bare label
views	U	t	unreserved	can be bare label
volatile	U	t	unreserved	can be bare label
when	R	t	reserved	can be bare label
where	R	f	reserved	requires AS
whitespace	U	t	unreserved	can be bare label
window	R	f	reserved	requires AS
with	R	f	reserved	requires AS
within	U	f	unreserved	requires AS
without	U	f	unreserved	requires AS
work	U	t	unreserved	can be bare label
wrapper	U	t	unreserved	can be bare label
write	U	t	unreserved	can be bare label
xml	U	t	unreserved	can be bare label
xmlattributes	C	t	unreserved (cannot be function or type name)	can be bare label
xmlconcat	C	t	unreserved (cannot be function or type name)	can be bare label
xmlelement	C	t	unreserved (cannot be function or type name)	can be bare label
xmlexists	C	t	unreserved (cannot be function or type name)	can be bare label
xmlforest	C	t	unreserved (cannot be function or type name)	can be bare label
xmlnamespaces	C	t	unreserved (cannot be function or type name)	can be bare label
xmlparse	C	t	unreserved (cannot be function or type name)	can be bare label
xmlpi	C	t	unreserved (cannot be function or type name)	can be bare label
xmlroot	C	t	unreserved (cannot be function or type name)	can be bare label
xmlserialize	C	t	unreserved (cannot be function or type name)	can be bare label
xmltable	C	t	unreserved (cannot be function or type name)	can be bare label
year	U	f	unreserved	requires AS
yes	U	t	unreserved	can be bare label
zone	U	t	unreserved	can be bare label
`
