package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// CRMRoutes are the customer endpoints: customers and their timeline,
// notes and tasks; imports, exports, allocation and its log, quotas; the
// public pool with claims, releases, distribution and recycle rules; and the
// CRM settings (option lists and custom fields). Every one goes through the
// caller's data scope in the crm service.
type CRMRoutes struct {
	Svc *crm.Service
}

// DeletedBatch reports a deleted import batch.
type DeletedBatch struct {
	Deleted int `json:"customers_deleted"`
}

var (
	customerQuery = []Param{{"q", "string", "search: any part of a name, company, tag or number"},
		{"status", "string", ""}, {"level", "string", ""}, {"source", "string", ""}, {"tag", "string", ""},
		{"owner_id", "integer", ""}, {"team_id", "integer", ""}, {"department_id", "integer", ""}, {"batch_id", "integer", "import batch"},
		{"pool", "string", "only or exclude pool customers"}, {"unassigned", "boolean", "no owner, not in the pool"},
		{"follow_up_before", "string", "RFC 3339: next follow-up before"}, {"no_contact_since", "string", "RFC 3339: last contact before"},
		{"sort", "string", strings.Join(crm.CustomerSortKeys(), ", ")}, {"order", "string", "asc or desc"},
		{"limit", "integer", "1–1000"}, {"offset", "integer", ""}}
	exportQuery = append([]Param{{"format", "string", "csv (default) or xlsx"}}, customerQuery...)
	allocQuery  = []Param{{"since", "string", "RFC 3339"}, {"until", "string", "RFC 3339"},
		{"action", "string", strings.Join(crm.Actions, ", ")}, {"actor_id", "integer", ""}, {"user_id", "integer", "moves from or to this owner"},
		{"limit", "integer", ""}, {"offset", "integer", ""}}
)

// Routes implements Module.
func (m CRMRoutes) Routes() []Route {
	var rs []Route
	rs = append(rs, m.customerRoutes()...)
	rs = append(rs, m.poolRoutes()...)
	rs = append(rs, m.taskRoutes()...)
	rs = append(rs, m.importRoutes()...)
	rs = append(rs, m.allocationRoutes()...)
	rs = append(rs, m.settingsRoutes()...)
	return rs
}

// customerFilter reads the list filter and paging of a request.
func customerFilter(r *http.Request) (crm.Filter, error) {
	pg, err := httpx.ParsePage(r, crm.CustomerSortKeys())
	if err != nil {
		return crm.Filter{}, err
	}
	q := r.URL.Query()
	f := crm.Filter{Q: q.Get("q"), Status: q.Get("status"), Level: q.Get("level"), Source: q.Get("source"), Tag: q.Get("tag"),
		Pool: q.Get("pool"), Sort: pg.Sort, Desc: pg.Desc, Limit: pg.Limit, Offset: pg.Offset}
	for name, dst := range map[string]*int64{"owner_id": &f.OwnerID, "team_id": &f.TeamID, "department_id": &f.DepartmentID, "batch_id": &f.BatchID} {
		if *dst, err = httpx.QueryInt64(r, name); err != nil {
			return f, err
		}
	}
	un, err := httpx.QueryBool(r, "unassigned")
	if err != nil {
		return f, err
	}
	f.Unassigned = un != nil && *un
	if f.FollowUpBefore, err = timeParam(r, "follow_up_before"); err != nil {
		return f, err
	}
	if f.NoContactSince, err = timeParam(r, "no_contact_since"); err != nil {
		return f, err
	}
	return f, nil
}

