package appraisal

// DefaultName is the name of the scheme created on first start.
const DefaultName = "在线客服绩效考核 (120 分制)"

func num(v float64) *float64 { return &v }

// countTiers are the seed's tiers for counts of errors or violations:
// 0–1 → 120, 2–3 → 110, 4–5 → 100, 6–7 → 80, 8–9 → 60, 10–11 → 40,
// 12 and more → 0. Each tier ends inclusively at its upper count, so
// fractional manual values (1.5) fall in the tier above.
func countTiers() []Tier {
	t := func(from *float64, to *float64, points float64) Tier {
		return Tier{Range: Range{From: from, FromIncl: from != nil && *from == 0, To: to, ToIncl: to != nil}, Points: points}
	}
	return []Tier{
		t(num(0), num(1), 120), t(num(1), num(3), 110), t(num(3), num(5), 100), t(num(5), num(7), 80),
		t(num(7), num(9), 60), t(num(9), num(11), 40), t(num(11), nil, 0),
	}
}

// responseTiers are the seed's response-time tiers in seconds: ≤ 30 s →
// 120, "1–2 min" → 110, "3–4 min" → 100, "5–6 min" → 80, "7–8 min" → 60,
// "9–10 min" → 40, > 10 min → 0. The seed leaves 30–60 s and the whole
// minutes between its ranges unsaid; each range here runs up to its
// upper minute inclusive, so 31 s to 2 min → 110, over 2 to 4 min → 100,
// and so on.
func responseTiers() []Tier {
	t := func(from *float64, to *float64, points float64) Tier {
		return Tier{Range: Range{From: from, FromIncl: from != nil && *from == 0, To: to, ToIncl: to != nil}, Points: points}
	}
	return []Tier{
		t(num(0), num(30), 120), t(num(30), num(120), 110), t(num(120), num(240), 100), t(num(240), num(360), 80),
		t(num(360), num(480), 60), t(num(480), num(600), 40), t(num(600), nil, 0),
	}
}

// DefaultDefinition is the seed's online-service model (DOMAIN.md §4):
// 120 points; error count 40 %, timely response 25 %, service-attitude
// violations 20 %, answer accuracy 15 %; bonus ¥500 / 400 / 300 / 200 /
// 100; the probation, promotion, demotion and dismissal rules; three
// months' probation; every agent.
//
// Sources: errors and accuracy are quality-inspection figures (until QA
// exists they need a manual value); timely response is the agent's
// average speed of answer (the queue time of the calls the agent
// answered, ringing included — the phone's counterpart of the chat
// reply time); service attitude counts the complaints the agent was held
// liable for.
func DefaultDefinition() Definition {
	return Definition{
		Max: 120, ProbationMonths: 3,
		Items: []Item{
			{Key: "errors", Name: "出错数", NameEn: "Errors", Weight: 40,
				Source: Source{Kind: SourceQA, QA: QAErrors}, Tiers: countTiers()},
			{Key: "response", Name: "及时响应", NameEn: "Timely response", Weight: 25,
				Source: Source{Kind: SourceMetric, Metric: "asa"}, Tiers: responseTiers()},
			{Key: "attitude", Name: "服务态度违规", NameEn: "Service attitude violations", Weight: 20,
				Source: Source{Kind: SourceComplaints, Complaints: ComplaintsLiable}, Tiers: countTiers()},
			{Key: "accuracy", Name: "服务准确性", NameEn: "Answer accuracy", Weight: 15,
				Source: Source{Kind: SourceQA, QA: QAAccuracy}, Tiers: countTiers()},
		},
		Bonus: []BonusTier{
			{Range: Range{From: num(0), FromIncl: true, To: num(90)}, Amount: 100},
			{Range: Range{From: num(90), FromIncl: true, To: num(100)}, Amount: 200},
			{Range: Range{From: num(100), FromIncl: true, To: num(110)}, Amount: 300},
			{Range: Range{From: num(110), FromIncl: true, To: num(120)}, Amount: 400},
			{Range: Range{From: num(120), FromIncl: true}, Amount: 500},
		},
		Rules: []Rule{
			{Kind: RuleEarlyConfirmation, Any: []Condition{{Measure: MeasureMonth, Cmp: CmpGE, Threshold: 110}}},
			{Kind: RuleProbationPass, Any: []Condition{{Measure: MeasureProbationAverage, Cmp: CmpGE, Threshold: 100}}},
			{Kind: RuleProbationUnfit, Any: []Condition{{Measure: MeasureMonth, Cmp: CmpLT, Threshold: 90}}},
			{Kind: RulePromotion, Any: []Condition{{Measure: MeasureAverage, Months: 3, Cmp: CmpGT, Threshold: 110}}},
			{Kind: RuleDemotion, Any: []Condition{{Measure: MeasureAverage, Months: 3, Cmp: CmpLT, Threshold: 95},
				{Measure: MeasureMonth, Cmp: CmpLT, Threshold: 90}}},
			{Kind: RuleDismissal, Any: []Condition{{Measure: MeasureCount, Months: 12, Count: 3, Cmp: CmpLT, Threshold: 90},
				{Measure: MeasureAverage, Months: 3, Cmp: CmpLT, Threshold: 90}}},
		},
		Targets: Targets{All: true},
	}
}

// SalesCommission is the seed's commission example (小型卖家通用型标准),
// for sales-type centres to add to a scheme: from 10 items sold 3 % of the
// sales amount, from 30 5 %, from 50 10 %, from 80 13 %, from 100 15 %;
// both inputs entered by hand.
func SalesCommission() *Commission {
	return &Commission{
		Count: Source{Kind: SourceManual}, Amount: Source{Kind: SourceManual},
		Tiers: []CommissionTier{{Min: 10, Pct: 3}, {Min: 30, Pct: 5}, {Min: 50, Pct: 10}, {Min: 80, Pct: 13}, {Min: 100, Pct: 15}},
	}
}
