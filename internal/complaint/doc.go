// Package complaint is complaint handling (投诉管理, DOMAIN.md §3 and §5): a
// ticket is registered from a call (the caller's number, the customer
// matched by it, the call, its recording and its agent filled in) or by
// hand; it carries a severity — minor, general (the customer threatens an
// external complaint, 客户威胁外部投诉) or serious (already complained
// externally, 已外部投诉) — and, once judged, a liability: the agent, a
// department, or nobody, with the penalty configured for the severity
// (¥1,000 / ¥5,000 / ¥10,000 by default, kept in fen).
//
// Handling follows the five steps of the documents as a checklist (安抚情绪,
// 耐心倾听, 分析诉求, 及时答复, 致谢; who ticked each and when) and the
// ticket's life:
//
//	open → forwarded (to the responsible department, with a deadline; again
//	       to another, the history kept) → replied (the department's answer)
//	     → called_back (the result told to the customer, with their
//	       satisfaction) → closed → (reopened) open
//
// A ticket resolved on the spot may be called back or closed straight from
// open. Every change is one timeline event and one audit entry, written in
// one transaction; a forward past its deadline without a reply is overdue.
//
// Data scope: a ticket belongs to its agent (the one complained about, or
// who took it), their team and department; it is also visible to who
// registered it and to the users of every department it was forwarded to,
// who record the department's reply.
//
// AgentMonth gives appraisal the per-agent counts and penalties of a month.
package complaint
