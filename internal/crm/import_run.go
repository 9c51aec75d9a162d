package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// MaxConcurrentImports bounds the imports one node runs at once.
const MaxConcurrentImports = 4

// stageChunk is how many rows are validated against the database and staged
// per transaction: short transactions keep other users' writes flowing.
const stageChunk = 500

// importJob is a running import.
type importJob struct {
	batch   *Batch
	opts    ImportOptions
	actor   *org.Actor
	to      Placement
	ck      *checker
	cols    []colTarget
	seen    map[string]int // E.164 → first line in the file
	read    int
	valid   int
	invalid int
	total   int
	pending []stagedRow
	errs    []ImportError
}

type stagedRow struct {
	line int
	v    *values
}

// StartImport checks the options and starts importing the batch in the
// background; poll Batch for progress (or WaitImport). Strict mode (the
// default) imports nothing when any row is bad; lenient imports the good
// rows. Either way every bad row is reported with its line and reason.
func (s *Service) StartImport(ctx context.Context, a *org.Actor, id int64, opts ImportOptions) (*Batch, error) {
	if err := a.Require(org.P("customers", "import")); err != nil {
		return nil, err
	}
	b, err := s.Batch(ctx, a, id)
	if err != nil {
		return nil, err
	}
	switch {
	case b.Status == BatchRunning || s.isRunning(id):
		return nil, conflict(CodeImportRunning, "", "the import is already running")
	case b.Status == BatchDone:
		return nil, conflict(CodeImportState, "", "the batch was imported already; upload the file again to import it again")
	case b.filePath == "" || b.Preview == nil:
		return nil, conflict(CodeImportState, "", "the uploaded file is gone; upload it again")
	}
	j, err := s.newJob(ctx, a, b, opts)
	if err != nil {
		return nil, err
	}
	done, err := s.register(id)
	if err != nil {
		return nil, err
	}
	if err := s.markStarted(ctx, j); err != nil {
		s.unregister(id, done)
		return nil, err
	}
	s.jobs.Add(1)
	go s.runImport(j, done)
	return s.Batch(ctx, a, id)
}

func (s *Service) newJob(ctx context.Context, a *org.Actor, b *Batch, opts ImportOptions) (*importJob, error) {
	if opts.Mode == "" {
		opts.Mode = ModeStrict
	}
	if err := valid.OneOf("mode", opts.Mode, ModeStrict, ModeLenient); err != nil {
		return nil, err
	}
	ck, err := s.newChecker(ctx, s.db)
	if err != nil {
		return nil, err
	}
	cols, err := checkMapping(opts.Mapping, len(b.Preview.Headers), ck.fields)
	if err != nil {
		return nil, err
	}
	if opts.Tags, err = checkTags(opts.Tags); err != nil {
		return nil, err
	}
	if opts.Source, err = ck.choice(ListSource, opts.Source); err != nil {
		return nil, err
	}
	to, err := s.importPlacement(ctx, a, &opts)
	if err != nil {
		return nil, err
	}
	if to.OwnerID != 0 {
		if err := s.checkQuotas(ctx, s.db, map[int64]int{to.OwnerID: 1}); err != nil {
			return nil, err
		}
	}
	return &importJob{batch: b, opts: opts, actor: a, to: to, ck: ck, cols: cols, seen: map[string]int{}}, nil
}

// importPlacement decides where imported customers go.
func (s *Service) importPlacement(ctx context.Context, a *org.Actor, opts *ImportOptions) (Placement, error) {
	switch {
	case opts.ToPool:
		if err := a.Require(org.P("pool", "distribute")); err != nil {
			return Placement{}, err
		}
		return Placement{Pool: true}, nil
	case opts.AssignTo != nil:
		if opts.AssignTo.Kind != TargetAgent || opts.AssignTo.ID != a.UserID {
			if err := a.Require(org.P("customers", "allocate")); err != nil {
				return Placement{}, err
			}
		}
		r, err := s.resolveTarget(ctx, s.db, a, *opts.AssignTo, "assign_to")
		if err != nil {
			return Placement{}, err
		}
		return r.To, nil
	}
	if a.UserID == 0 || a.Scope.Kind == org.ScopeAll {
		return Placement{}, nil
	}
	u, err := loadUser(ctx, s.db, a.UserID)
	if err != nil {
		return Placement{}, err
	}
	switch {
	case a.Scope.Kind == org.ScopeDepartment && u.DepartmentID != 0:
		return Placement{DepartmentID: u.DepartmentID}, nil
	case a.Scope.Kind == org.ScopeTeam && u.TeamID != 0:
		return Placement{TeamID: u.TeamID, DepartmentID: u.DepartmentID}, nil
	}
	return Placement{OwnerID: u.ID, TeamID: u.TeamID, DepartmentID: u.DepartmentID}, nil
}

