// Package cluster makes several Lattice nodes one cluster (docs/cluster.md
// is the operator's guide). It owns:
//
//   - node modes: all and job nodes race for project leases and run jobs;
//     query nodes never do;
//   - the lease race (race.go): a deterministic core, Race, that maps
//     (held leases, View of the metastore, monotonic time) to Actions —
//     renew, acquire, release, and Adopt/Drop for the JobEngine — with no
//     I/O and no clock, tested with scripted scenarios; and its driver
//     (node.go), which every heart-beat interval measures the clock skew,
//     writes this node's row in the metastore, reads projects, leases and
//     live nodes, steps the core and carries out its actions. Between
//     heartbeats the driver wakes at the earliest renewal deadline so that
//     a node that cannot renew drops a project before its lease can expire;
//   - ZooKeeper discovery (discovery.go): an ephemeral znode
//     <base>/<cluster-id>/services/<mode>/<instance-id> with a JSON Member,
//     watches on the three mode directories, re-registration after session
//     expiry, and the last view kept while ZooKeeper is down;
//   - forwarding (forward.go): Node.Forward runs a job statement on the
//     project's lease holder over the PostgreSQL protocol (pgconn), logged
//     in as metastore.InternalUser with the cluster secret and naming the
//     original user in metastore.OnBehalfOfParam (the wire server's
//     internal_auth.go accepts it only there), and relays rows, tag,
//     NOTICEs and errors;
//   - the HTTP admin API (http.go) with sessions stored in the metastore;
//   - the system views lattice.nodes and lattice.leases (views.go).
//
// Node implements planner.Cluster. The job engine plugs in through the
// consumer-side JobEngine interface (SetJobEngine before Start).
//
// Goroutines: Start launches the heartbeat loop, the discovery loop (with
// ZooKeeper) and the HTTP server; Stop closes the stop channel, drops and
// releases every lease, closes the ZooKeeper session and the HTTP server,
// and waits for all three. Locks: tickMu serializes heartbeats and is taken
// before mu, which guards the Race and the measured skew.
//
// It imports metastore, planner (for the views and the Cluster contract),
// pgerr and types; nothing imports it but cmd/lattice and its tests.
package cluster
