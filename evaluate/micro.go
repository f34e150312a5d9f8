package evaluate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/transform"
)

// ErrNotComputed means the database holds no computed indicators: the
// cohort tables evaluate reads are built by `effekt compute`.
var ErrNotComputed = errors.New("no computed indicators in the database: run effekt compute (or effekt demo) first")

// Data reads the cohort rows behind the indicators on one connection of a
// computed database, with as_of set as the last compute set it.
type Data struct {
	conn *sql.Conn
	AsOf time.Time
}

// Open takes a connection and sets as_of: asOf when given, else the as_of
// of the indicator values in the database.
func Open(ctx context.Context, db *sql.DB, asOf time.Time) (*Data, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("evaluate: connection: %w", err)
	}
	if asOf.IsZero() {
		var s sql.NullString
		err := conn.QueryRowContext(ctx, `SELECT max(as_of)::VARCHAR FROM indicator_values`).Scan(&s)
		if err != nil || !s.Valid {
			conn.Close()
			if err != nil {
				return nil, fmt.Errorf("evaluate: as_of: %w (%w)", err, ErrNotComputed)
			}
			return nil, ErrNotComputed
		}
		if asOf, err = time.Parse(time.DateOnly, s.String[:10]); err != nil {
			conn.Close()
			return nil, fmt.Errorf("evaluate: as_of %q: %w", s.String, err)
		}
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`SET VARIABLE as_of = DATE '%s'`, asOf.Format(time.DateOnly))); err != nil {
		conn.Close()
		return nil, fmt.Errorf("evaluate: set as_of: %w", err)
	}
	return &Data{conn: conn, AsOf: asOf}, nil
}

// Close returns the connection.
func (d *Data) Close() error { return d.conn.Close() }

// Obs returns the indicator's cohort rows (models' micro SQL, unchanged).
func (d *Data) Obs(ctx context.Context, ind models.Indicator) ([]Obs, error) {
	q, err := ind.MicroSQL()
	if err != nil {
		return nil, err
	}
	if err := d.built(ctx); err != nil {
		return nil, err
	}
	rows, err := d.conn.QueryContext(ctx, `SELECT municipality, cohort_date, x FROM (`+strings.TrimRight(strings.TrimSpace(q), ";")+`) WHERE x IS NOT NULL`)
	if err != nil {
		return nil, notComputed(fmt.Errorf("evaluate %s: %w", ind.ID, err))
	}
	defer rows.Close()
	var out []Obs
	for rows.Next() {
		var o Obs
		if err := rows.Scan(&o.Municipality, &o.Date, &o.Y); err != nil {
			return nil, fmt.Errorf("evaluate %s: %w", ind.ID, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", ind.ID, err)
	}
	return out, nil
}

// built returns ErrNotComputed unless the cohort tables were built by
// this binary's models (transform.Current): tables an older or newer
// effekt built may lack a column or hold covariates its models coded
// otherwise, and reading them would give wrong values, or none, without
// saying why. The next compute rebuilds them.
func (d *Data) built(ctx context.Context) error {
	ok, err := transform.Current(ctx, d.conn)
	if err != nil {
		return notComputed(fmt.Errorf("evaluate: %w", err))
	}
	if !ok {
		return fmt.Errorf("evaluate: the cohort tables were not built by this version of effekt's models (%w)", ErrNotComputed)
	}
	return nil
}

// notComputed adds ErrNotComputed to a missing table error.
func notComputed(err error) error {
	if strings.Contains(err.Error(), "does not exist") {
		return fmt.Errorf("%w (%w)", err, ErrNotComputed)
	}
	return err
}