func (m CRMRoutes) customerRoutes() []Route {
	p := org.P
	return []Route{
		{Method: "GET", Path: "/customers", Summary: "Customers in your data scope", Tag: "customers", Perm: p("customers", "view"),
			Query: customerQuery, Resp: httpx.List[crm.Customer]{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				f, err := customerFilter(r)
				if err != nil {
					return err
				}
				cs, total, err := m.Svc.Customers(r.Context(), a, f)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[crm.Customer]{Items: cs, Total: total, Limit: f.Limit, Offset: f.Offset})
			}},
		{Method: "POST", Path: "/customers", Summary: "Create a customer (numbers normalised to E.164; refused if another customer has one)",
			Tag: "customers", Perm: p("customers", "create"), Body: crm.CustomerInput{}, Resp: crm.Customer{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in crm.CustomerInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				c, err := m.Svc.Create(r.Context(), a, in)
				if err != nil {
					return err
				}
				return created(w, c)
			}},
		{Method: "GET", Path: "/customers/lookup", Summary: "Customers having a number, typed in any form (screen pop)", Tag: "customers",
			Perm: p("customers", "view"), Query: []Param{{"phone", "string", "the number"}}, Resp: []crm.Customer{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				cs, err := m.Svc.Lookup(r.Context(), a, r.URL.Query().Get("phone"))
				if err != nil {
					return err
				}
				return ok(w, cs)
			}},
		{Method: "GET", Path: "/customers/export", Summary: "Export the filtered customer list as CSV or XLSX (streamed)", Tag: "customers",
			Perm: p("customers", "export"), Query: append(exportQuery, Param{"lang", "string", "header language: en or zh-CN"}),
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				f, err := customerFilter(r)
				if err != nil {
					return err
				}
				format := exportFormat(r)
				lw := &lazyFile{w: w, format: format, name: "customers"}
				return lw.finish(m.Svc.Export(r.Context(), a, f, format, r.URL.Query().Get("lang"), lw))
			}},
		{Method: "POST", Path: "/customers/allocate", Summary: "Allocate customers to agents, teams or departments: evenly, by count or by rule (dry_run previews)",
			Tag: "customers", Perm: p("customers", "allocate"), Body: crm.AllocateInput{}, Resp: crm.AllocationResult{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in crm.AllocateInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				res, err := m.Svc.Allocate(r.Context(), a, in)
				if err != nil {
					return err
				}
				return ok(w, res)
			}},
		{Method: "GET", Path: "/customers/{id}", Summary: "Get a customer", Tag: "customers", Perm: p("customers", "view"), Resp: crm.Customer{},
			Handle: withID(func(ctx context.Context, a *org.Actor, id int64) (any, error) { return m.Svc.Customer(ctx, a, id) })},
		{Method: "PUT", Path: "/customers/{id}", Summary: "Change a customer", Tag: "customers", Perm: p("customers", "update"),
			Body: crm.CustomerInput{}, Resp: crm.Customer{},
			Handle: withBody(func(ctx context.Context, a *org.Actor, id int64, in crm.CustomerInput) (any, error) {
				return m.Svc.Update(ctx, a, id, in)
			})},
		{Method: "DELETE", Path: "/customers/{id}", Summary: "Delete a customer with its notes, tasks and history", Tag: "customers",
			Perm: p("customers", "delete"), Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := m.Svc.Delete(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},
		{Method: "GET", Path: "/customers/{id}/timeline", Summary: "The customer's contact history: calls, notes, tasks, moves, events",
			Tag: "customers", Perm: p("customers", "view"), Query: []Param{{"limit", "integer", "newest items, 1–500 (default 100)"}},
			Resp: []crm.TimelineItem{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				n, err := httpx.QueryInt64(r, "limit")
				if err != nil {
					return err
				}
				items, err := m.Svc.Timeline(r.Context(), a, id, int(n))
				if err != nil {
					return err
				}
				return ok(w, items)
			}},
		{Method: "POST", Path: "/customers/{id}/notes", Summary: "Write a note about a contact", Tag: "customers", Perm: p("customers", "update"),
			Body: crm.NoteInput{}, Resp: crm.Note{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in crm.NoteInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				n, err := m.Svc.AddNote(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return created(w, n)
			}},
		{Method: "POST", Path: "/customers/{id}/release", Summary: "Give a customer up to the public pool (放弃), with the reason",
			Tag: "pool", Perm: p("pool", "release"), Body: crm.ReleaseInput{}, Resp: crm.Customer{},
			Handle: withBody(func(ctx context.Context, a *org.Actor, id int64, in crm.ReleaseInput) (any, error) {
				return m.Svc.Release(ctx, a, id, in)
			})},
	}
}

