package reportexport

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// handMade is a report by day and agent over two days in Asia/Shanghai:
// agent 7 (张三) both days, agent 8 on the second, and "0" (calls nobody
// answered). Every third metric has no figure; every fifth is off target.
func handMade(t *testing.T) *report.Result {
	t.Helper()
	s := report.DefaultSettings()
	s.TimeZone = "Asia/Shanghai"
	loc := s.Location()
	d1 := time.Date(2026, 3, 2, 0, 0, 0, 0, loc)
	res := &report.Result{Settings: s, Targets: map[string]report.Band{}, Generated: d1.AddDate(0, 0, 3).UTC(),
		Query: report.Query{From: d1.UTC(), To: d1.AddDate(0, 0, 2).UTC(), Interval: report.IntDay, GroupBy: report.GroupAgent,
			Queues: []string{"sales", "support"}, AgentIDs: []int64{7, 99}, Direction: "inbound", Sources: []string{"web"},
			Custom: map[string]string{"city": "上海"}}}
	res.VariantEn, res.VariantZh = s.Variant()
	for _, m := range report.Metrics {
		res.Targets[m.Key] = m.Target(s)
	}
	row := func(day int, group, label string, seed float64) report.Row {
		start := d1.AddDate(0, 0, day)
		return report.Row{Start: start.UTC(), End: start.AddDate(0, 0, 1).UTC(), Group: group, Label: label, Values: values(seed)}
	}
	res.Rows = []report.Row{row(0, "7", "张三", 1), row(1, "0", "0", 2), row(1, "7", "张三", 3), row(1, "8", "李四", 4)}
	res.Groups = []report.Row{row(0, "0", "0", 5), row(0, "7", "张三", 6), row(0, "8", "李四", 7)}
	res.Total = row(0, "", "", 8)
	return res
}

func values(seed float64) map[string]report.Value {
	out := map[string]report.Value{}
	notes := []string{report.NoteNoData, report.NoteNotApplicable, report.NoteNoCost}
	for i, m := range report.Metrics {
		switch {
		case i%3 == 2:
			out[m.Key] = report.Value{Note: notes[(i/3)%len(notes)]}
		case m.Unit == report.UnitCount && m.Key != "traffic_erlangs":
			out[m.Key] = report.Value{V: seed*10 + float64(i), OK: true}
		default:
			v := report.Value{V: seed*11.5 + float64(i)/3, OK: true}
			if i%5 == 0 {
				v.Breach = "low"
			}
			out[m.Key] = v
		}
	}
	return out
}

func handExport(res *report.Result, lang string) *Export {
	return &Export{Result: res, Lang: lang, By: "主管甲 (sup-a)", Scope: org.ScopeDepartment,
		At: time.Date(2026, 3, 5, 1, 2, 3, 0, time.UTC), Names: Names{Agents: map[int64]string{7: "张三"},
			Sources: map[string]string{"web": "网站"}, Fields: map[string]string{"city": "城市"}}}
}

func TestXLSXWriter(t *testing.T) {
	res := handMade(t)
	for _, lang := range []string{LangZH, LangEN} {
		t.Run(lang, func(t *testing.T) {
			x := handExport(res, lang)
			var calls, last int
			x.Progress = func(done, total int) { calls, last = calls+1, done; _ = total }
			var buf bytes.Buffer
			if err := WriteXLSX(&buf, x); err != nil {
				t.Fatal(err)
			}
			if last != x.tableRows() || calls != x.tableRows() {
				t.Errorf("progress reached %d of %d in %d calls", last, x.tableRows(), calls)
			}
			checkXLSX(t, buf.Bytes(), res, lang)
			f := openXLSX(t, buf.Bytes())
			xlsxGolden(t, f, lang)
		})
	}
}

