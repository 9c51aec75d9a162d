package crm

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// tableWriter writes a spreadsheet row by row.
type tableWriter interface {
	Row(cells []string) error
	Close() error
}

func newTableWriter(format string, w io.Writer) (tableWriter, error) {
	switch format {
	case "csv":
		// A BOM makes Excel read the UTF-8 (Chinese names) correctly.
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
		return &csvTable{w: csv.NewWriter(w)}, nil
	case "xlsx":
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return nil, fmt.Errorf("crm: xlsx: %w", err)
		}
		return &xlsxTable{f: f, sw: sw, out: w}, nil
	}
	return nil, errFormat
}

type csvTable struct{ w *csv.Writer }

func (t *csvTable) Row(cells []string) error {
	for i, c := range cells {
		cells[i] = CSVSafe(c)
	}
	return t.w.Write(cells)
}

func (t *csvTable) Close() error {
	t.w.Flush()
	return t.w.Error()
}

// CSVSafe keeps a spreadsheet from running a cell as a formula (CSV
// injection): a value starting with = + - @ gets a leading apostrophe,
// which the importer removes again.
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type xlsxTable struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	out io.Writer
	row int
}

func (t *xlsxTable) Row(cells []string) error {
	t.row++
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c // strings are written as text, never as formulas
	}
	cell, _ := excelize.CoordinatesToCellName(1, t.row)
	return t.sw.SetRow(cell, vals)
}

func (t *xlsxTable) Close() error {
	defer t.f.Close()
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("crm: xlsx: %w", err)
	}
	return t.f.Write(t.out)
}

// ExportHeaders are the column titles of a customer export; the importer
// recognises them, so an export can be imported again.
func ExportHeaders(lang string) []string {
	if lang == "zh-CN" {
		return []string{"编号", "姓名", "电话", "公司", "等级", "来源", "状态", "标签", "负责人", "班组", "部门", "公海", "最后联系", "下次跟进", "创建时间"}
	}
	return []string{"ID", "Name", "Phones", "Company", "Level", "Source", "Status", "Tags", "Owner", "Team", "Department", "In pool",
		"Last contact", "Next follow-up", "Created"}
}

// Export writes every customer in a's scope matching f (paging ignored) as
// CSV or XLSX, streaming: rows go out as they are read.
func (s *Service) Export(ctx context.Context, a *org.Actor, f Filter, format, lang string, w io.Writer) error {
	if err := a.Require(org.P("customers", "export")); err != nil {
		return err
	}
	var args store.Args
	scope := writeScope(a, &args)
	cond, err := f.where(&args)
	if err != nil {
		return err
	}
	order, err := f.order()
	if err != nil {
		return err
	}
	lists, err := s.Lists(ctx)
	if err != nil {
		return err
	}
	fields, err := s.Fields(ctx)
	if err != nil {
		return err
	}
	teams, depts, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	tw, err := newTableWriter(format, w)
	if err != nil {
		return err
	}
	head := ExportHeaders(lang)
	for _, fd := range fields {
		head = append(head, fd.Label)
	}
	if err := tw.Row(head); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+customerCols+customerFrom+` WHERE `+scope+` AND `+cond+` ORDER BY `+order, args.Values()...)
	if err != nil {
		return fmt.Errorf("crm: export: %w", err)
	}
	defer rows.Close()
	yes := map[bool]string{true: "yes", false: ""}
	if lang == "zh-CN" {
		yes[true] = "是"
	}
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return err
		}
		cells := []string{strconv.FormatInt(c.ID, 10), c.Name, strings.Join(c.Phones, "; "), c.Company,
			lists.Label(ListLevel, c.Level), lists.Label(ListSource, c.Source), lists.Label(ListStatus, c.Status),
			strings.Join(c.Tags, "; "), c.OwnerName, teams[c.TeamID], depts[c.DepartmentID], yes[c.InPool],
			s.fmtTime(c.LastContactAt), s.fmtTime(c.NextFollowUpAt), s.fmtTime(c.CreatedAt)}
		for _, fd := range fields {
			cells = append(cells, c.Custom[fd.Key])
		}
		if err := tw.Row(cells); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tw.Close()
}

// orgNames maps team and department IDs to names.
func (s *Service) orgNames(ctx context.Context) (map[int64]string, map[int64]string, error) {
	teams, depts := map[int64]string{}, map[int64]string{}
	for _, q := range []struct {
		sql string
		m   map[int64]string
	}{{`SELECT id, name FROM teams`, teams}, {`SELECT id, name FROM departments`, depts}} {
		rows, err := s.db.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, nil, fmt.Errorf("crm: org names: %w", err)
		}
		for rows.Next() {
			var id int64
			var n string
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, nil, err
			}
			q.m[id] = n
		}
		rows.Close()
	}
	return teams, depts, nil
}