// withID serves a GET of one object by {id}.
func withID(fn func(ctx context.Context, a *org.Actor, id int64) (any, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		id, err := idOf(r)
		if err != nil {
			return err
		}
		v, err := fn(r.Context(), a, id)
		if err != nil {
			return err
		}
		return ok(w, v)
	}
}

// withBody serves a change of object {id} with a JSON body.
func withBody[In any](fn func(ctx context.Context, a *org.Actor, id int64, in In) (any, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		id, err := idOf(r)
		if err != nil {
			return err
		}
		var in In
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		v, err := fn(r.Context(), a, id, in)
		if err != nil {
			return err
		}
		return ok(w, v)
	}
}

// withInput serves a POST of a JSON body.
func withInput[In any](fn func(ctx context.Context, a *org.Actor, in In) (any, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		var in In
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		v, err := fn(r.Context(), a, in)
		if err != nil {
			return err
		}
		return ok(w, v)
	}
}

func (m CRMRoutes) poolRoutes() []Route {
	p := org.P
	rules := CRUD[crm.RecycleRule, crm.RecycleRuleInput]{Path: "/pool/rules", Tag: "pool", Noun: "recycle rule",
		View: p("pool", "rules"), Manage: p("pool", "rules"),
		List: func(ctx context.Context, a *org.Actor) ([]crm.RecycleRule, error) { return m.Svc.RecycleRules(ctx) },
		Get: func(ctx context.Context, a *org.Actor, id int64) (*crm.RecycleRule, error) {
			return m.Svc.RecycleRule(ctx, id)
		},
		Create: func(ctx context.Context, a *org.Actor, in crm.RecycleRuleInput) (*crm.RecycleRule, error) {
			return m.Svc.CreateRecycleRule(ctx, a, in)
		},
		Update: func(ctx context.Context, a *org.Actor, id int64, in crm.RecycleRuleInput) (*crm.RecycleRule, error) {
			return m.Svc.UpdateRecycleRule(ctx, a, id, in)
		},
		Delete: func(ctx context.Context, a *org.Actor, id int64) error { return m.Svc.DeleteRecycleRule(ctx, a, id) },
	}
	rs := []Route{
		{Method: "GET", Path: "/pool", Summary: "Customers in the public pool (公海)", Tag: "pool", Perm: p("pool", "claim"),
			Query: customerQuery, Resp: httpx.List[crm.Customer]{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				f, err := customerFilter(r)
				if err != nil {
					return err
				}
				cs, total, err := m.Svc.Pool(r.Context(), a, f)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[crm.Customer]{Items: cs, Total: total, Limit: f.Limit, Offset: f.Offset})
			}},
		{Method: "POST", Path: "/pool/claim", Summary: "Claim customers from the pool (捞取), within your quota and daily limit; of two claims at once exactly one wins",
			Tag: "pool", Perm: p("pool", "claim"), Body: crm.ClaimInput{}, Resp: crm.ClaimResult{},
			Handle: withInput(func(ctx context.Context, a *org.Actor, in crm.ClaimInput) (any, error) {
				return m.Svc.Claim(ctx, a, in)
			})},
		{Method: "POST", Path: "/pool/distribute", Summary: "Hand pool customers out to agents, teams or departments",
			Tag: "pool", Perm: p("pool", "distribute"), Body: crm.AllocateInput{}, Resp: crm.AllocationResult{},
			Handle: withInput(func(ctx context.Context, a *org.Actor, in crm.AllocateInput) (any, error) {
				return m.Svc.Distribute(ctx, a, in)
			})},
		{Method: "GET", Path: "/pool/settings", Summary: "The pool's limits: default quota and daily claim limit", Tag: "pool",
			Perm: p("pool", "claim"), Resp: crm.PoolSettings{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				s, err := m.Svc.PoolSettings(r.Context())
				if err != nil {
					return err
				}
				return ok(w, s)
			}},
		{Method: "PUT", Path: "/pool/settings", Summary: "Change the pool's limits", Tag: "pool", Perm: p("pool", "rules"),
			Body: crm.PoolSettings{}, Resp: crm.PoolSettings{},
			Handle: withInput(func(ctx context.Context, a *org.Actor, in crm.PoolSettings) (any, error) {
				return m.Svc.SetPoolSettings(ctx, a, in)
			})},
		{Method: "POST", Path: "/pool/rules/preview", Summary: "What a recycle rule would move now (nothing is moved)", Tag: "pool",
			Perm: p("pool", "rules"), Body: crm.RecycleRuleInput{}, Resp: crm.RecyclePreview{},
			Handle: withInput(func(ctx context.Context, a *org.Actor, in crm.RecycleRuleInput) (any, error) {
				return m.Svc.PreviewRecycle(ctx, a, in)
			})},
		{Method: "GET", Path: "/pool/rules/{id}/preview", Summary: "What a saved recycle rule would move now", Tag: "pool",
			Perm: p("pool", "rules"), Resp: crm.RecyclePreview{},
			Handle: withID(func(ctx context.Context, a *org.Actor, id int64) (any, error) {
				r, err := m.Svc.RecycleRule(ctx, id)
				if err != nil {
					return nil, err
				}
				return m.Svc.PreviewRecycle(ctx, a, crm.RecycleRuleInput{Name: r.Name, Kind: r.Kind, Days: r.Days, Status: r.Status,
					DepartmentID: r.DepartmentID, Enabled: r.Enabled})
			})},
		{Method: "POST", Path: "/pool/rules/run", Summary: "Run the enabled recycle rules now", Tag: "pool", Perm: p("pool", "rules"),
			Resp: crm.RecycleReport{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				rep, err := m.Svc.RunRecycleNow(r.Context(), a)
				if err != nil {
					return err
				}
				return ok(w, rep)
			}},
	}
	return append(rs, rules.Routes()...)
}

