// Package reportexport exports reports (internal/report) to CSV and XLSX.
// An export is a job: the API queues it, a small worker pool runs it in the
// background — the report computed with the starting user's actor and data
// scope, loaded again when the job runs — and writes the file under the
// data dir, where its owner downloads it until the retention removes it.
// Every file carries its query's filters, the service-level variant, the
// settings and every metric's definition and target, in the user's
// language. docs/exports.md describes the formats and the jobs.
package reportexport
