package metastore

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"

	"github.com/xdg-go/scram"
)

// InternalUser is the reserved login nodes use to reach each other over the
// PostgreSQL protocol. Its password is the cluster secret (ClusterInfo); no
// row in users backs it, and no client can log in as it without the secret.
const InternalUser = "lattice$cluster"

// OnBehalfOfParam is the startup parameter with which a node that logged in
// as InternalUser names the user the session runs as. The wire server
// accepts it only on such a connection.
const OnBehalfOfParam = "lattice.on_behalf_of"

// InternalCredentials returns the SCRAM credentials of InternalUser for the
// cluster secret: the same on every node, derived rather than stored.
func InternalCredentials(secret string) (scram.StoredCredentials, error) {
	h := sha256.Sum256([]byte("lattice-cluster-salt:" + secret))
	client, err := scram.SHA256.NewClient("", secret, "")
	if err != nil {
		return scram.StoredCredentials{}, err
	}
	return client.GetStoredCredentialsWithError(scram.KeyFactors{Salt: string(h[:16]), Iters: scramIterations})
}

// CheckPassword reports whether password matches a SCRAM verifier: it
// derives StoredKey from password with the verifier's salt and iteration
// count, as the SCRAM exchange would. The HTTP API's login uses it.
func CheckPassword(verifier, password string) bool {
	creds, err := ParseVerifier(verifier)
	if err != nil {
		return false
	}
	client, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		return false
	}
	got, err := client.GetStoredCredentialsWithError(creds.KeyFactors)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got.StoredKey, creds.StoredKey) == 1
}

// SyncCache lets this node's metadata cache catch up with the change log
// now, when a cache runs: a node that forwarded a statement to another node
// calls it before answering, so its client reads what the other node wrote.
func (s *Store) SyncCache(ctx context.Context) error {
	if c := s.activeCache(); c != nil {
		return c.Sync(ctx)
	}
	return nil
}