func (m CRMRoutes) taskRoutes() []Route {
	p := org.P
	return []Route{
		{Method: "GET", Path: "/tasks", Summary: "Follow-up and return-visit tasks in your data scope, soonest due first", Tag: "tasks",
			Perm: p("customers", "view"), Resp: httpx.List[crm.Task]{},
			Query: []Param{{"owner_id", "integer", ""}, {"team_id", "integer", ""}, {"customer_id", "integer", ""},
				{"done", "boolean", ""}, {"overdue", "boolean", "open and past due"}, {"limit", "integer", ""}, {"offset", "integer", ""}},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				pg, err := httpx.ParsePage(r, nil)
				if err != nil {
					return err
				}
				f := crm.TaskFilter{Limit: pg.Limit, Offset: pg.Offset}
				for name, dst := range map[string]*int64{"owner_id": &f.OwnerID, "team_id": &f.TeamID, "customer_id": &f.CustomerID} {
					if *dst, err = httpx.QueryInt64(r, name); err != nil {
						return err
					}
				}
				if f.Done, err = httpx.QueryBool(r, "done"); err != nil {
					return err
				}
				over, err := httpx.QueryBool(r, "overdue")
				if err != nil {
					return err
				}
				f.Overdue = over != nil && *over
				ts, total, err := m.Svc.Tasks(r.Context(), a, f)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[crm.Task]{Items: ts, Total: total, Limit: pg.Limit, Offset: pg.Offset})
			}},
		{Method: "POST", Path: "/tasks", Summary: "Create a follow-up or return-visit task", Tag: "tasks", Perm: p("customers", "update"),
			Body: crm.TaskInput{}, Resp: crm.Task{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in crm.TaskInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				t, err := m.Svc.CreateTask(r.Context(), a, in)
				if err != nil {
					return err
				}
				return created(w, t)
			}},
		{Method: "GET", Path: "/tasks/due", Summary: "Your open tasks overdue or due within the window (the desktop polls it for reminders)",
			Tag: "tasks", Perm: p("customers", "view"), Query: []Param{{"within", "string", "a duration like 10m (default), 1h; at most 168h"}},
			Resp: crm.DueTasks{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				within := 10 * time.Minute
				if v := r.URL.Query().Get("within"); v != "" {
					d, err := time.ParseDuration(v)
					if err != nil {
						return apperr.Invalid("within", "must be a duration like 10m or 1h")
					}
					within = d
				}
				d, err := m.Svc.Due(r.Context(), a, within)
				if err != nil {
					return err
				}
				return ok(w, d)
			}},
		{Method: "GET", Path: "/tasks/overdue", Summary: "Overdue tasks per agent and per team in your data scope (for leaders)", Tag: "tasks",
			Perm: p("customers", "view"), Resp: crm.Overdue{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				o, err := m.Svc.OverdueSummary(r.Context(), a)
				if err != nil {
					return err
				}
				return ok(w, o)
			}},
		{Method: "GET", Path: "/tasks/{id}", Summary: "Get a task", Tag: "tasks", Perm: p("customers", "view"), Resp: crm.Task{},
			Handle: withID(func(ctx context.Context, a *org.Actor, id int64) (any, error) { return m.Svc.Task(ctx, a, id) })},
		{Method: "PUT", Path: "/tasks/{id}", Summary: "Change an open task (owner, kind, title, due time)", Tag: "tasks",
			Perm: p("customers", "update"), Body: crm.TaskInput{}, Resp: crm.Task{},
			Handle: withBody(func(ctx context.Context, a *org.Actor, id int64, in crm.TaskInput) (any, error) {
				return m.Svc.UpdateTask(ctx, a, id, in)
			})},
		{Method: "POST", Path: "/tasks/{id}/done", Summary: "Complete a task with its result", Tag: "tasks", Perm: p("customers", "update"),
			Body: crm.TaskDone{}, Resp: crm.Task{},
			Handle: withBody(func(ctx context.Context, a *org.Actor, id int64, in crm.TaskDone) (any, error) {
				return m.Svc.CompleteTask(ctx, a, id, in)
			})},
		{Method: "DELETE", Path: "/tasks/{id}", Summary: "Delete a task", Tag: "tasks", Perm: p("customers", "update"), Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := m.Svc.DeleteTask(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},
	}
}

