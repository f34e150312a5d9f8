package insatser

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/effekt/effekt/snapshot"
)

// source reads Data through the database, cached per published snapshot:
// every compute publishes a new one (Seq changes), and the first request
// after it reads afresh. maxAge bounds the cache besides (catalogue-only
// ingests that loaded no rows do not compute).
type source struct {
	db     *sql.DB
	snaps  *snapshot.Store
	minN   int
	maxAge time.Duration
	log    *slog.Logger

	mu   sync.Mutex
	seq  uint64
	data *Data
}

func (s *source) get(ctx context.Context) (*Data, error) {
	snap := s.snaps.Load()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data != nil && s.seq == snap.Seq && time.Since(s.data.ReadAt) < s.maxAge {
		return s.data, nil
	}
	d, err := load(ctx, s.db, snap.AsOf, s.minN)
	if err != nil {
		return nil, err
	}
	d.ComputedAt = snap.ComputedAt
	s.data, s.seq = d, snap.Seq
	s.log.Debug("insatser: data read", "interventions", len(d.Interventions), "snapshot", snap.Seq)
	return d, nil
}