func (s *Service) register(id int64) (chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.running[id]; ok {
		return nil, conflict(CodeImportRunning, "", "the import is already running")
	}
	if len(s.running) >= MaxConcurrentImports {
		return nil, conflict(CodeImportRunning, "", "%d imports are running; start this one when one of them ends", len(s.running))
	}
	if s.jobsCtx.Err() != nil {
		return nil, apperr.Conflict("stopping", "the server is shutting down")
	}
	done := make(chan struct{})
	s.running[id] = done
	return done, nil
}

func (s *Service) unregister(id int64, done chan struct{}) {
	s.mu.Lock()
	delete(s.running, id)
	s.mu.Unlock()
	close(done)
}

func (s *Service) markStarted(ctx context.Context, j *importJob) error {
	opts, _ := json.Marshal(j.opts)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE crm_batches SET status = $1, phase = 'validating', mode = $2, options = $3, node = $4,
			rows_total = 0, rows_read = 0, rows_valid = 0, rows_invalid = 0, imported = 0, message = '', started_at = $5, finished_at = 0
			WHERE id = $6 AND status <> $1`, BatchRunning, j.opts.Mode, string(opts), s.opts.Node, s.now().UnixMilli(), j.batch.ID)
		if err != nil {
			return fmt.Errorf("crm: start import: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return conflict(CodeImportRunning, "", "the import is already running")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM crm_batch_errors WHERE batch_id = $1`, j.batch.ID); err != nil {
			return err
		}
		return deleteStaged(ctx, tx, j.batch.ID)
	})
}

// WaitImport waits until the batch's import (if running here) ends.
func (s *Service) WaitImport(ctx context.Context, id int64) error {
	s.mu.Lock()
	done := s.running[id]
	s.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) runImport(j *importJob, done chan struct{}) {
	defer s.jobs.Done()
	defer s.unregister(j.batch.ID, done)
	ctx := s.jobsCtx
	err := s.stage(ctx, j)
	if err == nil {
		if j.invalid > 0 && j.opts.Mode == ModeStrict {
			err = s.reject(ctx, j, fmt.Sprintf("%d bad rows: nothing was imported (strict mode)", j.invalid))
		} else {
			err = s.apply(ctx, j)
		}
	}
	if err != nil {
		s.fail(j, err)
	}
}

func (s *Service) hook(phase string) {
	if s.importHook != nil {
		s.importHook(phase)
	}
}

// stage reads the file once: each row is validated (fields, numbers,
// choices, duplicates in the file) as it streams by; every stageChunk rows
// the good ones are checked against the database and staged, the bad ones
// recorded, and the progress saved.
func (s *Service) stage(ctx context.Context, j *importJob) error {
	rr, err := openRows(j.batch.filePath, j.batch.Format)
	if err != nil {
		return err
	}
	defer rr.Close()
	if _, _, err := rr.Next(); err != nil { // the header
		return err
	}
	for {
		line, cells, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if emptyRow(cells) {
			continue
		}
		if j.read++; j.read > MaxImportRows {
			return apperr.Invalid("file", "the file has more than %d rows; split it", MaxImportRows)
		}
		j.row(line, cells)
		if len(j.pending)+len(j.errs) >= stageChunk {
			j.total = estimateTotal(j.read, rr)
			if err := s.flush(ctx, j); err != nil {
				return err
			}
		}
	}
	j.total = j.read
	return s.flush(ctx, j)
}

