package reportexport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// Export is what a file is written from: a computed report and how to
// present it. The writers (WriteXLSX, WriteCSV) read nothing else.
type Export struct {
	Result *report.Result
	Lang   string        // zh-CN or en: headers, labels, metric names
	By     string        // who exported, as printed
	Scope  org.DataScope // the exporter's data scope, as printed
	At     time.Time     // when the file was written
	Names  Names         // filter values by name instead of id
	// Progress, when set, is told how many of the table rows are written.
	Progress func(done, total int)
}

// Names are the display names of a query's filter values; a value without
// a name is printed as its id.
type Names struct {
	Agents, Teams, Departments map[int64]string
	Sources, Levels, Fields    map[string]string // option keys → labels; custom field keys → labels
}

// cellKind is what a table cell holds.
type cellKind int

const (
	cText cellKind = iota
	cTime          // a local time (wall clock of the report's time zone)
	cNum           // a metric's figure
	cNote          // a metric without a figure: the note says why
)

// cell is one cell of a table, as both writers see it.
type cell struct {
	kind   cellKind
	text   string
	t      time.Time
	v      float64
	m      report.Metric
	breach string
	bold   bool
}

func (x *Export) lang() string         { return NormLang(x.Lang) }
func (x *Export) tr(key string) string { return tr(x.lang(), key) }
func (x *Export) loc() *time.Location  { return x.Result.Settings.Location() }

// metricName is a metric's name in the export's language.
func (x *Export) metricName(m report.Metric) string {
	if x.lang() == LangZH {
		return m.Zh
	}
	return m.En
}

// unitShort is the unit a metric's column header names ("" for counts).
func (x *Export) unitShort(m report.Metric) string {
	switch {
	case m.Unit == report.UnitCount: // traffic's name says Erlang already
		return ""
	case m.Unit == report.UnitMoney:
		return x.Result.Settings.Currency
	}
	return x.tr("u." + string(m.Unit))
}

// metricHeader is a metric's column header: number, name and unit.
func (x *Export) metricHeader(m report.Metric) string {
	h := x.metricName(m)
	if m.N > 0 {
		h = strconv.Itoa(m.N) + " " + h
	}
	if u := x.unitShort(m); u != "" {
		if x.lang() == LangZH {
			return h + "（" + u + "）"
		}
		return h + " (" + u + ")"
	}
	return h
}

// digits is how many decimals a metric is shown with; money has exactly
// two, counts none.
func digits(m report.Metric) int {
	switch {
	case m.Key == "traffic_erlangs", m.Unit == report.UnitMoney, m.Unit == report.UnitPerHour, m.Unit == report.UnitRings:
		return 2
	case m.Unit == report.UnitCount:
		return 0
	}
	return 1
}

// groupHeader is the header of the group column ("" when not grouped).
func (x *Export) groupHeader() string {
	g := x.Result.Query.GroupBy
	if g == report.GroupNone {
		return ""
	}
	return trOr(x.lang(), "grp."+string(g), string(g))
}

// groupLabel names a row's group.
func (x *Export) groupLabel(r report.Row) string {
	switch {
	case r.Group == "" || r.Group == "0":
		return x.tr("none")
	case x.Result.Query.GroupBy == report.GroupDirection:
		return trOr(x.lang(), "dir."+r.Group, r.Group)
	case r.Label != "":
		return r.Label
	}
	return r.Group
}

// wall returns t's wall clock in the report's time zone as a UTC time:
// spreadsheets have no time zones, so the cell shows the local time.
func (x *Export) wall(t time.Time) time.Time {
	l := t.In(x.loc())
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// rowHeader is the header of the report table.
func (x *Export) rowHeader() []string {
	var h []string
	if x.Result.Query.Interval == report.IntHourOfDay {
		h = append(h, x.tr("hour"))
	} else {
		h = append(h, x.tr("start"), x.tr("end"))
	}
	if g := x.groupHeader(); g != "" {
		h = append(h, g)
	}
	return append(x.metricHeaders(h), x.tr("breaches"))
}

func (x *Export) metricHeaders(h []string) []string {
	for _, m := range report.Metrics {
		h = append(h, x.metricHeader(m))
	}
	return h
}

// rowCells are one report row's cells, in rowHeader's order.
func (x *Export) rowCells(r report.Row) []cell {
	var cs []cell
	if x.Result.Query.Interval == report.IntHourOfDay {
		h := 0
		if r.Hour != nil {
			h = *r.Hour
		}
		cs = append(cs, cell{kind: cText, text: fmt.Sprintf("%02d:00–%02d:00", h, h+1)})
	} else {
		cs = append(cs, cell{kind: cTime, t: x.wall(r.Start)}, cell{kind: cTime, t: x.wall(r.End)})
	}
	if x.groupHeader() != "" {
		cs = append(cs, cell{kind: cText, text: x.groupLabel(r)})
	}
	return x.valueCells(cs, r)
}

// valueCells appends a row's metric cells and its breach list.
func (x *Export) valueCells(cs []cell, r report.Row) []cell {
	var off []string
	for _, m := range report.Metrics {
		v := r.Values[m.Key]
		if !v.OK {
			cs = append(cs, cell{kind: cNote, text: x.noteText(v.Note)})
			continue
		}
		cs = append(cs, cell{kind: cNum, v: v.V, m: m, breach: v.Breach})
		if v.Breach != "" {
			off = append(off, x.breachText(m, v.Breach))
		}
	}
	return append(cs, cell{kind: cText, text: strings.Join(off, "; ")})
}

func (x *Export) noteText(note string) string {
	if note == "" {
		return ""
	}
	return trOr(x.lang(), "note."+note, note)
}

func (x *Export) breachText(m report.Metric, side string) string {
	if x.lang() == LangZH {
		return x.metricName(m) + "（" + x.tr(side) + "）"
	}
	return x.metricName(m) + " (" + x.tr(side) + ")"
}

// totalsHeader is the header of the totals table: the group, the metrics.
func (x *Export) totalsHeader() []string {
	g := x.groupHeader()
	if g == "" {
		g = x.tr("k.group_by")
	}
	return append(x.metricHeaders([]string{g}), x.tr("breaches"))
}

// totalsRows are the per-group rows and the total, in totalsHeader's order.
func (x *Export) totalsRows() [][]cell {
	var out [][]cell
	for _, g := range x.Result.Groups {
		out = append(out, x.valueCells([]cell{{kind: cText, text: x.groupLabel(g)}}, g))
	}
	return append(out, x.valueCells([]cell{{kind: cText, text: x.tr("total"), bold: true}}, x.Result.Total))
}

// tableRows is the number of rows the two tables hold, for progress.
func (x *Export) tableRows() int { return len(x.Result.Rows) + len(x.Result.Groups) + 1 }

// progress reports done of the table rows written.
func (x *Export) progress(done int) {
	if x.Progress != nil {
		x.Progress(done, x.tableRows())
	}
}
