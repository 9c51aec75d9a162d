// Package appraisal is performance appraisal (绩效考核, DOMAIN.md §4) as
// data: schemes of weighted items, each scoring an agent's monthly raw
// value by a tier table, bonus tiers over the total, rules that flag
// early confirmation, promotion, demotion and dismissal from this and
// previous months' scores, and optional sales commission tiers.
package appraisal
