package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// EnvFault names the environment variable that injects a fault into a run,
// for tests of the crash guarantees: for example
// EFFEKT_FAULT=point=tx,action=kill,file=2024.csv
// kills the process in the middle of the transaction of the first file whose
// name contains "2024.csv".
const EnvFault = "EFFEKT_FAULT"

// Fault points.
const (
	PointRows   = "rows"   // while reading (in the transaction), once Rows rows are read
	PointStaged = "staged" // the whole file read and its rows inserted, before the rejects are recorded
	PointTx     = "tx"     // rejected and superseded rows recorded, before rows of earlier files are deleted
	PointCommit = "commit" // in the transaction, everything written, before commit
	PointMove   = "move"   // committed, before the file moves to the archive
)

// ErrFault is the error an injected fault returns. A run that meets it stops
// (like a crash) and leaves the file in the inbox.
var ErrFault = errors.New("injected fault")

// Fault makes a load fail at a point: Action "error" returns ErrFault,
// "kill" sends SIGKILL to the process itself.
type Fault struct {
	Point  string
	Action string // error | kill
	File   string // substring of the file name; "" any file
	Rows   int64  // for PointRows: fire once at least this many rows are staged
}

// ParseFault reads a fault spec "point=P,action=A,file=F,rows=N".
func ParseFault(spec string) (*Fault, error) {
	f := &Fault{Action: "error", Rows: 1}
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "point":
			f.Point = v
		case "action":
			f.Action = v
		case "file":
			f.File = v
		case "rows":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: rows=%q: %w", EnvFault, v, err)
			}
			f.Rows = n
		default:
			return nil, fmt.Errorf("%s: unknown key %q (point, action, file, rows)", EnvFault, k)
		}
	}
	switch f.Point {
	case PointRows, PointStaged, PointTx, PointCommit, PointMove:
	default:
		return nil, fmt.Errorf("%s: point=%q: want rows, staged, tx, commit or move", EnvFault, f.Point)
	}
	if f.Action != "error" && f.Action != "kill" {
		return nil, fmt.Errorf("%s: action=%q: want error or kill", EnvFault, f.Action)
	}
	return f, nil
}

// at fires the fault when point, file and row count match.
func (f *Fault) at(_ context.Context, point, name string, n int64) error {
	if f == nil || f.Point != point || (f.File != "" && !strings.Contains(name, f.File)) || (point == PointRows && n < f.Rows) {
		return nil
	}
	if f.Action == "kill" {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // wait for the signal
	}
	return fmt.Errorf("%s at %s: %w", name, point, ErrFault)
}

// at runs the test hook, then the fault, at a point of a load.
func (l *loader) at(ctx context.Context, point, name string, n int64) error {
	if l.opt.hook != nil {
		l.opt.hook(point, name, n)
	}
	return l.fault.at(ctx, point, name, n)
}