// xlsxGolden checks the cells a user reads first: headers, a figure's
// format, a breach's colour, a note, the definitions' filters by name.
func xlsxGolden(t *testing.T, f *excelize.File, lang string) {
	zh := lang == LangZH
	cell := func(sheet, ref string) string {
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	pick := func(zhText, enText string) string {
		if zh {
			return zhText
		}
		return enText
	}
	// A: start, B: end, C: agent, D: metric 1 (adherence), E: acw, ...
	for ref, want := range map[string]string{
		"A1": pick("开始", "Start"), "B1": pick("结束（不含）", "End (exclusive)"), "C1": pick("坐席", "Agent"),
		"D1": pick("1 实际工作率（%）", "1 Schedule adherence (%)"), "E1": pick("2 事后处理时间（秒）", "2 After-call work (s)"),
		"G1": pick("4 平均单呼成本（CNY）", "4 Cost per call (CNY)"), "Y1": pick("22 总呼叫数", "22 Total calls"),
		"A2": "2026-03-02 00:00", "B2": "2026-03-03 00:00", "C2": "张三", "C3": pick("（无）", "(none)"),
		// adherence (i=0) is 11.5 in row 1 and off target; i=2 (ata) has no figure: no_data.
		"D2": "11.5", "F2": pick("无数据", "no data"), "I2": pick("不适用", "n/a"),
		// cost per call (i=3): 11.5 + 1 = 12.50 shown with two decimals.
		"G2": "12.50",
	} {
		if got := cell(SheetReport, ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	last, _ := excelize.CoordinatesToCellName(3+len(report.Metrics)+1, 2)
	if got := cell(SheetReport, last); !strings.HasPrefix(got, pick("实际工作率（低于目标）", "Schedule adherence (below target)")) {
		t.Errorf("breach column %q", got)
	}
	style := func(ref string) *excelize.Style {
		id, err := f.GetCellStyle(SheetReport, ref)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := style("D2"); s.Fill.Pattern != 1 || len(s.Fill.Color) == 0 || s.Fill.Color[0] != "FFC7CE" {
		t.Errorf("the breach cell D2 is not highlighted: %+v", s.Fill)
	}
	if s := style("E2"); len(s.Fill.Color) != 0 || s.CustomNumFmt == nil || *s.CustomNumFmt != "0.0" {
		t.Errorf("E2 style %+v", s)
	}
	if s := style("G2"); s.CustomNumFmt == nil || *s.CustomNumFmt != "#,##0.00" {
		t.Errorf("money cell style %+v", s)
	}
	defs := joined(sheetRows(t, f, SheetDefinitions, false))
	for _, want := range []string{
		pick("报表|话务报表", "Report|Call center report"), pick("期间|2026-03-02 至 2026-03-03", "Period|2026-03-02 to 2026-03-03"),
		pick("时间粒度|日", "Interval|day"), pick("分组|坐席", "Grouping|Agent"), pick("队列|sales, support", "Queues|sales, support"),
		pick("坐席|张三, #99", "Agents|张三, #99"), pick("呼叫类型|呼入", "Call type|inbound"), pick("客户来源|网站", "Customer sources|网站"),
		pick("客户字段|城市 = 上海", "Customer fields|城市 = 上海"), pick("数据范围|本部门", "Data scope|department"),
		pick("服务水平阈值|20 秒", "Service-level threshold|20 s"), pick("一次性解决窗口|72 小时", "FCR window|72 h"),
		pick("振铃周期|6 秒", "Ring cycle|6 s"), pick("时区|Asia/Shanghai", "Time zone|Asia/Shanghai"),
		pick("导出时间|2026-03-05 09:02:03", "Exported|2026-03-05 09:02:03"), pick("导出人|主管甲 (sup-a)", "Exported by|主管甲 (sup-a)"),
		"1|" + pick("实际工作率", "Schedule adherence") + "|adherence|" + pick("百分比", "percent"),
		"|≥ 92\n", "|2–5\n", "|≤ 20\n", pick("无数据|没有可计算的数据", "no data|nothing to compute"),
	} {
		if !strings.Contains(defs, want) {
			t.Errorf("definitions lack %q:\n%s", want, defs)
		}
	}
	tot := sheetRows(t, f, SheetTotals, false)
	if got := tot[len(tot)-1]; got[0] != pick("服务水平口径", "Service-level variant") {
		t.Errorf("the totals sheet ends with %q, not the variant", got)
	}
}

func TestCSVWriter(t *testing.T) {
	res := handMade(t)
	for _, lang := range []string{LangZH, LangEN} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, handExport(res, lang)); err != nil {
				t.Fatal(err)
			}
			checkCSV(t, buf.Bytes(), res, lang)
			text := buf.String()
			head := map[string]string{LangZH: "\ufeff# 报表,话务报表\n# 期间,2026-03-02 至 2026-03-03\n",
				LangEN: "\ufeff# Report,Call center report\n# Period,2026-03-02 to 2026-03-03\n"}[lang]
			if !strings.HasPrefix(text, head) {
				t.Errorf("CSV starts %q", text[:min(len(text), 80)])
			}
			c := readCSV(t, buf.Bytes())
			row := c.sections[SheetReport][1]
			// adherence 11.5; cost per call 12.50 (money: two decimals); ACW 11.8333 (four).
			if row[3] != "11.5" || row[4] != "11.8333" || row[6] != "12.50" {
				t.Errorf("CSV figures %q", row[:7])
			}
			for _, sec := range []string{SheetReport, SheetTotals, SheetDefinitions} {
				if len(c.sections[sec]) == 0 {
					t.Errorf("no section %s", sec)
				}
			}
		})
	}
}

