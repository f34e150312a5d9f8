package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// keyCheckText is what a key's fingerprint is the HMAC of.
const keyCheckText = "effekt-key-check"

// MadeByDemo is the made_by of a database `effekt demo` made.
const MadeByDemo = "demo"

// ErrKeyMismatch is returned when the database's pseudonyms were made with
// another key than the one given.
var ErrKeyMismatch = errors.New("the database's pseudonyms were made with another pseudonym key: the same person would get a second pseudonym; use the key the database was built with (EFFEKT_PSEUDONYM_KEY or pseudonym.key_file), or a new database")

// KeyFingerprint is hex HMAC-SHA256(key, "effekt-key-check"): it tells keys
// apart without revealing them.
func KeyFingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(keyCheckText))
	return hex.EncodeToString(m.Sum(nil))
}

// KeyRecord is the key a database records.
type KeyRecord struct {
	Fingerprint string
	MadeBy      string // "demo" (effekt demo), "ingest"
}

// RecordedKey returns the key db records; ok is false when none is (a
// database no ingest has written to since this version).
func RecordedKey(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (rec KeyRecord, ok bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT fingerprint, made_by FROM pseudonym_key ORDER BY recorded_at LIMIT 1`).Scan(&rec.Fingerprint, &rec.MadeBy)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return rec, false, nil
	case err != nil:
		return rec, false, fmt.Errorf("read the recorded pseudonym key: %w", err)
	}
	return rec, true, nil
}

// CheckKey returns an error wrapping ErrKeyMismatch when db records a key
// other than key; none recorded is no error.
func CheckKey(ctx context.Context, db *sql.DB, key []byte) (KeyRecord, bool, error) {
	rec, ok, err := RecordedKey(ctx, db)
	if err != nil || !ok {
		return rec, ok, err
	}
	if !hmac.Equal([]byte(rec.Fingerprint), []byte(KeyFingerprint(key))) {
		return rec, ok, ErrKeyMismatch
	}
	return rec, ok, nil
}

// RecordKey records key's fingerprint as made by madeBy when db records no
// key yet, and refuses (ErrKeyMismatch, nothing written) another key.
func RecordKey(ctx context.Context, db *sql.DB, key []byte, madeBy string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record the pseudonym key: %w", err)
	}
	defer tx.Rollback()
	rec, ok, err := RecordedKey(ctx, tx)
	if err != nil {
		return err
	}
	if ok {
		if !hmac.Equal([]byte(rec.Fingerprint), []byte(KeyFingerprint(key))) {
			return ErrKeyMismatch
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO pseudonym_key VALUES (?, ?, ?)`, KeyFingerprint(key), madeBy, time.Now().UTC()); err != nil {
		return fmt.Errorf("record the pseudonym key: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record the pseudonym key: %w", err)
	}
	return nil
}
