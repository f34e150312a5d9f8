package store

import (
	"context"
	"errors"
	"testing"
)

// TestRecordKey (F6): the fingerprint is hex HMAC-SHA256(key,
// "effekt-key-check"); the first record stays, the same key is accepted,
// another refused without a second row.
func TestRecordKey(t *testing.T) {
	ctx := context.Background()
	if got := KeyFingerprint([]byte("test-key-0123456789")); got != "471d4e4b8b20f78fb5fa1e7da5ab5b0d77176943aa076016aab4e8c376c39d30" {
		t.Fatalf("fingerprint %s", got)
	}
	db, err := Open(ctx, ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, b := []byte("key-a-0123456789"), []byte("key-b-0123456789")
	if _, ok, err := CheckKey(ctx, db, a); ok || err != nil {
		t.Fatalf("empty database: recorded %v, %v", ok, err)
	}
	for _, tc := range []struct {
		key    []byte
		madeBy string
		err    error
	}{
		{a, MadeByDemo, nil}, {a, "ingest", nil}, {b, "ingest", ErrKeyMismatch}, {a, "ingest", nil},
	} {
		if err := RecordKey(ctx, db, tc.key, tc.madeBy); !errors.Is(err, tc.err) {
			t.Errorf("RecordKey(%s, %s) = %v, want %v", tc.key, tc.madeBy, err, tc.err)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pseudonym_key`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d rows, %v", n, err)
	}
	rec, ok, err := CheckKey(ctx, db, a)
	if err != nil || !ok || rec != (KeyRecord{Fingerprint: KeyFingerprint(a), MadeBy: MadeByDemo}) {
		t.Errorf("CheckKey(a) = %+v %v %v", rec, ok, err)
	}
	if _, _, err := CheckKey(ctx, db, b); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("CheckKey(b) = %v", err)
	}
}
