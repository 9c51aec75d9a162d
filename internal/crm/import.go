package crm

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Import batch statuses.
const (
	BatchUploaded = "uploaded" // waiting for its mapping and start
	BatchRunning  = "running"
	BatchDone     = "done"     // imported (lenient: the good rows)
	BatchRejected = "rejected" // strict mode found bad rows: nothing imported
	BatchFailed   = "failed"   // an error or a restart stopped it: nothing imported
)

// Import modes.
const (
	ModeStrict  = "strict"  // any bad row: import nothing, report every bad row
	ModeLenient = "lenient" // import the good rows, report the bad ones
)

// MaxUploadBytes bounds an uploaded import file.
const MaxUploadBytes = 100 << 20

// Batch is one import (按批次导入): who, when, which file, how it went.
type Batch struct {
	ID            int64          `json:"id"`
	Name          string         `json:"name"`
	FileName      string         `json:"file_name"`
	Format        string         `json:"format"`
	Status        string         `json:"status"`
	Phase         string         `json:"phase,omitempty"` // validating, applying (while running)
	Mode          string         `json:"mode"`
	RowsTotal     int            `json:"rows_total"` // estimate while running (rows or bytes of the file)
	RowsRead      int            `json:"rows_read"`
	RowsValid     int            `json:"rows_valid"`
	RowsInvalid   int            `json:"rows_invalid"`
	Imported      int            `json:"imported"`
	Progress      int            `json:"progress"` // percent
	Message       string         `json:"message,omitempty"`
	CreatedBy     int64          `json:"created_by,omitempty"`
	CreatedByName string         `json:"created_by_name"`
	TeamID        int64          `json:"team_id,omitempty"`
	DepartmentID  int64          `json:"department_id,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
	StartedAt     time.Time      `json:"started_at,omitzero"`
	FinishedAt    time.Time      `json:"finished_at,omitzero"`
	Options       *ImportOptions `json:"options,omitempty"`
	Preview       *Preview       `json:"preview,omitempty"`
	filePath      string
}

// Preview is the start of an uploaded file and the proposed mapping.
type Preview struct {
	Headers []string   `json:"headers"`
	Rows    [][]string `json:"rows"`    // the first rows after the header
	Mapping []string   `json:"mapping"` // guessed target per column
}

// ImportOptions say how to import a batch. Mapping gives, per column, the
// target: name, phones, company, level, source, status, tags,
// custom:<key>, or "" to ignore it. Without AssignTo or ToPool the
// customers go where the importer's scope puts them: to the importer (scope
// own), their team, their department, or unassigned (scope all).
type ImportOptions struct {
	Mapping  []string `json:"mapping"`
	Mode     string   `json:"mode,omitempty"`
	AssignTo *Target  `json:"assign_to,omitempty"`
	ToPool   bool     `json:"to_pool,omitempty"`
	Tags     []string `json:"tags,omitempty"`   // added to every customer
	Source   string   `json:"source,omitempty"` // where the file gives none
}

// ImportError is one problem of one row.
type ImportError struct {
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Value  string `json:"value,omitempty"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// BatchColumns are the data-scope columns of batches aliased "b": a batch
// belongs to whoever uploaded it.
var BatchColumns = org.Columns{Owner: "b.created_by", Team: "b.team_id", Department: "b.department_id"}

const batchCols = `b.id, b.name, b.file_name, b.file_path, b.format, b.status, b.phase, b.mode, b.options, b.preview,
	b.rows_total, b.rows_read, b.rows_valid, b.rows_invalid, b.imported, b.message, COALESCE(b.created_by, 0), b.created_by_name,
	COALESCE(b.team_id, 0), COALESCE(b.department_id, 0), b.created_at, b.started_at, b.finished_at`

func scanBatch(row interface{ Scan(...any) error }) (*Batch, error) {
	var b Batch
	var opts, prev string
	var c, st, fin int64
	err := row.Scan(&b.ID, &b.Name, &b.FileName, &b.filePath, &b.Format, &b.Status, &b.Phase, &b.Mode, &opts, &prev,
		&b.RowsTotal, &b.RowsRead, &b.RowsValid, &b.RowsInvalid, &b.Imported, &b.Message, &b.CreatedBy, &b.CreatedByName,
		&b.TeamID, &b.DepartmentID, &c, &st, &fin)
	if err != nil {
		return nil, err
	}
	b.CreatedAt, b.StartedAt, b.FinishedAt = store.Time(c), store.Time(st), store.Time(fin)
	if opts != "" && opts != "{}" {
		b.Options = &ImportOptions{}
		json.Unmarshal([]byte(opts), b.Options)
	}
	if prev != "" && prev != "{}" {
		b.Preview = &Preview{}
		json.Unmarshal([]byte(prev), b.Preview)
	}
	b.Progress = progressOf(&b)
	return &b, nil
}

func progressOf(b *Batch) int {
	switch b.Status {
	case BatchDone, BatchRejected:
		return 100
	case BatchRunning:
		if b.Phase == "applying" {
			return 99
		}
		if b.RowsTotal > 0 {
			return min(98, b.RowsRead*100/max(b.RowsTotal, 1))
		}
	}
	return 0
}

// Batch returns a batch a may see (own batches; the team's or department's
// for leaders), with its progress.
func (s *Service) Batch(ctx context.Context, a *org.Actor, id int64) (*Batch, error) {
	return s.scopedBatch(ctx, s.db, a, id)
}

func (s *Service) scopedBatch(ctx context.Context, q store.Querier, a *org.Actor, id int64) (*Batch, error) {
	var args store.Args
	query := `SELECT ` + batchCols + ` FROM crm_batches b WHERE b.id = ` + args.Add(id) + ` AND ` + a.Scope.Filter(BatchColumns, &args)
	b, err := scanBatch(q.QueryRowContext(ctx, query, args.Values()...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("import batch")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: batch: %w", err)
	}
	return b, nil
}

// Batches lists the batches a may see, newest first.
func (s *Service) Batches(ctx context.Context, a *org.Actor, limit, offset int) ([]Batch, int, error) {
	var args store.Args
	where := a.Scope.Filter(BatchColumns, &args)
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM crm_batches b WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("crm: count batches: %w", err)
	}
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+batchCols+` FROM crm_batches b WHERE `+where+` ORDER BY b.id DESC LIMIT `+
		args.Add(limit)+` OFFSET `+args.Add(offset), args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("crm: batches: %w", err)
	}
	defer rows.Close()
	out := []Batch{}
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, 0, err
		}
		b.Preview = nil // lists stay small
		out = append(out, *b)
	}
	return out, total, rows.Err()
}

