package metrics

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	//go:embed sql/files.sql
	filesSQL string
	//go:embed sql/rejected.sql
	rejectedSQL string
	//go:embed sql/freshness.sql
	freshnessSQL string
	//go:embed sql/jobs.sql
	jobsSQL string
)

var (
	filesDesc = prometheus.NewDesc(namespace+"_files_total",
		"Files processed, by kind and status (loaded, failed, skipped).", []string{"kind", "status"}, nil)
	rowsDesc = prometheus.NewDesc(namespace+"_rows_total",
		"Rows read from processed files, by kind and outcome (loaded, rejected).", []string{"kind", "outcome"}, nil)
	rejectedDesc = prometheus.NewDesc(namespace+"_rejected_rows_total",
		"Rejected rows, by kind and reason code.", []string{"kind", "reason"}, nil)
	lastLoadDesc = prometheus.NewDesc(namespace+"_last_successful_load_timestamp_seconds",
		"When the last file of the kind was loaded (Unix seconds).", []string{"kind"}, nil)
	newestEventDesc = prometheus.NewDesc(namespace+"_data_newest_event_timestamp_seconds",
		"Date of the newest event in the loaded data of the kind (Unix seconds, midnight UTC).", []string{"kind"}, nil)
	freshnessDesc = prometheus.NewDesc(namespace+"_data_freshness_seconds",
		"Age of the newest event in the loaded data of the kind.", []string{"kind"}, nil)
	jobLastOKDesc = prometheus.NewDesc(namespace+"_job_last_success_timestamp_seconds",
		"When the job last finished with outcome ok (Unix seconds), from job_runs.", []string{"pipeline_job"}, nil)
)

var fileStatuses = []string{"loaded", "failed", "skipped"}

// filesSource reads the file log and the rejected rows.
type filesSource struct{ db *sql.DB }

func (s *filesSource) name() string { return "files" }

func (s *filesSource) describe(ch chan<- *prometheus.Desc) {
	ch <- filesDesc
	ch <- rowsDesc
	ch <- rejectedDesc
	ch <- lastLoadDesc
}

func (s *filesSource) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	type kindStatus struct{ kind, status string }
	files := map[kindStatus]float64{}
	rowsOut := map[kindStatus]float64{}
	for _, k := range Kinds {
		for _, st := range fileStatuses {
			files[kindStatus{k, st}] = 0
		}
		rowsOut[kindStatus{k, "loaded"}] = 0
		rowsOut[kindStatus{k, "rejected"}] = 0
	}
	lastLoad := map[string]time.Time{}
	err := query(ctx, s.db, filesSQL, nil, func(r *sql.Rows) error {
		var kind, status string
		var n, loaded, rejected int64
		var last sql.NullTime
		if err := r.Scan(&kind, &status, &n, &loaded, &rejected, &last); err != nil {
			return err
		}
		files[kindStatus{kind, status}] += float64(n)
		rowsOut[kindStatus{kind, "loaded"}] += float64(loaded)
		rowsOut[kindStatus{kind, "rejected"}] += float64(rejected)
		if last.Valid && last.Time.After(lastLoad[kind]) {
			lastLoad[kind] = last.Time
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	for k, v := range files {
		ch <- prometheus.MustNewConstMetric(filesDesc, prometheus.CounterValue, v, k.kind, k.status)
	}
	for k, v := range rowsOut {
		ch <- prometheus.MustNewConstMetric(rowsDesc, prometheus.CounterValue, v, k.kind, k.status)
	}
	for k, t := range lastLoad {
		ch <- prometheus.MustNewConstMetric(lastLoadDesc, prometheus.GaugeValue, ts(t), k)
	}
	err = query(ctx, s.db, rejectedSQL, nil, func(r *sql.Rows) error {
		var kind, reason string
		var n int64
		if err := r.Scan(&kind, &reason, &n); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(rejectedDesc, prometheus.CounterValue, float64(n), kind, reason)
		return nil
	})
	if err != nil {
		return fmt.Errorf("rejected rows: %w", err)
	}
	return nil
}

// freshnessSource reports the newest event date per kind and its age.
type freshnessSource struct {
	db  *sql.DB
	now func() time.Time
}

func (s *freshnessSource) name() string { return "freshness" }

func (s *freshnessSource) describe(ch chan<- *prometheus.Desc) {
	ch <- newestEventDesc
	ch <- freshnessDesc
}

func (s *freshnessSource) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	now := s.now()
	err := query(ctx, s.db, freshnessSQL, nil, func(r *sql.Rows) error {
		var kind string
		var newest sql.NullTime
		if err := r.Scan(&kind, &newest); err != nil {
			return err
		}
		if !newest.Valid {
			return nil
		}
		ch <- prometheus.MustNewConstMetric(newestEventDesc, prometheus.GaugeValue, ts(newest.Time), kind)
		ch <- prometheus.MustNewConstMetric(freshnessDesc, prometheus.GaugeValue, now.Sub(newest.Time).Seconds(), kind)
		return nil
	})
	if err != nil {
		return fmt.Errorf("freshness: %w", err)
	}
	return nil
}

// jobsSource reads the last successful run per job from job_runs, so that
// it survives restarts.
type jobsSource struct{ db *sql.DB }

func (s *jobsSource) name() string { return "jobs" }

func (s *jobsSource) describe(ch chan<- *prometheus.Desc) { ch <- jobLastOKDesc }

func (s *jobsSource) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	err := query(ctx, s.db, jobsSQL, nil, func(r *sql.Rows) error {
		var job string
		var last time.Time
		if err := r.Scan(&job, &last); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(jobLastOKDesc, prometheus.GaugeValue, ts(last), job)
		return nil
	})
	if err != nil {
		return fmt.Errorf("job runs: %w", err)
	}
	return nil
}

// query runs q and calls scan for every row.
func query(ctx context.Context, db *sql.DB, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