func TestHourOfDayAndUngrouped(t *testing.T) {
	res := handMade(t)
	res.Query.Interval, res.Query.GroupBy = report.IntHourOfDay, report.GroupNone
	res.Groups = nil
	for i := range res.Rows {
		h := 9 + i
		res.Rows[i].Hour, res.Rows[i].Group, res.Rows[i].Label = &h, "", ""
	}
	var xb, cb bytes.Buffer
	if err := WriteXLSX(&xb, handExport(res, LangEN)); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&cb, handExport(res, LangEN)); err != nil {
		t.Fatal(err)
	}
	checkXLSX(t, xb.Bytes(), res, LangEN)
	checkCSV(t, cb.Bytes(), res, LangEN)
	f := openXLSX(t, xb.Bytes())
	rows := sheetRows(t, f, SheetReport, false)
	if rows[0][0] != "Hour of day" || rows[1][0] != "09:00–10:00" || rows[0][1] != "1 Schedule adherence (%)" {
		t.Errorf("hour of day rows %q / %q", rows[0][:2], rows[1][:2])
	}
	tot := sheetRows(t, f, SheetTotals, false)
	if tot[1][0] != "Total" {
		t.Errorf("ungrouped totals %q", tot[1][0])
	}
}

func TestCSVSafe(t *testing.T) {
	res := handMade(t)
	res.Query.Queues = []string{"=HYPERLINK(\"http://x\")"}
	x := handExport(res, LangEN)
	x.By = "@evil"
	var buf bytes.Buffer
	if err := WriteCSV(&buf, x); err != nil {
		t.Fatal(err)
	}
	if c := readCSV(t, buf.Bytes()); c.meta["Queues"] != `'=HYPERLINK("http://x")` || c.meta["Exported by"] != "'@evil" {
		t.Errorf("header block %q / %q", c.meta["Queues"], c.meta["Exported by"])
	}
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "-1": "'-1", "# x": "'# x", "张三": "张三", "": ""} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q", in, got)
		}
	}
}

func TestFileName(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	q := report.Query{From: time.Date(2026, 3, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 4, 1, 0, 0, 0, 0, loc)}
	if got := FileName(q, loc, LangZH, "xlsx"); got != "话务报表_2026-03-01_2026-03-31.xlsx" {
		t.Errorf("zh name %q", got)
	}
	if got := FileName(q, loc, LangEN, "csv"); got != "call-report_2026-03-01_2026-03-31.csv" {
		t.Errorf("en name %q", got)
	}
	want := `attachment; filename="report_2026-03-01_2026-03-31.xlsx"; filename*=UTF-8''%E8%AF%9D%E5%8A%A1%E6%8A%A5%E8%A1%A8_2026-03-01_2026-03-31.xlsx`
	if got := ContentDisposition("话务报表_2026-03-01_2026-03-31.xlsx"); got != want {
		t.Errorf("Content-Disposition\n %s\nwant\n %s", got, want)
	}
	if got := ContentDisposition(`a "b";c.csv`); got != `attachment; filename="a _b_;c.csv"; filename*=UTF-8''a%20%22b%22%3Bc.csv` {
		t.Errorf("quoting: %s", got)
	}
}
