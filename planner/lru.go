package planner

import (
	"container/list"
	"sync"
)

// lru is a bounded map that evicts its least recently used entry; it is
// safe for concurrent use. The parse cache and the route memo are two.
type lru[K comparable, V any] struct {
	mu    sync.Mutex // guards order and items
	max   int
	order *list.List // of *lruEntry[K, V], most recent first
	items map[K]*list.Element
	hits  uint64 // gets that found their key, for tests
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), items: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		c.hits++
		return e.Value.(*lruEntry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// put adds an entry unless k is there already (entries of both caches
// are equal for equal keys, so the first stays).
func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry[K, V]{k, v})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry[K, V]).key)
	}
}

// hitCount returns how many gets found their key.
func (c *lru[K, V]) hitCount() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits
}
