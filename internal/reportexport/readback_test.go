package reportexport

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hotline-cc/hotline/internal/report"
)

// The read-back checks compare a file with the report it was written
// from, as a user's spreadsheet would read it: every row's interval and
// group, and every metric's figure (or note) in catalog order.

func openXLSX(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func sheetRows(t testing.TB, f *excelize.File, sheet string, raw bool) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

func at(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// local is how a row's time reads in the report's time zone.
func local(tm time.Time) string { return tm.Format("2006-01-02 15:04") }

func lead(res *report.Result) int {
	n := 2
	if res.Query.Interval == report.IntHourOfDay {
		n = 1
	}
	if res.Query.GroupBy != report.GroupNone {
		n++
	}
	return n
}

// expectLabel is what a row's group column must say.
func expectLabel(res *report.Result, lang string, r report.Row) string {
	x := &Export{Result: res, Lang: lang}
	return x.groupLabel(r)
}

// checkValues compares cells (one per metric, catalog order) with vals;
// tol gives each metric's allowed difference.
func checkValues(t testing.TB, where string, cells []string, vals map[string]report.Value, lang string, tol func(report.Metric) float64) {
	t.Helper()
	for j, m := range report.Metrics {
		c, v := at(cells, j), vals[m.Key]
		if !v.OK {
			if want := trOr(lang, "note."+v.Note, v.Note); c != want {
				t.Errorf("%s: %s = %q, want the note %q", where, m.Key, c, want)
			}
			continue
		}
		got, err := strconv.ParseFloat(c, 64)
		if err != nil {
			t.Errorf("%s: %s = %q, want %v", where, m.Key, c, v.V)
			continue
		}
		if math.Abs(got-v.V) > tol(m)+1e-9*math.Abs(v.V) {
			t.Errorf("%s: %s = %v, want %v", where, m.Key, got, v.V)
		}
	}
}

func exact(report.Metric) float64 { return 0 }

// csvTol is the rounding WriteCSV documents.
func csvTol(m report.Metric) float64 {
	switch {
	case m.Unit == report.UnitMoney:
		return 0.005
	case digits(m) == 0:
		return 0
	}
	return 0.00005
}

// checkXLSX reads a workbook back and compares it with res.
func checkXLSX(t testing.TB, data []byte, res *report.Result, lang string) {
	t.Helper()
	f := openXLSX(t, data)
	if got := f.GetSheetList(); !slices.Equal(got, []string{SheetReport, SheetTotals, SheetDefinitions}) {
		t.Fatalf("sheets %v", got)
	}
	raw, shown := sheetRows(t, f, SheetReport, true), sheetRows(t, f, SheetReport, false)
	if len(raw) != len(res.Rows)+1 {
		t.Fatalf("%d report rows, want %d and the header", len(raw)-1, len(res.Rows))
	}
	n := lead(res)
	if h := raw[0]; len(h) != n+len(report.Metrics)+1 {
		t.Fatalf("header %q", h)
	}
	loc := res.Settings.Location()
	for i, r := range res.Rows {
		row, where := raw[i+1], "row "+strconv.Itoa(i+1)
		if res.Query.Interval != report.IntHourOfDay {
			if s, e := shown[i+1][0], shown[i+1][1]; s != local(r.Start.In(loc)) || e != local(r.End.In(loc)) {
				t.Errorf("%s: interval %s – %s, want %s – %s", where, s, e, r.Start.In(loc), r.End.In(loc))
			}
		}
		if res.Query.GroupBy != report.GroupNone && row[n-1] != expectLabel(res, lang, r) {
			t.Errorf("%s: group %q, want %q", where, row[n-1], expectLabel(res, lang, r))
		}
		checkValues(t, where, row[n:], r.Values, lang, exact)
	}
	tot := sheetRows(t, f, SheetTotals, true)
	want := append(append([]report.Row{}, res.Groups...), res.Total)
	for i, r := range want {
		if i+1 >= len(tot) {
			t.Fatalf("totals: %d rows, want %d", len(tot)-1, len(want))
		}
		checkValues(t, "totals "+at(tot[i+1], 0), tot[i+1][1:], r.Values, lang, exact)
	}
	if got := tot[len(want)][0]; got != tr(lang, "total") {
		t.Errorf("the last totals row is %q", got)
	}
	defs := joined(sheetRows(t, f, SheetDefinitions, false))
	checkDefinitions(t, defs, res, lang)
}

func joined(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteString("\n")
	}
	return b.String()
}

// checkDefinitions looks for the variant and every metric's definition.
func checkDefinitions(t testing.TB, defs string, res *report.Result, lang string) {
	t.Helper()
	variant := res.VariantEn
	if lang == LangZH {
		variant = res.VariantZh
	}
	if !strings.Contains(defs, tr(lang, "k.variant")+"|"+variant) {
		t.Errorf("definitions lack the variant %q:\n%s", variant, defs)
	}
	for _, m := range report.Metrics {
		name, def := m.En, m.DefEn
		if lang == LangZH {
			name, def = m.Zh, m.DefZh
		}
		if !strings.Contains(defs, name+"|"+m.Key+"|") || !strings.Contains(defs, def) {
			t.Errorf("definitions lack %s (%s)", m.Key, name)
		}
	}
}

// csvFile is a CSV export split into its header block and sections.
type csvFile struct {
	meta     map[string]string
	sections map[string][][]string
}

func readCSV(t testing.TB, data []byte) csvFile {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Fatal("no byte-order mark")
	}
	r := csv.NewReader(bytes.NewReader(data[3:]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := csvFile{meta: map[string]string{}, sections: map[string][][]string{}}
	cur := ""
	for _, rec := range recs {
		if k, ok := strings.CutPrefix(rec[0], "# "); ok {
			if len(rec) == 1 {
				cur = k
				continue
			}
			if cur == "" {
				out.meta[k] = rec[1]
				continue
			}
		}
		out.sections[cur] = append(out.sections[cur], rec)
	}
	return out
}

// checkCSV reads a CSV export back and compares it with res.
func checkCSV(t testing.TB, data []byte, res *report.Result, lang string) {
	t.Helper()
	c := readCSV(t, data)
	variant := res.VariantEn
	if lang == LangZH {
		variant = res.VariantZh
	}
	if got := c.meta[tr(lang, "k.variant")]; got != variant {
		t.Errorf("variant %q, want %q", got, variant)
	}
	rows := c.sections[SheetReport]
	if len(rows) != len(res.Rows)+1 {
		t.Fatalf("%d report rows, want %d and the header", len(rows)-1, len(res.Rows))
	}
	n := lead(res)
	loc := res.Settings.Location()
	for i, r := range res.Rows {
		row, where := rows[i+1], "csv row "+strconv.Itoa(i+1)
		if res.Query.Interval != report.IntHourOfDay && (row[0] != local(r.Start.In(loc)) || row[1] != local(r.End.In(loc))) {
			t.Errorf("%s: interval %s – %s", where, row[0], row[1])
		}
		checkValues(t, where, row[n:], r.Values, lang, csvTol)
	}
	tot := c.sections[SheetTotals]
	want := append(append([]report.Row{}, res.Groups...), res.Total)
	if len(tot) != len(want)+1 {
		t.Fatalf("csv totals: %d rows, want %d", len(tot)-1, len(want))
	}
	for i, r := range want {
		checkValues(t, "csv totals "+tot[i+1][0], tot[i+1][1:], r.Values, lang, csvTol)
	}
	defs := c.sections[SheetDefinitions]
	if len(defs) < len(report.Metrics)+1 {
		t.Fatalf("csv definitions: %d rows", len(defs))
	}
	var b strings.Builder
	for k, v := range c.meta {
		b.WriteString(k + "|" + v + "\n")
	}
	checkDefinitions(t, b.String()+joined(defs), res, lang)
}