func (m CRMRoutes) importRoutes() []Route {
	p := org.P
	imp := p("customers", "import")
	return []Route{
		{Method: "GET", Path: "/crm/imports", Summary: "Import batches you may see, newest first", Tag: "imports", Perm: imp,
			Query: []Param{{"limit", "integer", ""}, {"offset", "integer", ""}}, Resp: httpx.List[crm.Batch]{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				pg, err := httpx.ParsePage(r, nil)
				if err != nil {
					return err
				}
				bs, total, err := m.Svc.Batches(r.Context(), a, pg.Limit, pg.Offset)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[crm.Batch]{Items: bs, Total: total, Limit: pg.Limit, Offset: pg.Offset})
			}},
		{Method: "POST", Path: "/crm/imports", Summary: "Upload a CSV or XLSX file (the request body, up to 100 MB): returns the batch with a preview and the guessed column mapping",
			Tag: "imports", Perm: imp, Status: 201, Resp: crm.Batch{},
			Query: []Param{{"file_name", "string", "the file's name; .csv or .xlsx decides the format"}, {"name", "string", "the batch's name"}},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				body := http.MaxBytesReader(w, r.Body, crm.MaxUploadBytes+1)
				b, err := m.Svc.Upload(r.Context(), a, crm.UploadInput{Name: r.URL.Query().Get("name"),
					FileName: r.URL.Query().Get("file_name")}, body)
				if err != nil {
					return err
				}
				return created(w, b)
			}},
		{Method: "GET", Path: "/crm/imports/{id}", Summary: "A batch with its progress (poll it while it runs)", Tag: "imports", Perm: imp,
			Resp:   crm.Batch{},
			Handle: withID(func(ctx context.Context, a *org.Actor, id int64) (any, error) { return m.Svc.Batch(ctx, a, id) })},
		{Method: "POST", Path: "/crm/imports/{id}/start", Summary: "Start importing with a column mapping: strict (default) imports nothing if any row is bad, lenient imports the good rows",
			Tag: "imports", Perm: imp, Body: crm.ImportOptions{}, Resp: crm.Batch{}, Status: 202,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in crm.ImportOptions
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				b, err := m.Svc.StartImport(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return reply(w, http.StatusAccepted, b)
			}},
		{Method: "GET", Path: "/crm/imports/{id}/errors", Summary: "The batch's bad rows: line number, field and reason", Tag: "imports",
			Perm: imp, Query: []Param{{"limit", "integer", "1–1000"}, {"offset", "integer", ""}}, Resp: httpx.List[crm.ImportError]{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				pg, err := httpx.ParsePage(r, nil)
				if err != nil {
					return err
				}
				es, total, err := m.Svc.BatchErrors(r.Context(), a, id, pg.Limit, pg.Offset)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[crm.ImportError]{Items: es, Total: total, Limit: pg.Limit, Offset: pg.Offset})
			}},
		{Method: "DELETE", Path: "/crm/imports/{id}", Summary: "Delete a batch and exactly the customers it created (needs customers:delete when it created any)",
			Tag: "imports", Perm: imp, Resp: DeletedBatch{},
			Handle: withID(func(ctx context.Context, a *org.Actor, id int64) (any, error) {
				n, err := m.Svc.DeleteBatch(ctx, a, id)
				return DeletedBatch{Deleted: n}, err
			})},
	}
}

