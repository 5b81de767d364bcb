// Package cluster will hold what makes several Lattice nodes one cluster:
// node modes (all, query, job), ZooKeeper discovery (go-zookeeper/zk), the
// per-project lease race in the metastore, forwarding of build statements to
// a project's lease holder, internal authentication with the cluster secret,
// and the clock-skew check.
//
// It is empty today: every node runs standalone. The cluster issue fills it.
package cluster
