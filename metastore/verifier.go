package metastore

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/xdg-go/scram"
)

// scramIterations is PostgreSQL's default scram_iterations.
const scramIterations = 4096

// NewVerifier returns a SCRAM-SHA-256 verifier for password in PostgreSQL's
// pg_authid format: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.
func NewVerifier(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	client, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	creds, err := client.GetStoredCredentialsWithError(scram.KeyFactors{Salt: string(salt), Iters: scramIterations})
	if err != nil {
		return "", err
	}
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", scramIterations, b64(salt), b64(creds.StoredKey), b64(creds.ServerKey)), nil
}

// ParseVerifier decodes a verifier written by NewVerifier (or by PostgreSQL).
func ParseVerifier(v string) (scram.StoredCredentials, error) {
	var c scram.StoredCredentials
	rest, ok := strings.CutPrefix(v, "SCRAM-SHA-256$")
	if !ok {
		return c, fmt.Errorf("not a SCRAM-SHA-256 verifier")
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return c, fmt.Errorf("malformed verifier")
	}
	iters, salt, ok1 := strings.Cut(params, ":")
	stored, server, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return c, fmt.Errorf("malformed verifier")
	}
	n, err := strconv.Atoi(iters)
	if err != nil || n <= 0 {
		return c, fmt.Errorf("malformed verifier iterations")
	}
	dec := base64.StdEncoding.DecodeString
	s, err1 := dec(salt)
	sk, err2 := dec(stored)
	vk, err3 := dec(server)
	if err1 != nil || err2 != nil || err3 != nil {
		return c, fmt.Errorf("malformed verifier encoding")
	}
	c.Salt, c.Iters, c.StoredKey, c.ServerKey = string(s), n, sk, vk
	return c, nil
}

// MockCredentials returns credentials for a user that does not exist, so
// that authentication of an unknown user runs the full exchange and fails
// the same way a wrong password does (PostgreSQL's mock authentication):
// the salt is stable per name and the keys match no password.
func MockCredentials(user string) scram.StoredCredentials {
	h := sha256.Sum256([]byte("lattice-mock-salt:" + user))
	return scram.StoredCredentials{
		KeyFactors: scram.KeyFactors{Salt: string(h[:16]), Iters: scramIterations},
		StoredKey:  h[:],
		ServerKey:  h[:],
	}
}