func allocFilter(r *http.Request) (crm.AllocationFilter, error) {
	pg, err := httpx.ParsePage(r, nil)
	if err != nil {
		return crm.AllocationFilter{}, err
	}
	f := crm.AllocationFilter{Action: r.URL.Query().Get("action"), Limit: pg.Limit, Offset: pg.Offset}
	if f.Since, err = timeParam(r, "since"); err != nil {
		return f, err
	}
	if f.Until, err = timeParam(r, "until"); err != nil {
		return f, err
	}
	if f.ActorID, err = httpx.QueryInt64(r, "actor_id"); err != nil {
		return f, err
	}
	f.UserID, err = httpx.QueryInt64(r, "user_id")
	return f, err
}

func (m CRMRoutes) allocationRoutes() []Route {
	p := org.P
	return []Route{
		{Method: "GET", Path: "/crm/allocations", Summary: "The allocation log (分配日志): every move of customers, newest first",
			Tag: "customers", Perm: p("customers", "allocate"), Query: allocQuery, Resp: httpx.List[crm.Allocation]{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				f, err := allocFilter(r)
				if err != nil {
					return err
				}
				ls, total, err := m.Svc.Allocations(r.Context(), a, f)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[crm.Allocation]{Items: ls, Total: total, Limit: f.Limit, Offset: f.Offset})
			}},
		{Method: "GET", Path: "/crm/allocations/export", Summary: "Export the filtered allocation log as CSV or XLSX", Tag: "customers",
			Perm: p("customers", "export"), Query: append([]Param{{"format", "string", "csv or xlsx"}, {"lang", "string", "en or zh-CN"}}, allocQuery...),
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				f, err := allocFilter(r)
				if err != nil {
					return err
				}
				format := exportFormat(r)
				lw := &lazyFile{w: w, format: format, name: "allocations"}
				return lw.finish(m.Svc.ExportAllocations(r.Context(), a, f, format, r.URL.Query().Get("lang"), lw))
			}},
		{Method: "GET", Path: "/crm/quotas", Summary: "Quotas (配额) of the users in your data scope, with what they hold and claimed today",
			Tag: "customers", Perm: p("customers", "allocate"), Resp: []crm.Quota{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				qs, err := m.Svc.Quotas(r.Context(), a)
				if err != nil {
					return err
				}
				return ok(w, nonNilSlice(qs))
			}},
		{Method: "PUT", Path: "/crm/quotas/{user_id}", Summary: "Set a user's quota and daily claim limit (null: the default)", Tag: "customers",
			Perm: p("customers", "allocate"), Body: crm.QuotaInput{}, Resp: crm.Quota{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "user_id")
				if err != nil {
					return err
				}
				var in crm.QuotaInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				q, err := m.Svc.SetQuota(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return ok(w, q)
			}},
	}
}

