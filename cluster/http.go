package cluster

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// SessionCookie names the HTTP API's session cookie.
const SessionCookie = "lattice_session"

// sessionTTL is how long an HTTP API login lasts.
const sessionTTL = 12 * time.Hour

// handler is the admin HTTP API. Sessions live in the metastore, so a
// cookie issued by one node works on every node.
func (n *Node) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("POST /api/login", n.login)
	mux.HandleFunc("POST /api/logout", n.logout)
	mux.Handle("GET /api/nodes", n.authed(false, func(w http.ResponseWriter, r *http.Request, _ metastore.User) {
		nodes, err := n.Nodes(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, nodes)
	}))
	mux.Handle("GET /api/leases", n.authed(false, func(w http.ResponseWriter, r *http.Request, _ metastore.User) {
		leases, err := n.Leases(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, leases)
	}))
	mux.Handle("POST /api/projects/{project}/job-engine", n.authed(true, func(w http.ResponseWriter, r *http.Request, _ metastore.User) {
		var body struct {
			InstanceID *string `json:"instance_id"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil || body.InstanceID == nil {
			writeError(w, pgerr.New(pgerr.InvalidParameterValue, `the body must be JSON {"instance_id": "..."}`))
			return
		}
		project := r.PathValue("project")
		if err := n.AssignJobEngine(r.Context(), project, *body.InstanceID); err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"project": project, "job_engine": *body.InstanceID})
	}))
	mux.Handle("/debug/pprof/", n.authed(true, func(w http.ResponseWriter, r *http.Request, _ metastore.User) {
		switch r.URL.Path {
		case "/debug/pprof/cmdline":
			pprof.Cmdline(w, r)
		case "/debug/pprof/profile":
			pprof.Profile(w, r)
		case "/debug/pprof/symbol":
			pprof.Symbol(w, r)
		case "/debug/pprof/trace":
			pprof.Trace(w, r)
		default:
			pprof.Index(w, r)
		}
	}))
	return mux
}

type credentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

func (n *Node) login(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&c); err != nil || c.User == "" {
		writeError(w, pgerr.New(pgerr.InvalidParameterValue, `the body must be JSON {"user": "...", "password": "..."}`))
		return
	}
	u, err := n.cfg.Store.User(r.Context(), c.User)
	if err != nil && !errors.Is(err, metastore.ErrNotFound) {
		writeError(w, err)
		return
	}
	// An unknown user is checked against a mock verifier, so that it takes
	// as long as a wrong password.
	verifier := u.Verifier
	if err != nil {
		verifier = mockVerifier(c.User)
	}
	if !metastore.CheckPassword(verifier, c.Password) || err != nil {
		writeError(w, pgerr.New(pgerr.InvalidPassword, "password authentication failed for user %q", c.User))
		return
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		writeError(w, err)
		return
	}
	id := hex.EncodeToString(b)
	if err := n.cfg.Store.CreateHTTPSession(r.Context(), id, u.Name, sessionTTL); err != nil {
		writeError(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil, MaxAge: int(sessionTTL / time.Second)})
	writeJSON(w, http.StatusOK, map[string]any{"user": u.Name, "admin": u.IsAdmin})
}

func mockVerifier(user string) string {
	c := metastore.MockCredentials(user)
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", c.Iters, b64([]byte(c.Salt)), b64(c.StoredKey), b64(c.ServerKey))
}

func (n *Node) logout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(SessionCookie); err == nil {
		if err := n.cfg.Store.DeleteHTTPSession(r.Context(), ck.Value); err != nil {
			writeError(w, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1})
	writeJSON(w, http.StatusOK, map[string]string{"status": "logged out"})
}

// authed admits requests that carry a live session cookie, of an
// administrator when admin is set.
func (n *Node) authed(admin bool, h func(http.ResponseWriter, *http.Request, metastore.User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := n.sessionUser(r.Context(), r)
		if err != nil {
			writeError(w, err)
			return
		}
		if admin && !u.IsAdmin {
			writeError(w, pgerr.New(pgerr.InsufficientPrivilege, "permission denied: %s needs an administrator", r.URL.Path).
				WithHint("Log in as a user created WITH ADMIN."))
			return
		}
		h(w, r, u)
	})
}

func (n *Node) sessionUser(ctx context.Context, r *http.Request) (metastore.User, error) {
	ck, err := r.Cookie(SessionCookie)
	if err != nil {
		return metastore.User{}, errLoginRequired()
	}
	name, err := n.cfg.Store.HTTPSession(ctx, ck.Value)
	if errors.Is(err, metastore.ErrNotFound) {
		return metastore.User{}, errLoginRequired()
	}
	if err != nil {
		return metastore.User{}, err
	}
	u, err := n.cfg.Store.User(ctx, name)
	if errors.Is(err, metastore.ErrNotFound) {
		return u, errLoginRequired()
	}
	return u, err
}

func errLoginRequired() error {
	return pgerr.New(pgerr.InvalidAuthorizationSpecification, "login required").
		WithHint("POST /api/login with {\"user\": ..., \"password\": ...} and send the %s cookie it sets.", SessionCookie)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the error's SQLSTATE, message and hint, and an
// HTTP status that follows the SQLSTATE's class.
func writeError(w http.ResponseWriter, err error) {
	e := pgerr.From(err)
	status := http.StatusInternalServerError
	switch {
	case e.Code == pgerr.InvalidPassword || e.Code == pgerr.InvalidAuthorizationSpecification:
		status = http.StatusUnauthorized
	case e.Code == pgerr.InsufficientPrivilege:
		status = http.StatusForbidden
	case e.Code == pgerr.InvalidCatalogName:
		status = http.StatusNotFound
	case e.Code == pgerr.ObjectNotInPrerequisiteState:
		status = http.StatusConflict
	case e.Code.Class() == "22":
		status = http.StatusBadRequest
	case e.Code.Class() == "08":
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]string{"code": string(e.Code), "error": e.Message, "hint": e.Hint})
}
