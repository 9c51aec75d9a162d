package reportexport

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/report"
)

// meta is the key–value description of the export: the query's period,
// interval, grouping and filters, the data scope, the service-level
// variant, the settings, and who exported when.
func (x *Export) meta() [][2]string {
	res, l := x.Result, x.lang()
	q, s := res.Query, res.Settings
	kv := [][2]string{{x.tr("k.report"), x.tr("title")}, {x.tr("k.period"), x.period()},
		{x.tr("k.interval"), trOr(l, "int."+string(q.Interval), string(q.Interval))}}
	if g := x.groupHeader(); g != "" {
		kv = append(kv, [2]string{x.tr("k.group_by"), g})
	} else {
		kv = append(kv, [2]string{x.tr("k.group_by"), x.tr("v.no_group")})
	}
	kv = append(kv, x.filters()...)
	kv = append(kv, [2]string{x.tr("k.scope"), trOr(l, "scope."+string(x.Scope), string(x.Scope))})
	kv = append(kv, [2]string{x.tr("k.variant"), x.variant()},
		[2]string{x.tr("k.sl_sec"), fmt.Sprintf(x.tr("v.sec"), float64(s.SLThresholdSec))},
		[2]string{x.tr("k.sl_target"), fmt.Sprintf(x.tr("v.pct"), s.SLTargetPct)},
		[2]string{x.tr("k.abandon"), trOr(l, "v."+s.AbandonMode, s.AbandonMode)},
		[2]string{x.tr("k.short"), fmt.Sprintf(x.tr("v.sec"), float64(s.ShortAbandonSec))},
		[2]string{x.tr("k.queue_thr"), x.yesNo(s.QueueThresholds)},
		[2]string{x.tr("k.fcr"), fmt.Sprintf(x.tr("v.hours"), s.FCRWindowHours)},
		[2]string{x.tr("k.ring"), fmt.Sprintf(x.tr("v.sec"), s.RingCycleSec)},
		[2]string{x.tr("k.tz"), s.TimeZone}, [2]string{x.tr("k.currency"), s.Currency},
		[2]string{x.tr("k.data"), x.dataNote()},
		[2]string{x.tr("k.generated"), res.Generated.In(x.loc()).Format("2006-01-02 15:04:05")},
		[2]string{x.tr("k.exported_at"), x.At.In(x.loc()).Format("2006-01-02 15:04:05")},
		[2]string{x.tr("k.exported_by"), x.By})
	return kv
}

// variant is the service-level definition the figures follow.
func (x *Export) variant() string {
	if x.lang() == LangZH {
		return x.Result.VariantZh
	}
	return x.Result.VariantEn
}

func (x *Export) yesNo(b bool) string {
	if b {
		return x.tr("yes")
	}
	return x.tr("no")
}

func (x *Export) dataNote() string {
	var n []string
	if x.Result.Stale {
		n = append(n, x.tr("v.stale"))
	}
	if x.Result.FromRecords {
		n = append(n, x.tr("v.records"))
	}
	if len(n) == 0 {
		return x.tr("v.fresh")
	}
	return strings.Join(n, "; ")
}

// period prints the query's period: local dates (the last one included)
// when it is whole days, else local times with the end excluded.
func (x *Export) period() string {
	q := x.Result.Query
	from, to := q.From.In(x.loc()), q.To.In(x.loc())
	if midnight(from) && midnight(to) {
		return from.Format("2006-01-02") + x.tr("v.to") + to.AddDate(0, 0, -1).Format("2006-01-02")
	}
	return from.Format("2006-01-02 15:04") + x.tr("v.to") + to.Format("2006-01-02 15:04") + x.tr("v.excl")
}

func midnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// filters describes the query's filters, names instead of ids.
func (x *Export) filters() [][2]string {
	q := x.Result.Query
	var kv [][2]string
	add := func(key string, vals []string) {
		if len(vals) > 0 {
			kv = append(kv, [2]string{x.tr(key), strings.Join(vals, ", ")})
		}
	}
	add("k.queues", q.Queues)
	add("k.agents", byID(q.AgentIDs, x.Names.Agents))
	add("k.teams", byID(q.TeamIDs, x.Names.Teams))
	add("k.departments", byID(q.DepartmentIDs, x.Names.Departments))
	if q.Direction != "" {
		add("k.direction", []string{trOr(x.lang(), "dir."+q.Direction, q.Direction)})
	}
	add("k.sources", byKey(q.Sources, x.Names.Sources))
	add("k.levels", byKey(q.Levels, x.Names.Levels))
	keys := make([]string, 0, len(q.Custom))
	for k := range q.Custom {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var custom []string
	for _, k := range keys {
		custom = append(custom, byKey([]string{k}, x.Names.Fields)[0]+" = "+q.Custom[k])
	}
	add("k.custom", custom)
	return kv
}

func byID(ids []int64, names map[int64]string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if n, ok := names[id]; ok && n != "" {
			out = append(out, n)
		} else {
			out = append(out, "#"+strconv.FormatInt(id, 10))
		}
	}
	return out
}

func byKey(keys []string, names map[string]string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if n, ok := names[k]; ok && n != "" {
			out = append(out, n)
		} else {
			out = append(out, k)
		}
	}
	return out
}

// metricHead is the header of the metric definitions table.
func (x *Export) metricHead() []string {
	return []string{x.tr("m.n"), x.tr("m.name"), x.tr("m.key"), x.tr("m.unit"), x.tr("m.def"), x.tr("m.target")}
}

// metricRows define every metric: number, name, key, unit, formula and
// the target band in force.
func (x *Export) metricRows() [][]string {
	out := make([][]string, 0, len(report.Metrics))
	for _, m := range report.Metrics {
		n := ""
		if m.N > 0 {
			n = strconv.Itoa(m.N)
		}
		def := m.DefEn
		if x.lang() == LangZH {
			def = m.DefZh
		}
		out = append(out, []string{n, x.metricName(m), m.Key, x.unitLong(m), def, bandText(x.Result.Targets[m.Key])})
	}
	return out
}

func (x *Export) unitLong(m report.Metric) string {
	switch {
	case m.Key == "traffic_erlangs":
		return x.tr("u.erl")
	case m.Unit == report.UnitMoney:
		return x.tr("ul.money") + " (" + x.Result.Settings.Currency + ")"
	}
	return trOr(x.lang(), "ul."+string(m.Unit), string(m.Unit))
}

// bandText prints a target band: "≥ 92", "≤ 20", "30–60", or "—".
func bandText(b report.Band) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case b.Lo != nil && b.Hi != nil:
		return f(*b.Lo) + "–" + f(*b.Hi)
	case b.Lo != nil:
		return "≥ " + f(*b.Lo)
	case b.Hi != nil:
		return "≤ " + f(*b.Hi)
	}
	return "—"
}

// noteRows explain the notes of cells without a figure.
func (x *Export) noteRows() [][]string {
	out := make([][]string, 0, len(noteKeys))
	for _, n := range noteKeys {
		out = append(out, []string{x.noteText(n), x.tr("notedef." + n)})
	}
	return out
}