// BatchErrors lists the problems of a batch's rows by line.
func (s *Service) BatchErrors(ctx context.Context, a *org.Actor, id int64, limit, offset int) ([]ImportError, int, error) {
	if _, err := s.Batch(ctx, a, id); err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM crm_batch_errors WHERE batch_id = $1`, id).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("crm: count batch errors: %w", err)
	}
	if limit <= 0 || limit > 100_000 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT line, field, value, code, reason FROM crm_batch_errors WHERE batch_id = $1
		ORDER BY line, field LIMIT $2 OFFSET $3`, id, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("crm: batch errors: %w", err)
	}
	defer rows.Close()
	out := []ImportError{}
	for rows.Next() {
		var e ImportError
		if err := rows.Scan(&e.Line, &e.Field, &e.Value, &e.Code, &e.Reason); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// UploadInput names an upload.
type UploadInput struct {
	Name     string `json:"name"`      // the batch's name; empty: the file name and date
	FileName string `json:"file_name"` // decides the format (.csv, .xlsx)
}

// Upload stores an import file, reads its first rows and guesses the
// column mapping. The batch waits in status uploaded for StartImport.
func (s *Service) Upload(ctx context.Context, a *org.Actor, in UploadInput, r io.Reader) (*Batch, error) {
	if err := a.Require(org.P("customers", "import")); err != nil {
		return nil, err
	}
	in.FileName = filepath.Base(strings.TrimSpace(strings.ReplaceAll(in.FileName, `\`, "/")))
	if in.FileName == "." || in.FileName == "/" {
		in.FileName = ""
	}
	if err := valid.Text("file_name", in.FileName, 1, 200); err != nil {
		return nil, err
	}
	format, err := formatOf(in.FileName)
	if err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = strings.TrimSuffix(in.FileName, filepath.Ext(in.FileName)) + " " + s.now().In(s.opts.Location).Format("2006-01-02 15:04")
	}
	if err := valid.Text("name", in.Name, 1, 200); err != nil {
		return nil, err
	}
	path, err := s.saveUpload(r, format)
	if err != nil {
		return nil, err
	}
	prev, err := s.preview(ctx, path, format)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	b, err := s.insertBatch(ctx, a, in, format, path, prev)
	if err != nil {
		os.Remove(path)
	}
	return b, err
}

func formatOf(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".xls":
		return "", apperr.Invalid("file", "the old .xls format is not supported: save the file as .xlsx or CSV")
	}
	return "", apperr.Invalid("file", "upload a .csv or .xlsx file")
}

func (s *Service) saveUpload(r io.Reader, format string) (string, error) {
	if err := os.MkdirAll(s.importDir(), 0o750); err != nil {
		return "", fmt.Errorf("crm: import dir: %w", err)
	}
	b := make([]byte, 12)
	rand.Read(b)
	path := filepath.Join(s.importDir(), "upload-"+hex.EncodeToString(b)+"."+format)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return "", fmt.Errorf("crm: save upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, MaxUploadBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		os.Remove(path)
		return "", apperr.Invalid("file", "the upload failed: %v", err)
	case n > MaxUploadBytes:
		os.Remove(path)
		return "", apperr.Invalid("file", "the file is larger than %d MB", MaxUploadBytes>>20)
	case n == 0:
		os.Remove(path)
		return "", apperr.Invalid("file", "the file is empty")
	}
	return path, nil
}

// PreviewRows is how many rows after the header a preview shows.
const PreviewRows = 10

func (s *Service) preview(ctx context.Context, path, format string) (*Preview, error) {
	rr, err := openRows(path, format)
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	_, head, err := rr.Next()
	if err == io.EOF || (err == nil && emptyRow(head)) {
		return nil, apperr.Invalid("file", "the file has no header row (the first row must name the columns)")
	}
	if err != nil {
		return nil, err
	}
	if len(head) > 200 {
		return nil, apperr.Invalid("file", "the file has %d columns; at most 200", len(head))
	}
	p := &Preview{Headers: make([]string, len(head)), Rows: [][]string{}}
	for i, h := range head {
		p.Headers[i] = clip(cleanCell(h))
	}
	for len(p.Rows) < PreviewRows {
		_, row, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if emptyRow(row) {
			continue
		}
		cells := make([]string, len(head))
		for i := range cells {
			if i < len(row) {
				cells[i] = clip(cleanCell(row[i]))
			}
		}
		p.Rows = append(p.Rows, cells)
	}
	fields, err := s.Fields(ctx)
	if err != nil {
		return nil, err
	}
	p.Mapping = GuessMapping(p.Headers, fields)
	return p, nil
}

func (s *Service) insertBatch(ctx context.Context, a *org.Actor, in UploadInput, format, path string, p *Preview) (*Batch, error) {
	prev, _ := json.Marshal(p)
	opts, _ := json.Marshal(ImportOptions{Mapping: p.Mapping, Mode: ModeStrict})
	var team, dept int64
	if a.UserID != 0 {
		if u, err := loadUser(ctx, s.db, a.UserID); err == nil {
			team, dept = u.TeamID, u.DepartmentID
		}
	}
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO crm_batches (name, file_name, file_path, format, status, mode, node, options, preview,
		created_by, created_by_name, team_id, department_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id`, in.Name, in.FileName, path, format, BatchUploaded, ModeStrict, s.opts.Node, string(opts), string(prev),
		store.NullID(a.UserID), actorName(a), store.NullID(team), store.NullID(dept), s.now().UnixMilli()).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("crm: insert batch: %w", err)
	}
	return s.scopedBatch(ctx, s.db, org.System(), id)
}

// DeleteBatch deletes a batch and exactly the customers it created (with
// their notes, tasks and history). It needs customers:delete when the batch
// created customers, and every one of them must be in the actor's scope.
func (s *Service) DeleteBatch(ctx context.Context, a *org.Actor, id int64) (int, error) {
	b, err := s.Batch(ctx, a, id)
	if err != nil {
		return 0, err
	}
	if b.Status == BatchRunning || s.isRunning(id) {
		return 0, conflict(CodeImportRunning, "", "the import is still running; wait until it ends")
	}
	var deleted int
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var n, inScope int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE batch_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			if err := a.Require(org.P("customers", "delete")); err != nil {
				return err
			}
			var args store.Args
			q := `SELECT count(*) FROM customers c WHERE c.batch_id = ` + args.Add(id) + ` AND ` + writeScope(a, &args)
			if err := tx.QueryRowContext(ctx, q, args.Values()...).Scan(&inScope); err != nil {
				return err
			}
			if inScope < n {
				return conflict(CodeOutOfScope, "", "%d of the batch's %d customers are outside your data scope; ask someone who sees them all", n-inScope, n)
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE batch_id = $1`, id)
		if err != nil {
			return fmt.Errorf("crm: delete batch customers: %w", err)
		}
		d, _ := res.RowsAffected()
		deleted = int(d)
		if err := deleteStaged(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM crm_batches WHERE id = $1`, id); err != nil {
			return fmt.Errorf("crm: delete batch: %w", err)
		}
		summary := fmt.Sprintf("import batch %s (%s): %d customers deleted", b.Name, b.FileName, deleted)
		return audit.Record(ctx, tx, who(a), "delete", "crm_imports", id, summary, b, map[string]int{"customers_deleted": deleted})
	})
	if err != nil {
		return 0, err
	}
	if b.filePath != "" {
		os.Remove(b.filePath)
	}
	return deleted, nil
}

func deleteStaged(ctx context.Context, q store.Querier, id int64) error {
	for _, t := range []string{"crm_staged", "crm_staged_phones"} {
		if _, err := q.ExecContext(ctx, `DELETE FROM `+t+` WHERE batch_id = $1`, id); err != nil {
			return fmt.Errorf("crm: clear staging: %w", err)
		}
	}
	return nil
}

// recoverImports fails the imports this node was running when it stopped;
// the staged rows are dropped, so nothing of them was applied.
func (s *Service) recoverImports(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM crm_batches WHERE status = $1 AND node = $2`, BatchRunning, s.opts.Node)
	if err != nil {
		return fmt.Errorf("crm: recover imports: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if s.isRunning(id) {
			continue
		}
		if err := deleteStaged(ctx, s.db, id); err != nil {
			return err
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE crm_batches SET status = $1, phase = '', message = $2, finished_at = $3 WHERE id = $4`,
			BatchFailed, "interrupted by a restart; nothing was imported — start it again", s.now().UnixMilli(), id); err != nil {
			return err
		}
		s.log.Warn("crm: import interrupted by a restart", "batch", id)
	}
	return nil
}

func (s *Service) isRunning(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.running[id]
	return ok
}
