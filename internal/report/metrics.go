package report

// Unit is how a metric's value reads.
type Unit string

const (
	UnitPct     Unit = "pct"      // percent, 0–100
	UnitSec     Unit = "sec"      // seconds
	UnitCount   Unit = "count"    // calls
	UnitMoney   Unit = "money"    // the settings' currency
	UnitPerHour Unit = "per_hour" // calls per logged-in hour
	UnitRings   Unit = "rings"
	UnitScore   Unit = "score" // out of 100
)

// Kind says which side of its band a metric may not leave.
type Kind string

const (
	KindMin   Kind = "min"   // at least Lo
	KindMax   Kind = "max"   // at most Hi
	KindRange Kind = "range" // between Lo and Hi
	KindNone  Kind = "none"  // no target
)

// Needs says which facts a metric is computed from, which decides the
// groupings it exists for.
type Needs string

const (
	NeedCalls  Needs = "calls"  // CDRs and legs: every grouping
	NeedAgents Needs = "agents" // agents' state time: no grouping, agent, team, department
	NeedCenter Needs = "center" // center-wide inputs (cost, headcount): no grouping, team, department
	NeedQA     Needs = "qa"     // quality inspection results
)

// Metric is one operating metric: its number in DOMAIN.md §2 (0 for the
// extra figures), key, unit, default target and names.
type Metric struct {
	N     int     `json:"n,omitempty"`
	Key   string  `json:"key"`
	Unit  Unit    `json:"unit"`
	Kind  Kind    `json:"kind"`
	Lo    float64 `json:"lo,omitempty"`
	Hi    float64 `json:"hi,omitempty"`
	Needs Needs   `json:"needs"`
	En    string  `json:"en"`
	Zh    string  `json:"zh"`
	DefEn string  `json:"def_en"`
	DefZh string  `json:"def_zh"`
}

