package reportexport

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// Progress by phase: the engine computes a report in one call that says
// nothing on the way, so computing holds progress at progressStart until
// it returns; writing then moves from progressComputed to progressWritten
// with the table rows written, and the stored file completes it.
const (
	progressStart    = 5
	progressComputed = 50
	progressWritten  = 95
)

// run runs a claimed job to its end: done, failed, or — when the server
// is stopping — queued again for the next start.
func (s *Service) run(ctx context.Context, j *Job) {
	err := s.produce(ctx, j)
	if err == nil {
		return
	}
	bg, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if ctx.Err() != nil {
		if err := requeue(bg, s.DB, s.Node, j.ID); err != nil {
			s.Log.Warn("report export: requeue", "id", j.ID, "err", err)
		}
		return
	}
	msg := failMessage(err)
	s.Log.Info("report export failed", "id", j.ID, "user", j.userID, "err", err)
	if err := markFailed(bg, s.DB, j.ID, msg, s.now()); err != nil {
		s.Log.Warn("report export: mark failed", "id", j.ID, "err", err)
	}
}

// failMessage is what a failed job tells its user: the error when it is
// about the request (a period too long, a lost permission), not the
// internals of a server error, which go to the log.
func failMessage(err error) string {
	if e := apperr.As(err); e != nil && e.Kind != apperr.KindInternal {
		return e.Error()
	}
	return "the export failed on the server (internal error; the server log has the details)"
}

// produce computes the report as the job's user — loaded again: their
// role, permissions and data scope may have changed since they asked —
// writes the file and records it, with its audit row.
func (s *Service) produce(ctx context.Context, j *Job) error {
	a, err := s.Org.LoadActor(ctx, j.userID)
	if err != nil {
		return err
	}
	a.IP = j.ip
	if err := require(a); err != nil {
		return err
	}
	res, err := s.Reports.Report(ctx, a, j.Query)
	if err != nil {
		return err
	}
	if err := setProgress(ctx, s.DB, j.ID, PhaseWriting, progressComputed); err != nil {
		return err
	}
	names, err := s.names(ctx, res.Query)
	if err != nil {
		return err
	}
	x := &Export{Result: res, Lang: j.Lang, By: who(a), Scope: a.Scope.Kind, At: s.now(), Names: names,
		Progress: s.progressOf(ctx, j.ID)}
	name := "export-" + strconv.FormatInt(j.ID, 10) + "." + j.Format
	size, err := s.writeFile(name, j.Format, x)
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := markDone(ctx, tx, j.ID, name, size, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Who{ID: a.UserID, Name: a.Username, IP: j.ip}, "export", "report_exports", j.ID,
			"report export "+j.FileName, nil, map[string]any{"format": j.Format, "file_name": j.FileName, "size": size,
				"rows": len(res.Rows), "query": res.Query, "params": j.Params})
	})
	if err != nil {
		os.Remove(filepath.Join(s.Dir, name))
	}
	return err
}

func who(a *org.Actor) string {
	if a.DisplayName == "" || a.DisplayName == a.Username {
		return a.Username
	}
	return a.DisplayName + " (" + a.Username + ")"
}

// progressOf returns the writers' progress callback: it stores the
// writing phase's share, at most every 200 ms.
func (s *Service) progressOf(ctx context.Context, id int64) func(done, total int) {
	last, lastAt := progressComputed, time.Time{}
	return func(done, total int) {
		p := progressComputed + (progressWritten-progressComputed)*done/max(total, 1)
		if p <= last || time.Since(lastAt) < 200*time.Millisecond {
			return
		}
		last, lastAt = p, time.Now()
		if err := setProgress(ctx, s.DB, id, PhaseWriting, p); err != nil {
			s.Log.Debug("report export: progress", "id", id, "err", err)
		}
	}
}

// writeFile writes the export to name in the export dir: first to a
// temporary file, renamed once complete, so a download never sees half a
// file.
func (s *Service) writeFile(name, format string, x *Export) (int64, error) {
	path := filepath.Join(s.Dir, name)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return 0, fmt.Errorf("reportexport: %w", err)
	}
	write := WriteCSV
	if format == "xlsx" {
		write = WriteXLSX
	}
	err = write(f, x)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("reportexport: write %s: %w", name, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("reportexport: %w", err)
	}
	return st.Size(), nil
}

// names looks up the display names of the query's filter values.
func (s *Service) names(ctx context.Context, q report.Query) (Names, error) {
	n := Names{Agents: map[int64]string{}, Teams: map[int64]string{}, Departments: map[int64]string{},
		Sources: map[string]string{}, Levels: map[string]string{}, Fields: map[string]string{}}
	for _, f := range []struct {
		g   report.GroupBy
		ids []int64
		dst map[int64]string
	}{{report.GroupAgent, q.AgentIDs, n.Agents}, {report.GroupTeam, q.TeamIDs, n.Teams}, {report.GroupDepartment, q.DepartmentIDs, n.Departments}} {
		for _, id := range f.ids {
			v := strconv.FormatInt(id, 10)
			if name := report.GroupName(ctx, s.DB, f.g, v); name != v {
				f.dst[id] = name
			}
		}
	}
	for _, f := range []struct {
		g    report.GroupBy
		keys []string
		dst  map[string]string
	}{{report.GroupSource, q.Sources, n.Sources}, {report.GroupLevel, q.Levels, n.Levels}} {
		for _, k := range f.keys {
			f.dst[k] = report.GroupName(ctx, s.DB, f.g, k)
		}
	}
	for k := range q.Custom {
		var label string
		err := s.DB.QueryRowContext(ctx, `SELECT label FROM crm_fields WHERE key = $1`, k).Scan(&label)
		switch {
		case err == nil:
			n.Fields[k] = label
		case err != sql.ErrNoRows:
			return n, fmt.Errorf("reportexport: field names: %w", err)
		}
	}
	return n, nil
}
