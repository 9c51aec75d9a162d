package reportexport

import "github.com/hotline-cc/hotline/internal/report"

// The export languages (the UI's).
const (
	LangEN = "en"
	LangZH = "zh-CN"
)

// Sheet names are the same in both languages, so that a program reading
// an export finds them; Excel forbids "/" in a sheet name.
const (
	SheetReport      = "报表 - Report"
	SheetTotals      = "汇总 - Totals"
	SheetDefinitions = "定义 - Definitions"
)

// texts holds every label of an export: key → {English, Chinese}.
var texts = map[string][2]string{
	"stem":        {"call-report", "话务报表"},
	"title":       {"Call center report", "话务报表"},
	"start":       {"Start", "开始"},
	"end":         {"End (exclusive)", "结束（不含）"},
	"hour":        {"Hour of day", "时段"},
	"breaches":    {"Off target", "超出目标"},
	"total":       {"Total", "合计"},
	"none":        {"(none)", "（无）"},
	"low":         {"below target", "低于目标"},
	"high":        {"above target", "高于目标"},
	"yes":         {"yes", "是"},
	"no":          {"no", "否"},
	"section.def": {"Definitions", "定义"},
	"section.tot": {"Totals", "汇总"},

	"k.report":      {"Report", "报表"},
	"k.period":      {"Period", "期间"},
	"k.interval":    {"Interval", "时间粒度"},
	"k.group_by":    {"Grouping", "分组"},
	"k.queues":      {"Queues", "队列"},
	"k.agents":      {"Agents", "坐席"},
	"k.teams":       {"Teams", "班组"},
	"k.departments": {"Departments", "部门"},
	"k.direction":   {"Call type", "呼叫类型"},
	"k.sources":     {"Customer sources", "客户来源"},
	"k.levels":      {"Customer levels", "客户等级"},
	"k.custom":      {"Customer fields", "客户字段"},
	"k.scope":       {"Data scope", "数据范围"},
	"k.variant":     {"Service-level variant", "服务水平口径"},
	"k.sl_sec":      {"Service-level threshold", "服务水平阈值"},
	"k.sl_target":   {"Service-level target", "服务水平目标"},
	"k.abandon":     {"Abandoned calls in the service level", "放弃呼叫计入方式"},
	"k.short":       {"Short-abandon threshold", "短时放弃阈值"},
	"k.queue_thr":   {"Queues' own thresholds", "队列自设阈值"},
	"k.fcr":         {"FCR window", "一次性解决窗口"},
	"k.ring":        {"Ring cycle", "振铃周期"},
	"k.tz":          {"Time zone", "时区"},
	"k.currency":    {"Currency", "货币"},
	"k.data":        {"Data", "数据说明"},
	"k.generated":   {"Generated", "生成时间"},
	"k.exported_at": {"Exported", "导出时间"},
	"k.exported_by": {"Exported by", "导出人"},

	"v.all":        {"all", "全部"},
	"v.no_group":   {"none", "不分组"},
	"v.fresh":      {"up to date", "汇总为最新"},
	"v.stale":      {"some rollups are being recomputed; a few figures may be older", "部分汇总正在重算，个别数字可能稍旧"},
	"v.records":    {"computed from the records (customer filters)", "按原始记录计算（含客户筛选）"},
	"v.to":         {" to ", " 至 "},
	"v.excl":       {" (end excluded)", "（不含结束时刻）"},
	"v.sec":        {"%g s", "%g 秒"},
	"v.hours":      {"%d h", "%d 小时"},
	"v.pct":        {"%g%%", "%g%%"},
	"v.ignored":    {"ignored", "不计入"},
	"v.against":    {"counted against", "计为未达标"},
	"v.for_within": {"within the threshold counted as met", "阈值内放弃计为达标"},

	"m.n":      {"No.", "编号"},
	"m.name":   {"Metric", "指标"},
	"m.key":    {"Key", "键"},
	"m.unit":   {"Unit", "单位"},
	"m.def":    {"Definition", "计算口径"},
	"m.target": {"Target", "目标范围"},
	"m.notes":  {"Notes (cells without a figure)", "说明（无数值的单元格）"},

	"scope.own":        {"own", "本人"},
	"scope.team":       {"team", "本班组"},
	"scope.department": {"department", "本部门"},
	"scope.all":        {"all", "全部"},

	"dir.inbound":  {"inbound", "呼入"},
	"dir.outbound": {"outbound", "外呼"},
	"dir.internal": {"internal", "内部"},
	"dir.callback": {"callback", "回拨"},

	"int.15m":         {"15 minutes", "15 分钟"},
	"int.30m":         {"30 minutes", "30 分钟"},
	"int.60m":         {"1 hour", "1 小时"},
	"int.day":         {"day", "日"},
	"int.week":        {"week (Monday to Sunday)", "周（周一至周日）"},
	"int.month":       {"month", "月"},
	"int.total":       {"the whole period", "整个期间"},
	"int.hour_of_day": {"hour of day (each hour over the period)", "按小时（整个期间的每个小时）"},

	"grp.queue":      {"Queue", "队列"},
	"grp.agent":      {"Agent", "坐席"},
	"grp.team":       {"Team", "班组"},
	"grp.department": {"Department", "部门"},
	"grp.direction":  {"Call type", "呼叫类型"},
	"grp.number":     {"Number", "号码"},
	"grp.campaign":   {"Campaign", "外呼任务"},
	"grp.source":     {"Customer source", "客户来源"},
	"grp.level":      {"Customer level", "客户等级"},

	// Units: short in column headers, long in the definitions.
	"u.pct":       {"%", "%"},
	"u.sec":       {"s", "秒"},
	"u.per_hour":  {"/h", "次/小时"},
	"u.rings":     {"rings", "次"},
	"u.score":     {"pts", "分"},
	"u.erl":       {"Erl", "爱尔兰"},
	"ul.pct":      {"percent", "百分比"},
	"ul.sec":      {"seconds", "秒"},
	"ul.count":    {"count", "数量"},
	"ul.money":    {"money", "金额"},
	"ul.per_hour": {"calls per logged-in hour", "每登录小时呼叫数"},
	"ul.rings":    {"rings", "振铃次数"},
	"ul.score":    {"points of 100", "分（百分制）"},

	"note." + report.NoteNoData:        {"no data", "无数据"},
	"note." + report.NoteNotApplicable: {"n/a", "不适用"},
	"note." + report.NoteNoQA:          {"no QA data", "无质检数据"},
	"note." + report.NoteNoCost:        {"no cost entered", "未录入成本"},
	"note." + report.NoteNoSchedule:    {"no schedule", "无排班"},
	"notedef." + report.NoteNoData: {"nothing to compute it from: the denominator is 0",
		"没有可计算的数据：分母为 0"},
	"notedef." + report.NoteNotApplicable: {"the metric does not exist for this grouping",
		"该分组下不计算此指标"},
	"notedef." + report.NoteNoQA:       {"no quality inspection scores", "尚无质检评分"},
	"notedef." + report.NoteNoCost:     {"no center cost entered for the period", "期间内未录入中心成本"},
	"notedef." + report.NoteNoSchedule: {"no shifts scheduled in the period", "期间内没有排班"},
}

// noteKeys lists the notes in the order the definitions explain them.
var noteKeys = []string{report.NoteNoData, report.NoteNotApplicable, report.NoteNoQA, report.NoteNoCost, report.NoteNoSchedule}

// tr returns the label of key in lang (English for anything but zh-CN);
// an unknown key is returned as it is.
func tr(lang, key string) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	if lang == LangZH {
		return t[1]
	}
	return t[0]
}

// trOr returns the label of key, or fallback when there is none.
func trOr(lang, key, fallback string) string {
	if _, ok := texts[key]; !ok {
		return fallback
	}
	return tr(lang, key)
}

// NormLang maps a language to an export language: zh-CN or en.
func NormLang(l string) string {
	if l == LangZH {
		return LangZH
	}
	return LangEN
}
