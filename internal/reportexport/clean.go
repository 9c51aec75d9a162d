package reportexport

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
)

func (s *Service) cleanLoop(ctx context.Context) {
	t := time.NewTicker(s.CleanEvery)
	defer t.Stop()
	for {
		if n, err := s.Clean(ctx); err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("report export retention", "err", err)
			}
		} else if n > 0 {
			s.Log.Debug("report exports past retention deleted", "n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Clean deletes this node's exports finished longer than the retention
// ago (files and jobs), jobs of any node that never finished within twice
// the retention (their node is gone), and files in the export dir that no
// job names and that are older than the retention (left by a crash). It
// returns how many jobs it deleted.
func (s *Service) Clean(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-s.Retention)
	rows, err := s.DB.QueryContext(ctx, `SELECT id, file_path FROM report_exports WHERE node = $1 AND status IN ($2, $3)
		AND finished_at < $4`, s.Node, StatusDone, StatusFailed, store.Millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("reportexport: clean: %w", err)
	}
	type old struct {
		id   int64
		path string
	}
	var olds []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.path); err != nil {
			rows.Close()
			return 0, err
		}
		olds = append(olds, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, o := range olds {
		if err := s.removeFile(o.path); err != nil {
			return n, err
		}
		if _, err := s.DB.ExecContext(ctx, `DELETE FROM report_exports WHERE id = $1`, o.id); err != nil {
			return n, fmt.Errorf("reportexport: clean: %w", err)
		}
		n++
	}
	res, err := s.DB.ExecContext(ctx, `DELETE FROM report_exports WHERE status IN ($1, $2) AND created_at < $3`,
		StatusQueued, StatusRunning, store.Millis(cutoff.Add(-s.Retention)))
	if err != nil {
		return n, fmt.Errorf("reportexport: clean: %w", err)
	}
	stuck, _ := res.RowsAffected()
	return n + int(stuck), s.sweep(ctx, cutoff)
}

func (s *Service) removeFile(rel string) error {
	if rel == "" {
		return nil
	}
	if err := os.Remove(filepath.Join(s.Dir, filepath.Base(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reportexport: clean: %w", err)
	}
	return nil
}

// sweep removes the export dir's files that no job of this node names
// and that were last written before cutoff.
func (s *Service) sweep(ctx context.Context, cutoff time.Time) error {
	rows, err := s.DB.QueryContext(ctx, `SELECT file_path FROM report_exports WHERE node = $1 AND file_path <> ''`, s.Node)
	if err != nil {
		return fmt.Errorf("reportexport: sweep: %w", err)
	}
	named := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return err
		}
		named[p] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return fmt.Errorf("reportexport: sweep: %w", err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || e.IsDir() || named[e.Name()] || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := s.removeFile(e.Name()); err != nil {
			return err
		}
	}
	return nil
}
