package reportexport

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/report"
)

// WriteXLSX writes the export as a workbook: the report rows (SheetReport),
// the per-group totals and the total (SheetTotals), and the definitions
// (SheetDefinitions). Figures are numbers — percent as 0–100 with "%" in
// the header, seconds as seconds, money with two decimals — shown with
// their unit's decimals but stored at full precision; a value without a
// figure is its note as grey text; off-target cells are red and listed in
// the row's last column. Rows are streamed, so long reports fit in memory.
func WriteXLSX(w io.Writer, x *Export) error {
	if n := len(x.Result.Rows); n >= excelize.TotalRows {
		return apperr.Invalid("interval", "the report has %d rows, more than an Excel sheet holds (%d); "+
			"choose a longer interval or fewer groups, or export CSV", n, excelize.TotalRows-1)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetReport); err != nil {
		return xlsxErr(err)
	}
	for _, s := range []string{SheetTotals, SheetDefinitions} {
		if _, err := f.NewSheet(s); err != nil {
			return xlsxErr(err)
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeReportSheet(f, st, x); err != nil {
		return err
	}
	if err := writeTotalsSheet(f, st, x); err != nil {
		return err
	}
	if err := writeDefinitions(f, st, x); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return xlsxErr(err)
	}
	return nil
}

func xlsxErr(err error) error { return fmt.Errorf("reportexport: xlsx: %w", err) }

// styles are the workbook's cell styles.
type styles struct {
	header, time, note, bold, key, wrap int
	num, bad                            map[int]int // by decimals
}

func newStyles(f *excelize.File) (*styles, error) {
	st := &styles{num: map[int]int{}, bad: map[int]int{}}
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	st.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	dt := "yyyy-mm-dd hh:mm"
	st.time = mk(&excelize.Style{CustomNumFmt: &dt})
	st.note = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080"}, Alignment: &excelize.Alignment{Horizontal: "right"}})
	st.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	st.key = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	st.wrap = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	for _, d := range []int{0, 1, 2} {
		nf := numFmt(d)
		st.num[d] = mk(&excelize.Style{CustomNumFmt: &nf})
		st.bad[d] = mk(&excelize.Style{CustomNumFmt: &nf, Font: &excelize.Font{Color: "9C0006", Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	}
	if err != nil {
		return nil, xlsxErr(err)
	}
	return st, nil
}

func numFmt(decimals int) string {
	switch decimals {
	case 0:
		return "0"
	case 2:
		return "#,##0.00"
	}
	return "0.0"
}

// xcell converts a cell for the stream writer.
func (st *styles) xcell(c cell) excelize.Cell {
	switch c.kind {
	case cTime:
		return excelize.Cell{StyleID: st.time, Value: c.t}
	case cNum:
		d := digits(c.m)
		if c.breach != "" {
			return excelize.Cell{StyleID: st.bad[d], Value: c.v}
		}
		return excelize.Cell{StyleID: st.num[d], Value: c.v}
	case cNote:
		return excelize.Cell{StyleID: st.note, Value: c.text}
	}
	if c.bold {
		return excelize.Cell{StyleID: st.bold, Value: c.text}
	}
	return excelize.Cell{Value: c.text} // text, never a formula
}

// table streams one sheet's table: a header row, then the rows.
type table struct {
	sw  *excelize.StreamWriter
	st  *styles
	row int
}

func newTable(f *excelize.File, st *styles, sheet string, head []string, lead int) (*table, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, xlsxErr(err)
	}
	// Freeze the header and the leading columns (interval, group).
	tl, _ := excelize.CoordinatesToCellName(lead+1, 2)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: lead, YSplit: 1, TopLeftCell: tl, ActivePane: "bottomRight"}); err != nil {
		return nil, xlsxErr(err)
	}
	if err := sw.SetColWidth(1, lead, 17); err != nil {
		return nil, xlsxErr(err)
	}
	if err := sw.SetColWidth(lead+1, len(head), 13); err != nil {
		return nil, xlsxErr(err)
	}
	t := &table{sw: sw, st: st}
	hs := make([]any, len(head))
	for i, h := range head {
		hs[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	return t, t.put(hs, excelize.RowOpts{Height: 45})
}

func (t *table) put(vals []any, opts ...excelize.RowOpts) error {
	t.row++
	at, _ := excelize.CoordinatesToCellName(1, t.row)
	if err := t.sw.SetRow(at, vals, opts...); err != nil {
		return xlsxErr(err)
	}
	return nil
}

func (t *table) cells(cs []cell) error {
	vals := make([]any, len(cs))
	for i, c := range cs {
		vals[i] = t.st.xcell(c)
	}
	return t.put(vals)
}

func (t *table) flush() error {
	if err := t.sw.Flush(); err != nil {
		return xlsxErr(err)
	}
	return nil
}

// lead is how many leading (frozen) columns the report table has.
func (x *Export) lead() int {
	n := 2
	if x.Result.Query.Interval == report.IntHourOfDay {
		n = 1
	}
	if x.groupHeader() != "" {
		n++
	}
	return n
}

func writeReportSheet(f *excelize.File, st *styles, x *Export) error {
	t, err := newTable(f, st, SheetReport, x.rowHeader(), x.lead())
	if err != nil {
		return err
	}
	for i, r := range x.Result.Rows {
		if err := t.cells(x.rowCells(r)); err != nil {
			return err
		}
		x.progress(i + 1)
	}
	return t.flush()
}

// writeTotalsSheet writes the per-group totals and the total, and under
// them the service-level variant the figures follow.
func writeTotalsSheet(f *excelize.File, st *styles, x *Export) error {
	t, err := newTable(f, st, SheetTotals, x.totalsHeader(), 1)
	if err != nil {
		return err
	}
	for i, cs := range x.totalsRows() {
		if err := t.cells(cs); err != nil {
			return err
		}
		x.progress(len(x.Result.Rows) + i + 1)
	}
	t.row++ // a blank row
	for _, kv := range [][2]string{{x.tr("k.period"), x.period()}, {x.tr("k.variant"), x.variant()}} {
		if err := t.put([]any{excelize.Cell{StyleID: st.key, Value: kv[0]}, kv[1]}); err != nil {
			return err
		}
	}
	return t.flush()
}

// writeDefinitions writes the filters, variant and settings as key–value
// rows, then every metric's definition and target, then what the notes of
// cells without a figure mean.
func writeDefinitions(f *excelize.File, st *styles, x *Export) error {
	const sh = SheetDefinitions
	row := 0
	put := func(style int, vals ...string) error {
		row++
		at, _ := excelize.CoordinatesToCellName(1, row)
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = v
		}
		if err := f.SetSheetRow(sh, at, &cells); err != nil {
			return xlsxErr(err)
		}
		if style != 0 {
			end, _ := excelize.CoordinatesToCellName(len(vals), row)
			if err := f.SetCellStyle(sh, at, end, style); err != nil {
				return xlsxErr(err)
			}
		}
		return nil
	}
	for _, kv := range x.meta() {
		if err := put(0, kv[0], kv[1]); err != nil {
			return err
		}
		a, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetCellStyle(sh, a, a, st.key); err != nil {
			return xlsxErr(err)
		}
	}
	row++
	if err := put(st.header, x.metricHead()...); err != nil {
		return err
	}
	for _, r := range x.metricRows() {
		if err := put(st.wrap, r...); err != nil {
			return err
		}
	}
	row++
	if err := put(st.header, x.tr("m.notes"), ""); err != nil {
		return err
	}
	for _, r := range x.noteRows() {
		if err := put(st.wrap, r...); err != nil {
			return err
		}
	}
	for col, w := range []float64{26, 40, 18, 14, 70, 12} {
		c, _ := excelize.ColumnNumberToName(col + 1)
		if err := f.SetColWidth(sh, c, c, w); err != nil {
			return xlsxErr(err)
		}
	}
	return nil
}