// Metrics is the catalog, in the documents' order, then the extra figures
// reports show beside them. docs/metrics.md explains each formula.
var Metrics = []Metric{
	{1, "adherence", UnitPct, KindMin, 92, 0, NeedAgents, "Schedule adherence", "实际工作率",
		"scheduled phone time spent ready, ringing, talking, on hold or in wrap-up ÷ scheduled phone time", "排班接话时间内处于就绪/振铃/通话/保持/话后处理的时间 ÷ 排班接话时间"},
	{2, "acw", UnitSec, KindMax, 30, 60, NeedCalls, "After-call work", "事后处理时间",
		"wrap-up time of handled calls ÷ calls handled", "已处理呼叫的话后处理时间 ÷ 处理呼叫数"},
	{3, "ata", UnitSec, KindRange, 20, 60, NeedCalls, "Average time to abandon", "平均放弃时间",
		"queue time of abandoned calls ÷ abandoned calls", "放弃呼叫的排队时间 ÷ 放弃呼叫数"},
	{4, "cost_per_call", UnitMoney, KindMax, 2, 5, NeedCenter, "Cost per call", "平均单呼成本",
		"center cost of the period (entered per month, prorated) ÷ calls handled by agents or the IVR", "期间中心成本（按月录入、按时长分摊）÷ 坐席或 IVR 处理的呼叫数"},
	{5, "aht", UnitSec, KindRange, 180, 600, NeedCalls, "Average handle time", "平均通话时间",
		"(talk + hold + after-call work) of handled calls ÷ calls handled", "（通话 + 保持 + 话后处理）÷ 处理呼叫数"},
	{6, "hold_time", UnitSec, KindMax, 20, 60, NeedCalls, "Average hold time", "平均持线时间",
		"hold time ÷ calls put on hold", "保持时长 ÷ 被保持的呼叫数"},
	{7, "rings", UnitRings, KindMax, 2, 4, NeedCalls, "Average rings", "平均振铃次数",
		"ringing before the agent answered ÷ ring cycle ÷ calls handled", "坐席接听前振铃时长 ÷ 振铃周期 ÷ 处理呼叫数"},
	{8, "queue_time", UnitSec, KindMax, 30, 90, NeedCalls, "Average queue time", "平均排队时间",
		"queue time of every queued call ÷ queued calls", "全部排队呼叫的排队时间 ÷ 排队呼叫数"},
	{9, "asa", UnitSec, KindMax, 0, 20, NeedCalls, "Average speed of answer", "平均应答速度",
		"queue time of answered calls ÷ answered calls", "已接通呼叫的排队时间 ÷ 接通数"},
	{10, "talk_time", UnitSec, KindRange, 270, 360, NeedCalls, "Average talk time", "平均交谈时间",
		"talk time (without hold) of handled calls ÷ calls handled", "通话时长（不含保持）÷ 处理呼叫数"},
	{11, "calls_per_hour", UnitPerHour, KindNone, 0, 0, NeedAgents, "Calls per hour", "每小时呼叫次数",
		"calls handled ÷ hours logged in", "处理呼叫数 ÷ 登录小时数"},
	{12, "monitoring_score", UnitScore, KindMin, 80, 100, NeedQA, "Monitoring score", "监听分值",
		"mean QA score of the inspected calls (out of 100)", "质检评分的平均分（百分制）"},
	{13, "occupancy", UnitPct, KindMin, 90, 100, NeedAgents, "Occupancy", "占线率",
		"(talk + hold) ÷ (talk + hold + idle), idle being ready or ringing", "（通话 + 保持）÷（通话 + 保持 + 空闲），空闲为就绪或振铃"},
	{14, "abandon_rate", UnitPct, KindMax, 3, 5, NeedCalls, "Abandonment rate", "呼叫放弃率",
		"calls abandoned after the short-abandon threshold ÷ (queued calls − short abandons)", "短时放弃之外的放弃数 ÷（排队呼叫数 − 短时放弃数）"},
	{15, "attendance", UnitPct, KindMin, 95, 100, NeedAgents, "Attendance", "出勤率",
		"scheduled agent-days (agent-quarter-hours below a day) with a login ÷ scheduled agent-days", "有登录的排班人天（日以下为人·刻钟）÷ 排班人天"},
	{16, "blocked_rate", UnitPct, KindMax, 1, 3, NeedCalls, "Blocked calls", "忙音率",
		"calls refused before reaching the ACD ÷ calls received", "未进入 ACD 即被拒绝的呼叫 ÷ 呼入总数"},
	{17, "fcr", UnitPct, KindMin, 85, 100, NeedCalls, "First call resolution", "一次性解决率",
		"answered inbound calls with no repeat call or call-back within the window and not marked unresolved ÷ answered inbound calls",
		"窗口期内无重复来电、无回拨且未被标记未解决的已接通呼入 ÷ 已接通呼入"},
	{18, "queue_placement", UnitPct, KindMax, 10, 20, NeedCalls, "Queue placement rate", "队列放置率",
		"calls placed in a queue ÷ calls received", "进入队列的呼叫 ÷ 呼入总数"},
	{19, "transfer_rate", UnitPct, KindMax, 0, 1, NeedCalls, "Transfer rate", "转接呼叫率",
		"calls agents transferred ÷ calls handled", "坐席转接的呼叫 ÷ 处理呼叫数"},
	{20, "answer_rate", UnitPct, KindMin, 98, 100, NeedCalls, "Calls answered", "已复电话百分比",
		"queued calls answered ÷ queued calls", "已接通的排队呼叫 ÷ 排队呼叫数"},
	{21, "service_level", UnitPct, KindMin, 80, 100, NeedCalls, "Service level", "服务水平",
		"calls answered within the threshold ÷ calls offered, by the variant printed on the report", "阈值内接通数 ÷ 呼入排队数（口径见报表说明）"},
	{22, "total_calls", UnitCount, KindNone, 0, 0, NeedCalls, "Total calls", "总呼叫数",
		"every call: blocked, self-service, abandoned, answered, outbound (by call type when grouped by direction)", "全部呼叫：忙音、自助、放弃、接通、外呼（按方向分组即按呼叫类型）"},
	{23, "turnover", UnitPct, KindMax, 15, 30, NeedCenter, "Agent turnover", "值机员流动率",
		"agents who left in the period ÷ average agent headcount (start and end of the period)", "期间离职坐席数 ÷ 平均坐席人数（期初与期末）"},

	{0, "offered", UnitCount, KindNone, 0, 0, NeedCalls, "Calls queued", "排队呼叫数", "inbound calls placed in a queue", "进入队列的呼入"},
	{0, "answered", UnitCount, KindNone, 0, 0, NeedCalls, "Calls handled", "处理呼叫数", "calls agents answered (legs)", "坐席接听的呼叫（通话段）"},
	{0, "abandoned", UnitCount, KindNone, 0, 0, NeedCalls, "Abandoned", "放弃数", "queued calls whose caller hung up waiting", "排队中挂断的呼叫"},
	{0, "blocked", UnitCount, KindNone, 0, 0, NeedCalls, "Blocked", "忙音数", "calls refused before reaching the ACD", "未进入 ACD 即被拒绝的呼叫"},
	{0, "longest_wait", UnitSec, KindNone, 0, 0, NeedCalls, "Longest wait", "最长等待", "the longest queue time", "最长排队时间"},
	{0, "csat", UnitPct, KindMin, 85, 100, NeedCalls, "Satisfaction (CSAT)", "满意度",
		"ratings in the top two scores of the scale ÷ ratings", "评分为最高两档的评价 ÷ 评价数"},
	{0, "very_unsatisfied", UnitCount, KindNone, 0, 0, NeedCalls, "Very unsatisfied", "非常不满意", "ratings with the lowest score", "最低分评价数"},
	{0, "rating_index", UnitScore, KindNone, 0, 0, NeedCalls, "Satisfaction index", "满意度指数",
		"mean rating on a 0–100 scale", "评价均值（百分制）"},
	{0, "traffic_erlangs", UnitCount, KindNone, 0, 0, NeedCalls, "Traffic (Erlang)", "话务量（爱尔兰）",
		"(talk + hold + after-call work) ÷ the interval's length", "（通话 + 保持 + 话后处理）÷ 时段长度"},
}

// MetricByKey finds a metric.
func MetricByKey(key string) (Metric, bool) {
	for _, m := range Metrics {
		if m.Key == key {
			return m, true
		}
	}
	return Metric{}, false
}

// Target returns the metric's band under the settings.
func (m Metric) Target(s Settings) Band {
	if m.Key == "service_level" {
		return Band{Lo: &s.SLTargetPct}
	}
	if b, ok := s.Targets[m.Key]; ok {
		return b
	}
	lo, hi := m.Lo, m.Hi
	switch m.Kind {
	case KindMin:
		return Band{Lo: &lo}
	case KindMax:
		if m.Lo > 0 {
			return Band{Lo: &lo, Hi: &hi}
		}
		return Band{Hi: &hi}
	case KindRange:
		return Band{Lo: &lo, Hi: &hi}
	}
	return Band{}
}

// breach says whether v is outside the band on the side the metric cares
// about: "low", "high" or "".
func (m Metric) breach(v float64, b Band) string {
	switch {
	case m.Kind == KindNone:
		return ""
	case b.Lo != nil && v < *b.Lo && (m.Kind == KindMin || m.Kind == KindRange):
		return "low"
	case b.Hi != nil && v > *b.Hi && (m.Kind == KindMax || m.Kind == KindRange):
		return "high"
	}
	return ""
}