// estimateTotal guesses the data rows of the file from the reader's progress.
func estimateTotal(read int, rr rowReader) int {
	done, total := rr.Progress()
	if _, ok := rr.(*xlsxRows); ok {
		return max(int(total)-1, read)
	}
	if done <= 0 {
		return read
	}
	return max(int(int64(read)*total/done), read)
}

// row validates one row.
func (j *importJob) row(line int, cells []string) {
	in := rowInput(cells, j.cols, &j.opts)
	v, err := j.ck.check(&in)
	if err != nil {
		j.bad(line, err, in)
		return
	}
	for _, p := range v.phones {
		if first, ok := j.seen[p.E164]; ok {
			j.bad(line, conflict(CodeDuplicateInFile, "phones", "%s is also on line %d of the file", p.E164, first), in)
			return
		}
	}
	for _, p := range v.phones {
		j.seen[p.E164] = line
	}
	j.pending = append(j.pending, stagedRow{line: line, v: v})
}

func (j *importJob) bad(line int, err error, in CustomerInput) {
	e := apperr.As(err)
	if e == nil {
		e = &apperr.Error{Code: "invalid", Message: err.Error()}
	}
	j.errs = append(j.errs, ImportError{Line: line, Field: e.Field, Value: clip(inputValue(in, e.Field)), Code: e.Code, Reason: e.Message})
	j.invalid++
}

func inputValue(in CustomerInput, field string) string {
	switch {
	case field == "name":
		return in.Name
	case field == "phones":
		return strings.Join(in.Phones, "; ")
	case field == "company":
		return in.Company
	case field == ListLevel:
		return in.Level
	case field == ListSource:
		return in.Source
	case field == ListStatus:
		return in.Status
	case field == "tags":
		return strings.Join(in.Tags, "; ")
	case strings.HasPrefix(field, "custom."):
		return in.Custom[strings.TrimPrefix(field, "custom.")]
	}
	return ""
}

