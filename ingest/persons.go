package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/effekt/effekt/ingest/parse"
)

// The pseudonyms of a run live in one personCache shared by the file's
// validators. It holds no pointers (numbers in, numbers out), so the
// garbage collector never scans it however many persons it holds: at
// national scale (10⁶ persons) it is ~100 MB of plain memory, where
// per-validator maps of boxed strings were ~0.8 GB of heap that every GC
// cycle marked. Each person is an index (its place in entries) in the
// buffered rows of a file (stage.go); the insert writes its pseudonym,
// birth date and gender (insert.go).

// maxPersons bounds the cache between files: a run that has seen more
// persons starts the next file with an empty cache (within one file it
// grows as far as the file needs, since the indices buffered must stay
// valid).
const maxPersons = 1 << 21

// personEntry is one pseudonymised person.
type personEntry struct {
	sum   [sha256.Size]byte // HMAC-SHA256 of the canonical 12 digits
	birth int32             // birth date, days since 1970-01-01
	male  bool
}

// The cache's maps are split into personShards shards, each behind its own
// lock, so that the validators seldom wait for each other: in a file where
// nearly every row is a new person (registrations, SFI courses), one lock
// around the maps cost 15–20 % of the validators' time waiting. A person's
// number is in the shard its number picks, a text in the shard its key
// picks. The index of a person is given out in order by one atomic
// counter; its entry lives in blocks of personBlock entries that are never
// moved (a growing slice would be copied under readers' feet).
const (
	personShards    = 16
	personBlockBits = 16
	personBlock     = 1 << personBlockBits
	// persons a file can hold: 2³¹ indices of int32
	maxPersonBlocks = 1 << (31 - personBlockBits)
)

type personShard struct {
	mu     sync.Mutex
	byText map[uint64]int32 // textKey of the trimmed text → index
	byNum  map[uint64]int32 // canonical 12 digits as a number → index
	_      [40]byte         // a cache line of its own
}

// personCache maps personnummer texts to persons. Safe for concurrent use
// by the validators of a file; begin and all are called between files,
// when no validator runs.
type personCache struct {
	shards [personShards]personShard
	n      atomic.Int32 // persons given an index
	blocks [maxPersonBlocks]atomic.Pointer[[personBlock]personEntry]
}

func newPersonCache() *personCache {
	c := &personCache{}
	for i := range c.shards {
		c.shards[i].byText = make(map[uint64]int32)
		c.shards[i].byNum = make(map[uint64]int32)
	}
	return c
}

// shard picks the shard of a number or text key (mixed: a text key's low
// bits are its last character alone).
func (c *personCache) shard(k uint64) *personShard {
	return &c.shards[(k*0x9E3779B97F4A7C15)>>(64-4)]
}

// begin starts a file: a cache past maxPersons is emptied first (its
// blocks are kept and written over).
func (c *personCache) begin() {
	if c.n.Load() < maxPersons {
		return
	}
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		clear(s.byText)
		clear(s.byNum)
		s.mu.Unlock()
	}
	c.n.Store(0)
}

// lookup returns the index of the person whose trimmed text has key k.
func (c *personCache) lookup(k uint64) (int32, bool) {
	s := c.shard(k)
	s.mu.Lock()
	i, ok := s.byText[k]
	s.mu.Unlock()
	return i, ok
}

// remember stores text key k for index i.
func (c *personCache) remember(k uint64, i int32) {
	s := c.shard(k)
	s.mu.Lock()
	s.byText[k] = i
	s.mu.Unlock()
}

// lookupNum returns the index of the person with canonical number num,
// remembering text key k (0: none) for it.
func (c *personCache) lookupNum(num, k uint64) (int32, bool) {
	s := c.shard(num)
	s.mu.Lock()
	i, ok := s.byNum[num]
	s.mu.Unlock()
	if ok && k != 0 {
		c.remember(k, i)
	}
	return i, ok
}

// add stores a new person (or finds the one another validator stored
// meanwhile) and returns its index. A number is only ever added under its
// shard's lock, so it gets one index however many validators meet it at
// once.
func (c *personCache) add(num, k uint64, e personEntry) int32 {
	s := c.shard(num)
	s.mu.Lock()
	i, ok := s.byNum[num]
	if !ok {
		i = c.n.Add(1) - 1
		if i < 0 {
			s.mu.Unlock()
			panic("more than 2³¹ persons in one file")
		}
		*c.slot(i) = e
		s.byNum[num] = i
	}
	s.mu.Unlock()
	if k != 0 {
		c.remember(k, i)
	}
	return i
}

