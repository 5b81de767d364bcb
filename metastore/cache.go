package metastore

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Cache is a node's in-memory copy of the definitions, kept current from
// the change log. Reads of users, projects and roles go through it, so they
// keep working while the database is unreachable.
//
// Change ids come from an auto-increment column, so a transaction that
// commits after a later one leaves a temporary gap. The cache applies
// changes as it sees them (each change only says which definition to
// reload, so order does not matter), remembers which ids above its
// watermark it has applied, and waits for gaps to fill. A gap still open
// after GapTimeout is a rolled-back transaction (or trimmed history): the
// cache then reloads everything and moves on.
type Cache struct {
	s          *Store
	gapTimeout time.Duration
	log        *slog.Logger

	mu       sync.RWMutex // guards every field below
	projects map[string]Project
	users    map[string]User
	roles    map[[2]string]Role        // by (project, user)
	tables   map[[3]string]cachedTable // by (project, schema, name)
	tableGen uint64                    // bumped whenever a table change is applied
	cubes    map[string]*CubeState     // by project, loaded on first use
	cubeGen  uint64                    // bumped whenever a cube or segment change is applied
	next     int64                     // lowest change id not yet applied
	applied  map[int64]bool            // applied ids >= next
	gapSince time.Time                 // when the gap at next was first seen
	hooks    []func(Change)

	syncMu sync.Mutex // serializes Sync
	cancel context.CancelFunc
	done   chan struct{}
}

// CacheOptions tune a cache.
type CacheOptions struct {
	PollInterval time.Duration // default 1s
	GapTimeout   time.Duration // default 10s
	TrimKeep     time.Duration // change-log rows kept; default 24h
	Logger       *slog.Logger
}

// StartCache loads the definitions and starts following the change log. It
// must be called once; Close stops it.
func (s *Store) StartCache(ctx context.Context, opt CacheOptions) (*Cache, error) {
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Second
	}
	if opt.GapTimeout <= 0 {
		opt.GapTimeout = 10 * time.Second
	}
	if opt.TrimKeep <= 0 {
		opt.TrimKeep = 24 * time.Hour
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	c := &Cache{s: s, gapTimeout: opt.GapTimeout, log: opt.Logger, applied: map[int64]bool{}}
	if err := c.reloadAll(ctx); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go c.run(rctx, opt.PollInterval, opt.TrimKeep)
	s.cacheMu.Lock()
	s.cache = c
	s.cacheMu.Unlock()
	return c, nil
}

func (s *Store) activeCache() *Cache {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	return s.cache
}

// OnChange registers fn to run (on the cache's goroutine) for every change
// applied, for definitions cached elsewhere (tables, cubes).
func (c *Cache) OnChange(fn func(Change)) {
	c.mu.Lock()
	c.hooks = append(c.hooks, fn)
	c.mu.Unlock()
}

func (c *Cache) run(ctx context.Context, poll, keep time.Duration) {
	defer close(c.done)
	t := time.NewTicker(poll)
	defer t.Stop()
	lastTrim := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := c.Sync(ctx); err != nil && ctx.Err() == nil {
			c.log.Debug("metastore cache catch-up failed; serving the last known definitions", "err", err)
		}
		if time.Since(lastTrim) > time.Hour {
			lastTrim = time.Now()
			c.mu.RLock()
			below := c.next
			c.mu.RUnlock()
			if n, err := c.s.TrimChanges(ctx, keep, below); err == nil && n > 0 {
				c.log.Info("trimmed metastore change log", "rows", n)
			}
		}
	}
}

func (c *Cache) stop() {
	c.cancel()
	<-c.done
}

// Next returns the lowest change id not yet applied.
func (c *Cache) Next() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.next
}

// reloadAll replaces the cached definitions with the database's. The
// watermark is read first, so changes that commit during the load are
// applied again afterwards (harmlessly).
func (c *Cache) reloadAll(ctx context.Context) error {
	var maxID int64
	ctx2, cancel := c.s.opctx(ctx)
	err := c.s.queryRow(ctx2, `SELECT COALESCE(MAX(id), 0) FROM changelog`).Scan(&maxID)
	cancel()
	if err != nil {
		return classify(err)
	}
	projects, err := c.s.Projects(ctx)
	if err != nil {
		return err
	}
	users, err := c.s.Users(ctx)
	if err != nil {
		return err
	}
	grants, err := c.s.Grants(ctx, "")
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.projects = map[string]Project{}
	for _, p := range projects {
		c.projects[p.Name] = p
	}
	c.users = map[string]User{}
	for _, u := range users {
		c.users[u.Name] = u
	}
	c.roles = map[[2]string]Role{}
	for _, g := range grants {
		c.roles[[2]string{g.Project, g.User}] = g.Role
	}
	// Tables are loaded lazily (on first use) and kept current by the log.
	c.tables = map[[3]string]cachedTable{}
	c.tableGen++
	c.cubes = map[string]*CubeState{}
	c.cubeGen++
	if maxID+1 > c.next {
		c.next = maxID + 1
		for id := range c.applied {
			if id < c.next {
				delete(c.applied, id)
			}
		}
	}
	c.gapSince = time.Time{}
	return nil
}