func (m CRMRoutes) settingsRoutes() []Route {
	p := org.P
	fields := CRUD[crm.Field, crm.FieldInput]{Path: "/crm/fields", Tag: "crm", Noun: "custom field",
		View: p("customers", "view"), Manage: p("settings", "update"),
		List: func(ctx context.Context, a *org.Actor) ([]crm.Field, error) { return m.Svc.Fields(ctx) },
		Get:  func(ctx context.Context, a *org.Actor, id int64) (*crm.Field, error) { return m.Svc.Field(ctx, id) },
		Create: func(ctx context.Context, a *org.Actor, in crm.FieldInput) (*crm.Field, error) {
			return m.Svc.CreateField(ctx, a, in)
		},
		Update: func(ctx context.Context, a *org.Actor, id int64, in crm.FieldInput) (*crm.Field, error) {
			return m.Svc.UpdateField(ctx, a, id, in)
		},
		Delete: func(ctx context.Context, a *org.Actor, id int64) error { return m.Svc.DeleteField(ctx, a, id) },
	}
	rs := []Route{
		{Method: "GET", Path: "/crm/options", Summary: "The configurable lists: customer levels, sources and statuses", Tag: "crm",
			Perm: p("customers", "view"), Resp: crm.Lists{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				l, err := m.Svc.Lists(r.Context())
				if err != nil {
					return err
				}
				return ok(w, l)
			}},
		{Method: "PUT", Path: "/crm/options/{kind}", Summary: "Replace a list (kind: level, source or status)", Tag: "crm",
			Perm: p("settings", "update"), Body: []crm.Option{}, Resp: crm.Lists{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in []crm.Option
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				l, err := m.Svc.SetList(r.Context(), a, r.PathValue("kind"), in)
				if err != nil {
					return err
				}
				return ok(w, l)
			}},
	}
	return append(rs, fields.Routes()...)
}

func exportFormat(r *http.Request) string {
	if f := r.URL.Query().Get("format"); f != "" {
		return f
	}
	return "csv"
}

// lazyFile is an export response: the file headers go out with the first
// byte, so an error found before any row is still a JSON error.
type lazyFile struct {
	w      http.ResponseWriter
	format string
	name   string
	wrote  bool
}

func (l *lazyFile) Write(p []byte) (int, error) {
	if !l.wrote {
		l.wrote = true
		h := l.w.Header()
		ctype := "text/csv; charset=utf-8"
		if l.format == "xlsx" {
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		h.Set("Content-Type", ctype)
		name := fmt.Sprintf("%s-%s.%s", l.name, time.Now().Format("20060102-150405"), l.format)
		h.Set("Content-Disposition", "attachment; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
		h.Set("Cache-Control", "no-store")
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// finish returns err when nothing was sent yet (it becomes a JSON error);
// once the file has started, the error can only be logged.
func (l *lazyFile) finish(err error) error {
	if err != nil && l.wrote {
		slog.Error("export cut short", "file", l.name, "err", err)
		return nil
	}
	return err
}