// slot is the entry of index i, its block made when it is the first.
func (c *personCache) slot(i int32) *personEntry {
	b := &c.blocks[i>>personBlockBits]
	p := b.Load()
	if p == nil {
		p = new([personBlock]personEntry)
		if !b.CompareAndSwap(nil, p) {
			p = b.Load()
		}
	}
	return &p[i&(personBlock-1)]
}

// all returns the persons by index. The table stays valid while no
// validator adds to the cache (between the reading of a file and the
// next).
func (c *personCache) all() personTable {
	n := int(c.n.Load())
	t := personTable{n: n, blocks: make([]*[personBlock]personEntry, (n+personBlock-1)/personBlock)}
	for i := range t.blocks {
		t.blocks[i] = c.blocks[i].Load()
	}
	return t
}

// personTable is the cache's persons by index, as all returns them.
type personTable struct {
	blocks []*[personBlock]personEntry
	n      int
}

// at returns the person of index i (< len).
func (t personTable) at(i int32) *personEntry {
	return &t.blocks[i>>personBlockBits][i&(personBlock-1)]
}

// len is the number of persons.
func (t personTable) len() int { return t.n }

// textKey packs a trimmed personnummer text of at most 14 characters of
// digits, '-' and '+' into a number (4 bits a character, the length on
// top); ok is false for any other text, which is then parsed every time.
// Zero is never a key.
func textKey(t string) (uint64, bool) {
	if len(t) == 0 || len(t) > 14 {
		return 0, false
	}
	k := uint64(len(t))
	for i := 0; i < len(t); i++ {
		var d uint64
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			d = uint64(c-'0') + 1
		case c == '-':
			d = 11
		case c == '+':
			d = 12
		default:
			return 0, false
		}
		k = k<<4 | d
	}
	return k, true
}

// personer pseudonymises personnummer texts for one validator (not safe
// for concurrent use) through the run's shared cache.
type personer struct {
	cache *personCache
	mac   hash.Hash
	sum   []byte
	today time.Time
}

func newPersoner(cache *personCache, key []byte, today time.Time) *personer {
	return &personer{cache: cache, mac: hmac.New(sha256.New, key), sum: make([]byte, 0, sha256.Size), today: today}
}

// index returns the index of the person with trimmed text t, or the parse
// error of an invalid one. A 12-digit form (YYYYMMDDNNNN, YYYYMMDD-NNNN;
// 70–90 % of the national sample's texts) is its canonical number as
// written, and whether it is valid depends on those digits alone (and
// today, the same for the run): it is looked up by that number directly,
// and the text map holds only the 10-digit forms, whose century depends on
// the separator and today. A new person with a 12-digit form then costs
// three map operations instead of five, each a cache miss once the cache
// holds 10⁶ persons.
func (p *personer) index(t string) (int32, error) {
	num, long := longForm(t)
	var k uint64
	if long {
		if i, ok := p.cache.lookupNum(num, 0); ok {
			return i, nil
		}
	} else if kk, ok := textKey(t); ok {
		k = kk
		if i, ok := p.cache.lookup(k); ok {
			return i, nil
		}
	}
	n, err := parse.Personnummer(t, p.today)
	if err != nil {
		return 0, err
	}
	var canon uint64
	for i := 0; i < len(n.Canonical); i++ {
		canon = canon*10 + uint64(n.Canonical[i]-'0')
	}
	if long && canon != num {
		// not a row to reject: the validator's recover fails the run
		panic("person id parsed to another number than its digits")
	}
	if !long {
		if i, ok := p.cache.lookupNum(canon, k); ok {
			return i, nil
		}
	}
	p.mac.Reset()
	p.mac.Write([]byte(n.Canonical))
	e := personEntry{birth: int32(n.BirthDate.Unix() / 86400), male: strings.HasPrefix(n.Gender, "M")}
	copy(e.sum[:], p.mac.Sum(p.sum[:0]))
	return p.cache.add(canon, k, e), nil
}

// longForm returns the number of a 12-digit personnummer text,
// YYYYMMDDNNNN or YYYYMMDD-NNNN (the forms parse.Personnummer reads as
// their own canonical digits); ok is false for any other text.
func longForm(t string) (num uint64, ok bool) {
	switch {
	case len(t) == 12:
	case len(t) == 13 && t[8] == '-':
	default:
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if i == 8 && len(t) == 13 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		num = num*10 + uint64(c-'0')
	}
	return num, true
}
