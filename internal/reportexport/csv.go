package reportexport

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/report"
)

// WriteCSV writes the export as one UTF-8 CSV file with a byte-order mark
// (so that Excel reads the Chinese correctly), in sections separated by an
// empty line:
//
//	# key,value        the header block: period, interval, grouping,
//	...                filters, data scope, variant, settings, who and when
//
//	# 报表 - Report     the report rows: start, end (local "2006-01-02 15:04";
//	start,end,...      hour of day instead for hour_of_day), group, one column
//	...                per metric, the off-target list
//
//	# 汇总 - Totals     per group and the total
//	...
//
//	# 定义 - Definitions  every metric: number, name, key, unit, formula,
//	...                target; then the notes' meanings
//
// A line whose first field starts with "# " is a header-block entry or a
// section title; a text cell that could be read as one — or as a formula
// (= + - @) — gets a leading apostrophe. Figures are plain numbers with a
// dot: money with two decimals, counts whole, the rest rounded to four
// decimals; a value without a figure is its note as text.
func WriteCSV(w io.Writer, x *Export) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	out := &csvOut{w: cw}
	for _, kv := range x.meta() {
		out.rec("# "+kv[0], csvSafe(kv[1]))
	}
	out.section(SheetReport)
	out.rec(x.rowHeader()...)
	for i, r := range x.Result.Rows {
		out.cells(x.rowCells(r))
		x.progress(i + 1)
	}
	out.section(SheetTotals)
	out.rec(x.totalsHeader()...)
	for i, cs := range x.totalsRows() {
		out.cells(cs)
		x.progress(len(x.Result.Rows) + i + 1)
	}
	out.section(SheetDefinitions)
	out.rec(safeAll(x.metricHead())...)
	for _, r := range x.metricRows() {
		out.rec(safeAll(r)...)
	}
	out.rec()
	out.rec("# " + x.tr("m.notes"))
	for _, r := range x.noteRows() {
		out.rec(safeAll(r)...)
	}
	cw.Flush()
	if out.err == nil {
		out.err = cw.Error()
	}
	if out.err != nil {
		return fmt.Errorf("reportexport: csv: %w", out.err)
	}
	return bw.Flush()
}

// csvOut writes records, keeping the first error.
type csvOut struct {
	w   *csv.Writer
	err error
}

func (o *csvOut) rec(fields ...string) {
	if o.err == nil {
		o.err = o.w.Write(fields)
	}
}

// section starts a section: an empty line, then its title.
func (o *csvOut) section(title string) {
	o.rec()
	o.rec("# " + title)
}

func (o *csvOut) cells(cs []cell) {
	f := make([]string, len(cs))
	for i, c := range cs {
		f[i] = csvCell(c)
	}
	o.rec(f...)
}

func csvCell(c cell) string {
	switch c.kind {
	case cTime:
		return c.t.Format("2006-01-02 15:04")
	case cNum:
		return csvNumber(c.v, c.m)
	}
	return csvSafe(c.text)
}

// csvNumber prints a figure: money with two decimals, counts whole, the
// rest rounded to four decimals without trailing zeros.
func csvNumber(v float64, m report.Metric) string {
	switch {
	case m.Unit == report.UnitMoney:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case digits(m) == 0:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	s := strings.TrimRight(strconv.FormatFloat(v, 'f', 4, 64), "0")
	return strings.TrimSuffix(s, ".")
}

// csvSafe keeps a spreadsheet from running a cell as a formula (CSV
// injection) and a reader from taking a cell for a header line.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@#\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func safeAll(fs []string) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = csvSafe(f)
	}
	return out
}
