package wire

import (
	"context"
	"errors"
	"sync"

	"github.com/xdg-go/scram"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// Internal authentication: a node forwarding a job statement to the
// project's lease holder (package cluster) logs in as metastore.InternalUser
// with the cluster secret as its password, and names the user the session
// runs as in the startup parameter metastore.OnBehalfOfParam. The session
// then runs as that user, so permissions are that user's. The parameter is
// refused on every other login, and the internal user without the secret
// fails like any wrong password: a client cannot act as another user.

// internalCreds caches the SCRAM credentials derived from the cluster
// secret (4096 PBKDF2 rounds per derivation), keyed by secret.
var internalCreds sync.Map // string -> scram.StoredCredentials

// authenticateStartup authenticates the startup packet's user: the internal
// path for metastore.InternalUser, SCRAM against the users table otherwise.
// It removes OnBehalfOfParam from params so that it never becomes a setting.
func (c *conn) authenticateStartup(ctx context.Context, user string, params map[string]string) (metastore.User, error) {
	onBehalf, hasOnBehalf := params[metastore.OnBehalfOfParam]
	delete(params, metastore.OnBehalfOfParam)
	if user != metastore.InternalUser {
		if hasOnBehalf {
			return metastore.User{}, pgerr.New(pgerr.InvalidAuthorizationSpecification,
				"startup parameter %q is reserved for Lattice nodes", metastore.OnBehalfOfParam).Fatal().
				WithHint("Remove it from the connection options.")
		}
		return c.authenticate(ctx, user)
	}
	if !hasOnBehalf || onBehalf == "" || onBehalf == metastore.InternalUser {
		return metastore.User{}, pgerr.New(pgerr.InvalidAuthorizationSpecification,
			"role %q is reserved for connections between Lattice nodes", metastore.InternalUser).Fatal().
			WithHint("Log in as an ordinary user.")
	}
	creds, err := c.internalCredentials(ctx)
	if err != nil {
		return metastore.User{}, pgerr.From(err).Fatal()
	}
	if err := c.scramExchange(user, creds, true); err != nil {
		return metastore.User{}, err
	}
	u, err := c.srv.cfg.Store.User(ctx, onBehalf)
	if errors.Is(err, metastore.ErrNotFound) {
		return u, pgerr.New(pgerr.InvalidAuthorizationSpecification, "role %q does not exist", onBehalf).Fatal()
	}
	if err != nil {
		return u, pgerr.From(err).Fatal()
	}
	return u, nil
}

func (c *conn) internalCredentials(ctx context.Context) (scram.StoredCredentials, error) {
	_, secret, err := c.srv.cfg.Store.ClusterInfo(ctx)
	if err != nil {
		return scram.StoredCredentials{}, err
	}
	if v, ok := internalCreds.Load(secret); ok {
		return v.(scram.StoredCredentials), nil
	}
	creds, err := metastore.InternalCredentials(secret)
	if err != nil {
		return creds, err
	}
	internalCreds.Store(secret, creds)
	return creds, nil
}