// Sync catches up with the change log now; a writer calls it after its own
// write to read it back (read-your-writes).
func (c *Cache) Sync(ctx context.Context) error {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	for {
		c.mu.RLock()
		from := c.next
		c.mu.RUnlock()
		const page = 500
		changes, err := c.s.Changes(ctx, from, page)
		if err != nil {
			return err
		}
		for _, ch := range changes {
			c.mu.RLock()
			done := c.applied[ch.ID]
			c.mu.RUnlock()
			if done {
				continue
			}
			if err := c.apply(ctx, ch); err != nil {
				return err
			}
		}
		lost := c.advance()
		if lost {
			if err := c.reloadAll(ctx); err != nil {
				return err
			}
		}
		if len(changes) < page {
			return nil
		}
	}
}

// advance moves the watermark over applied ids. It reports whether a gap
// outlived the gap timeout, in which case the caller reloads everything.
func (c *Cache) advance() (lost bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for c.applied[c.next] {
			delete(c.applied, c.next)
			c.next++
			c.gapSince = time.Time{}
		}
		if len(c.applied) == 0 {
			return lost
		}
		// A gap: ids above next were applied but next was not seen.
		if c.gapSince.IsZero() {
			c.gapSince = time.Now()
			return lost
		}
		if time.Since(c.gapSince) < c.gapTimeout {
			return lost
		}
		c.next++ // give the gap up
		c.gapSince = time.Time{}
		lost = true
	}
}

// apply reloads the definition a change names.
func (c *Cache) apply(ctx context.Context, ch Change) error {
	switch ch.Entity {
	case EntityProject:
		p, err := c.s.loadProject(ctx, ch.Name)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		c.mu.Lock()
		if errors.Is(err, ErrNotFound) {
			delete(c.projects, ch.Name)
			for k := range c.roles {
				if k[0] == ch.Name {
					delete(c.roles, k)
				}
			}
			for k := range c.tables {
				if k[0] == ch.Name {
					delete(c.tables, k)
				}
			}
		} else {
			c.projects[ch.Name] = p
		}
		c.mu.Unlock()
	case EntityUser:
		u, err := c.s.loadUser(ctx, ch.Name)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		c.mu.Lock()
		if errors.Is(err, ErrNotFound) {
			delete(c.users, ch.Name)
			for k := range c.roles {
				if k[1] == ch.Name {
					delete(c.roles, k)
				}
			}
		} else {
			c.users[ch.Name] = u
		}
		c.mu.Unlock()
	case EntityTable:
		// name is schema.table, or schema.* for a whole schema.
		schema, table, _ := strings.Cut(ch.Name, ".")
		c.mu.Lock()
		c.tableGen++
		for k := range c.tables {
			if k[0] == ch.Project && k[1] == schema && (table == "*" || k[2] == table) {
				delete(c.tables, k)
			}
		}
		c.mu.Unlock()
	case EntityCube, EntitySegment:
		c.forgetCubes(ch.Project)
	case EntityRole:
		c.mu.Lock()
		delete(c.roles, [2]string{ch.Project, ch.Name})
		c.mu.Unlock()
		ctx2, cancel := c.s.opctx(ctx)
		var r string
		err := c.s.queryRow(ctx2, `SELECT role FROM project_roles WHERE project = ? AND user_name = ?`, ch.Project, ch.Name).Scan(&r)
		cancel()
		if err == nil {
			c.mu.Lock()
			c.roles[[2]string{ch.Project, ch.Name}] = Role(r)
			c.mu.Unlock()
		} else if err := classify(err); !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	c.mu.Lock()
	c.applied[ch.ID] = true
	hooks := c.hooks
	c.mu.Unlock()
	for _, h := range hooks {
		h(ch)
	}
	return nil
}

// Generation returns a number that changes whenever the cache applies a
// change to a table (its definition or files) or to a cube or segment;
// ok is false when no cache runs. What a node derives from tables and
// cubes alone (the routing of a query block) stays valid while the
// number stays the same.
func (s *Store) Generation() (gen uint64, ok bool) {
	c := s.activeCache()
	if c == nil {
		return 0, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.tableGen + c.cubeGen, true
}

func (c *Cache) user(name string) (User, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	u, ok := c.users[name]
	return u, ok
}

func (c *Cache) project(name string) (Project, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.projects[name]
	return p, ok
}

// role reports a cached grant. A missing grant is not trusted (it may have
// been made on another node moments ago): callers then ask the database.
func (c *Cache) role(project, user string) (Role, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r, ok := c.roles[[2]string{project, user}]
	return r, ok
}

// cachedTable is a table's definition and committed files.
type cachedTable struct {
	def   TableDef
	files []TableFile
}

// table returns a cached table, loading it on first use; ok is false when
// it is unknown or cannot be loaded (the caller asks the database).
func (c *Cache) table(project, schema, name string) (cachedTable, bool) {
	key := [3]string{project, schema, name}
	c.mu.RLock()
	t, ok := c.tables[key]
	gen := c.tableGen
	c.mu.RUnlock()
	if ok {
		return t, true
	}
	// A change applied while loading makes the load stale: it is then
	// used for this call but not kept.
	ctx, cancel := context.WithTimeout(context.Background(), c.s.opTimeout)
	defer cancel()
	def, err := c.s.loadTable(ctx, project, schema, name)
	if err != nil {
		return t, false
	}
	files, err := c.s.loadTableFiles(ctx, project, schema, name)
	if err != nil {
		return t, false
	}
	t = cachedTable{def: def, files: files}
	c.mu.Lock()
	if c.tableGen == gen {
		c.tables[key] = t
	}
	c.mu.Unlock()
	return t, true
}