// flush checks the pending rows' numbers against the database, stages the
// good rows, records the bad ones and saves the progress, in one short
// transaction.
func (s *Service) flush(ctx context.Context, j *importJob) error {
	if err := s.checkExisting(ctx, j); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertStaged(ctx, tx, j.batch.ID, j.pending); err != nil {
			return err
		}
		if err := s.insertErrors(ctx, tx, j.batch.ID, j.errs); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE crm_batches SET rows_total = $1, rows_read = $2, rows_valid = $3, rows_invalid = $4 WHERE id = $5`,
			j.total, j.read, j.valid+len(j.pending), j.invalid, j.batch.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("crm: stage rows: %w", err)
	}
	j.valid += len(j.pending)
	j.pending, j.errs = j.pending[:0], j.errs[:0]
	s.hook("staged")
	return nil
}

// checkExisting moves pending rows whose numbers belong to customers
// already in the database to the errors.
func (s *Service) checkExisting(ctx context.Context, j *importJob) error {
	var phones []string
	for _, r := range j.pending {
		for _, p := range r.v.phones {
			phones = append(phones, p.E164)
		}
	}
	owners := map[string]dupOwner{}
	for start := 0; start < len(phones); start += moveChunk {
		args := s.binder()
		in := make([]string, 0, moveChunk)
		for _, p := range phones[start:min(start+moveChunk, len(phones))] {
			in = append(in, args.Add(p))
		}
		rows, err := s.db.QueryContext(ctx, `SELECT p.e164, c.id, c.name, COALESCE(c.owner_id, 0), COALESCE(c.team_id, 0),
			COALESCE(c.department_id, 0), c.in_pool FROM customer_phones p JOIN customers c ON c.id = p.customer_id
			WHERE p.e164 IN (`+strings.Join(in, ", ")+`)`, args.Values()...)
		if err != nil {
			return fmt.Errorf("crm: check existing numbers: %w", err)
		}
		for rows.Next() {
			var d dupOwner
			var e string
			if err := rows.Scan(&e, &d.id, &d.name, &d.owner, &d.team, &d.dept, &d.pool); err != nil {
				rows.Close()
				return err
			}
			owners[e] = d
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(owners) == 0 {
		return nil
	}
	keep := j.pending[:0]
	for _, r := range j.pending {
		dup := false
		for _, p := range r.v.phones {
			if d, ok := owners[p.E164]; ok {
				j.bad(r.line, d.err(j.actor, p.E164), CustomerInput{Phones: []string{p.E164}})
				dup = true
				break
			}
		}
		if !dup {
			keep = append(keep, r)
		}
	}
	j.pending = keep
	return nil
}

type dupOwner struct {
	id, owner, team, dept int64
	name                  string
	pool                  bool
}

func (d dupOwner) err(a *org.Actor, e164 string) error {
	return duplicatePhone(a, e164, d.id, d.name, d.owner, d.team, d.dept, d.pool)
}

func (s *Service) insertStaged(ctx context.Context, tx *sql.Tx, batch int64, rows []stagedRow) error {
	const per = 200
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args, pargs := s.binder(), s.binder()
		vals := make([]string, 0, len(chunk))
		var pvals []string
		for _, r := range chunk {
			v := r.v
			ph := []string{args.Add(batch), args.Add(r.line), args.Add(v.name), args.Add(v.company), args.Add(v.phoneList()),
				args.Add(v.level), args.Add(v.source), args.Add(v.status), args.Add(joinTags(v.tags)), args.Add(v.customJSON()),
				args.Add(v.searchText()), "0"}
			vals = append(vals, "("+strings.Join(ph, ", ")+")")
			for i, p := range v.phones {
				pvals = append(pvals, "("+pargs.Add(batch)+", "+pargs.Add(r.line)+", "+pargs.Add(p.E164)+", "+pargs.Add(p.National)+
					", "+pargs.Add(i)+")")
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_staged (batch_id, line, name, company, phones, level, source, status, tags,
			custom, search, next_follow_up_at) VALUES `+strings.Join(vals, ", "), args.Values()...); err != nil {
			return err
		}
		if len(pvals) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO crm_staged_phones (batch_id, line, e164, national, position) VALUES `+
				strings.Join(pvals, ", "), pargs.Values()...); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) insertErrors(ctx context.Context, q store.Querier, batch int64, errs []ImportError) error {
	const per = 200
	for start := 0; start < len(errs); start += per {
		chunk := errs[start:min(start+per, len(errs))]
		args := s.binder()
		vals := make([]string, len(chunk))
		for i, e := range chunk {
			vals[i] = "(" + args.Add(batch) + ", " + args.Add(e.Line) + ", " + args.Add(e.Field) + ", " + args.Add(e.Value) + ", " +
				args.Add(e.Code) + ", " + args.Add(clip2(e.Reason, 500)) + ")"
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO crm_batch_errors (batch_id, line, field, value, code, reason) VALUES `+
			strings.Join(vals, ", "), args.Values()...); err != nil {
			return err
		}
	}
	return nil
}

func clip2(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// reject ends a strict import that found bad rows: nothing is applied.
func (s *Service) reject(ctx context.Context, j *importJob, msg string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := deleteStaged(ctx, tx, j.batch.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE crm_batches SET status = $1, phase = '', rows_total = $2, rows_read = $2, rows_valid = $3,
			rows_invalid = $4, imported = 0, message = $5, finished_at = $6 WHERE id = $7`,
			BatchRejected, j.read, j.valid, j.invalid, msg, s.now().UnixMilli(), j.batch.ID)
		return err
	})
}

// fail records why an import stopped; nothing of it was applied.
func (s *Service) fail(j *importJob, cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	msg := "import failed: internal error (see the server log)"
	if e := apperr.As(cause); e != nil && e.Kind != apperr.KindInternal {
		msg = e.Message
	} else if errors.Is(cause, context.Canceled) {
		msg = "the server stopped during the import; nothing was imported — start it again"
	}
	s.log.Warn("crm: import failed", "batch", j.batch.ID, "err", cause)
	deleteStaged(ctx, s.db, j.batch.ID)
	if _, err := s.db.ExecContext(ctx, `UPDATE crm_batches SET status = $1, phase = '', message = $2, finished_at = $3 WHERE id = $4`,
		BatchFailed, msg, s.now().UnixMilli(), j.batch.ID); err != nil {
		s.log.Error("crm: record failed import", "batch", j.batch.ID, "err", err)
	}
}
