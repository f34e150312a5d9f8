package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// source is one group of metrics read from the database at scrape time.
type source interface {
	name() string
	describe(ch chan<- *prometheus.Desc)
	// collect sends its metrics; on an error the scrape reports
	// effekt_scrape_collector_success 0 for it (metrics sent before the
	// error are kept).
	collect(ctx context.Context, ch chan<- prometheus.Metric) error
}

var (
	scrapeSuccessDesc = prometheus.NewDesc(namespace+"_scrape_collector_success",
		"1 when the collector's database queries succeeded in this scrape.", []string{"collector"}, nil)
	scrapeDurationDesc = prometheus.NewDesc(namespace+"_scrape_collector_duration_seconds",
		"Time the collector took in this scrape.", []string{"collector"}, nil)
)

// dbCollector runs the sources concurrently, each under its own timeout
// (Collect has no context), and reports each one's success and duration,
// as node_exporter does.
type dbCollector struct {
	sources []source
	timeout time.Duration
	log     *slog.Logger
}

func newDBCollector(db *sql.DB, opt Options, indicators source) *dbCollector {
	return &dbCollector{
		sources: []source{
			indicators,
			&filesSource{db: db},
			&freshnessSource{db: db, now: opt.Now},
			&jobsSource{db: db},
		},
		timeout: opt.Timeout,
		log:     opt.Logger.With("component", "metrics"),
	}
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- scrapeSuccessDesc
	ch <- scrapeDurationDesc
	for _, s := range c.sources {
		s.describe(ch)
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	var wg sync.WaitGroup
	for _, s := range c.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
			defer cancel()
			began := time.Now()
			err := s.collect(ctx, ch)
			ok := 1.0
			if err != nil {
				ok = 0
				c.log.Error("metrics collector failed", "collector", s.name(), "err", err)
			}
			ch <- prometheus.MustNewConstMetric(scrapeDurationDesc, prometheus.GaugeValue, time.Since(began).Seconds(), s.name())
			ch <- prometheus.MustNewConstMetric(scrapeSuccessDesc, prometheus.GaugeValue, ok, s.name())
		}()
	}
	wg.Wait()
}

func ts(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
