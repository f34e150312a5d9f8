package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// replaceDir fills a fresh temporary sibling of dir, syncs it and swaps it
// into place: the old dir is renamed to a .old sibling, the new one renamed
// to dir, then the old one removed. When fill or the swap fails, the
// temporary folder is removed and dir is left (or put back) as it was.
// fail, when set, is called with "swap" between the two renames (tests).
func replaceDir(dir string, fill func(tmp string) error, fail func(step string) error) (err error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	old := filepath.Join(parent, "."+base+".old")
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create parent folder: %w", err)
	}
	if err := recoverOld(dir, old); err != nil {
		return err
	}
	removeStale(parent, "."+base+".new-", staleAge)
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return fmt.Errorf("create temporary folder: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("chmod temporary folder: %w", err)
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := syncDir(tmp); err != nil {
		return fmt.Errorf("sync temporary folder: %w", err)
	}
	hadOld := false
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move previous export aside: %w", err)
		}
		hadOld = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("stat previous export: %w", err)
	}
	if fail != nil {
		err = fail("swap")
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		if hadOld {
			if rerr := os.Rename(old, dir); rerr != nil {
				return fmt.Errorf("swap in new export: %w (and restoring the previous one: %v)", err, rerr)
			}
		}
		return fmt.Errorf("swap in new export: %w", err)
	}
	if err := syncDir(parent); err != nil {
		return fmt.Errorf("sync parent folder: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("remove previous export: %w", err)
	}
	return nil
}

// recoverOld puts back a previous export that a crash left renamed aside
// (dir missing, .old present), and removes a stale .old otherwise.
func recoverOld(dir, old string) error {
	if _, err := os.Stat(old); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(old, dir); err != nil {
			return fmt.Errorf("restore previous export from %s: %w", old, err)
		}
		return nil
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("remove stale %s: %w", old, err)
	}
	return nil
}

// staleAge is how old a temporary folder must be before another export
// takes it for the leftover of a crash and removes it.
const staleAge = time.Hour

// removeStale removes temporary folders that a crashed export left in
// parent (name starting with prefix, older than age). Errors are ignored:
// a leftover costs disk space, never correctness.
func removeStale(parent, prefix string, age time.Duration) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
