package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// User is a person who logs in: an agent, a team leader, an admin...
// Agents carry an extension (their SIP account number). Hire and leave dates
// feed the turnover metric.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Email        string    `json:"email,omitempty"`
	Phone        string    `json:"phone,omitempty"`
	RoleID       int64     `json:"role_id"`
	RoleName     string    `json:"role_name"`
	DepartmentID int64     `json:"department_id,omitempty"`
	TeamID       int64     `json:"team_id,omitempty"`
	Extension    string    `json:"extension,omitempty"`
	HireDate     string    `json:"hire_date,omitempty"`
	LeaveDate    string    `json:"leave_date,omitempty"`
	Active       bool      `json:"active"`
	Locale       string    `json:"locale,omitempty"`
	LockedUntil  time.Time `json:"locked_until,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// UserInput creates a user.
type UserInput struct {
	Username     string `json:"username"`
	DisplayName  string `json:"display_name"`
	Password     string `json:"password"`
	Email        string `json:"email,omitempty"`
	Phone        string `json:"phone,omitempty"`
	RoleID       int64  `json:"role_id"`
	DepartmentID int64  `json:"department_id,omitempty"`
	TeamID       int64  `json:"team_id,omitempty"`
	Extension    string `json:"extension,omitempty"`
	HireDate     string `json:"hire_date,omitempty"`
	LeaveDate    string `json:"leave_date,omitempty"`
	Locale       string `json:"locale,omitempty"`
}

// UserPatch changes some fields of a user; nil fields stay as they are.
type UserPatch struct {
	DisplayName  *string `json:"display_name,omitempty"`
	Email        *string `json:"email,omitempty"`
	Phone        *string `json:"phone,omitempty"`
	RoleID       *int64  `json:"role_id,omitempty"`
	DepartmentID *int64  `json:"department_id,omitempty"`
	TeamID       *int64  `json:"team_id,omitempty"`
	Extension    *string `json:"extension,omitempty"`
	HireDate     *string `json:"hire_date,omitempty"`
	LeaveDate    *string `json:"leave_date,omitempty"`
	Active       *bool   `json:"active,omitempty"`
	Locale       *string `json:"locale,omitempty"`
}

// UserColumns are the scope columns of the users table as aliased "u".
var UserColumns = Columns{Owner: "u.id", Team: "u.team_id", Department: "u.department_id"}

const userCols = `u.id, u.username, u.display_name, u.email, u.phone, u.role_id, r.name,
	COALESCE(u.department_id, 0), COALESCE(u.team_id, 0), COALESCE(u.extension, ''),
	COALESCE(u.hire_date, ''), COALESCE(u.leave_date, ''), u.active, u.locale, u.locked_until,
	u.created_at, u.updated_at`

const userFrom = ` FROM users u JOIN roles r ON r.id = u.role_id`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var locked, c, up int64
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Phone, &u.RoleID, &u.RoleName,
		&u.DepartmentID, &u.TeamID, &u.Extension, &u.HireDate, &u.LeaveDate, &u.Active, &u.Locale, &locked, &c, &up)
	if err != nil {
		return nil, err
	}
	u.LockedUntil, u.CreatedAt, u.UpdatedAt = store.Time(locked), store.Time(c), store.Time(up)
	return &u, nil
}

func (s *Service) getUser(ctx context.Context, q store.Querier, id int64) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+userFrom+` WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("org: get user: %w", err)
	}
	return u, nil
}

// User returns a user the actor's scope covers; others are "not found" so
// that IDs cannot be probed.
func (s *Service) User(ctx context.Context, a *Actor, id int64) (*User, error) {
	var args store.Args
	q := `SELECT ` + userCols + userFrom + ` WHERE u.id = ` + args.Add(id) + ` AND ` + a.Scope.Filter(UserColumns, &args)
	u, err := scanUser(s.DB.QueryRowContext(ctx, q, args.Values()...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("org: get user: %w", err)
	}
	return u, nil
}

// UserQuery filters, sorts and pages a user list.
type UserQuery struct {
	Search       string // username, display name, extension
	DepartmentID int64
	TeamID       int64
	RoleID       int64
	Active       *bool
	Sort         string // username, display_name, extension, created_at, hire_date
	Desc         bool
	Limit        int
	Offset       int
}

var userSorts = map[string]string{
	"id": "u.id", "username": "u.username", "display_name": "u.display_name", "extension": "u.extension",
	"created_at": "u.created_at", "hire_date": "u.hire_date",
}

// UserSortKeys lists the accepted sort keys.
func UserSortKeys() []string {
	return []string{"id", "username", "display_name", "extension", "created_at", "hire_date"}
}

// Users lists the users in the actor's scope and the total count.
func (s *Service) Users(ctx context.Context, a *Actor, f UserQuery) ([]User, int, error) {
	var args store.Args
	where := a.Scope.Filter(UserColumns, &args)
	if f.Search != "" {
		like := "%" + strings.ToLower(f.Search) + "%"
		p := args.Add(like)
		where += ` AND (lower(u.username) LIKE ` + p + ` OR lower(u.display_name) LIKE ` + p + ` OR u.extension LIKE ` + p + `)`
	}
	if f.DepartmentID != 0 {
		where += " AND u.department_id = " + args.Add(f.DepartmentID)
	}
	if f.TeamID != 0 {
		where += " AND u.team_id = " + args.Add(f.TeamID)
	}
	if f.RoleID != 0 {
		where += " AND u.role_id = " + args.Add(f.RoleID)
	}
	if f.Active != nil {
		where += " AND u.active = " + args.Add(*f.Active)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*)`+userFrom+` WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("org: count users: %w", err)
	}
	order, ok := userSorts[f.Sort]
	if !ok {
		order = "u.id"
	}
	if f.Desc {
		order += " DESC"
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	q := `SELECT ` + userCols + userFrom + ` WHERE ` + where + ` ORDER BY ` + order + `, u.id LIMIT ` + args.Add(f.Limit) + ` OFFSET ` + args.Add(f.Offset)
	rows, err := s.DB.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("org: list users: %w", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *u)
	}
	return out, total, rows.Err()
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$`)

// CheckPassword enforces the password policy.
func CheckPassword(field, pw string) error {
	if len([]rune(pw)) < 8 {
		return apperr.Invalid(field, "must be at least 8 characters")
	}
	if len(pw) > 128 {
		return apperr.Invalid(field, "must be at most 128 bytes")
	}
	return nil
}

// checkUserFields validates the fields shared by create and update, and the
// references (role, department, team) within q.
func (s *Service) checkUserFields(ctx context.Context, q store.Querier, a *Actor, u *User) error {
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.Email = strings.TrimSpace(u.Email)
	checks := []error{
		valid.Text("display_name", u.DisplayName, 1, 100),
		valid.Email("email", u.Email),
		valid.Phone("phone", u.Phone),
		valid.Digits("extension", u.Extension, 2, 10),
		valid.Date("hire_date", u.HireDate),
		valid.Date("leave_date", u.LeaveDate),
		valid.OneOf("locale", u.Locale, "", "en", "zh-CN"),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if u.HireDate != "" && u.LeaveDate != "" && u.LeaveDate < u.HireDate {
		return apperr.Invalid("leave_date", "is before hire_date")
	}
	if u.RoleID == 0 {
		return apperr.Invalid("role_id", "is required")
	}
	r, err := s.getRole(ctx, q, u.RoleID)
	if err != nil {
		return apperr.Invalid("role_id", "role %d does not exist", u.RoleID)
	}
	u.RoleName = r.Name
	if u.DepartmentID != 0 {
		if _, err := s.getDepartment(ctx, q, u.DepartmentID); err != nil {
			return apperr.Invalid("department_id", "department %d does not exist", u.DepartmentID)
		}
	}
	if u.TeamID != 0 {
		t, err := s.getTeam(ctx, q, u.TeamID)
		if err != nil {
			return apperr.Invalid("team_id", "team %d does not exist", u.TeamID)
		}
		if u.DepartmentID == 0 {
			u.DepartmentID = t.DepartmentID
		} else if t.DepartmentID != u.DepartmentID {
			return apperr.Invalid("team_id", "team %q belongs to another department", t.Name)
		}
	}
	if !a.Scope.Allows(u.ID, u.TeamID, u.DepartmentID) {
		return apperr.Forbidden("the user would be outside your data scope")
	}
	return nil
}

// CreateUser adds a user with an initial password.
func (s *Service) CreateUser(ctx context.Context, a *Actor, in UserInput) (*User, error) {
	in.Username = strings.TrimSpace(in.Username)
	if !usernameRE.MatchString(in.Username) {
		return nil, apperr.Invalid("username", "must be 2–64 letters, digits or . _ @ - and start with a letter or digit")
	}
	if err := CheckPassword("password", in.Password); err != nil {
		return nil, err
	}
	u := &User{Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, Phone: in.Phone,
		RoleID: in.RoleID, DepartmentID: in.DepartmentID, TeamID: in.TeamID, Extension: in.Extension,
		HireDate: in.HireDate, LeaveDate: in.LeaveDate, Active: true, Locale: in.Locale}
	hash, err := s.Hasher.Hash(in.Password)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkUserFields(ctx, tx, a, u); err != nil {
			return err
		}
		if err := s.checkAssign(ctx, tx, a, u.RoleID); err != nil {
			return err
		}
		if err := taken(ctx, tx, "username", "lower(username) = lower($1)", u.Username, 0); err != nil {
			return err
		}
		if err := taken(ctx, tx, "extension", "extension = $1", u.Extension, 0); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, email, phone, password_hash, role_id,
			department_id, team_id, extension, hire_date, leave_date, active, locale, password_changed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12, $13, $13, $13) RETURNING id`,
			u.Username, u.DisplayName, u.Email, u.Phone, hash, u.RoleID, store.NullID(u.DepartmentID), store.NullID(u.TeamID),
			store.NullString(u.Extension), store.NullString(u.HireDate), store.NullString(u.LeaveDate), u.Locale, now).Scan(&id)
		if err := userWriteErr(err); err != nil {
			return err
		}
		if u, err = s.getUser(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "users", id, "user "+u.Username, nil, u)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.user", "user.created", u)
	return u, nil
}

func (s *Service) checkAssign(ctx context.Context, q store.Querier, a *Actor, roleID int64) error {
	r, err := s.getRole(ctx, q, roleID)
	if err != nil {
		return apperr.Invalid("role_id", "role %d does not exist", roleID)
	}
	return canAssign(a, r)
}

// UpdateUser applies a patch to a user in the actor's scope.
func (s *Service) UpdateUser(ctx context.Context, a *Actor, id int64, p UserPatch) (*User, error) {
	var after *User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.scopedUser(ctx, tx, a, id)
		if err != nil {
			return err
		}
		u := *before
		applyPatch(&u, p)
		if err := s.checkUserFields(ctx, tx, a, &u); err != nil {
			return err
		}
		if u.RoleID != before.RoleID {
			if err := s.checkAssign(ctx, tx, a, u.RoleID); err != nil {
				return err
			}
		}
		if err := s.keepAnAdmin(ctx, tx, before, &u); err != nil {
			return err
		}
		if err := taken(ctx, tx, "extension", "extension = $1", u.Extension, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET display_name = $1, email = $2, phone = $3, role_id = $4,
			department_id = $5, team_id = $6, extension = $7, hire_date = $8, leave_date = $9, active = $10, locale = $11,
			updated_at = $12 WHERE id = $13`,
			u.DisplayName, u.Email, u.Phone, u.RoleID, store.NullID(u.DepartmentID), store.NullID(u.TeamID),
			store.NullString(u.Extension), store.NullString(u.HireDate), store.NullString(u.LeaveDate), u.Active, u.Locale,
			s.now().UnixMilli(), id)
		if err := userWriteErr(err); err != nil {
			return err
		}
		if !u.Active && before.Active {
			if err := revokeLogins(ctx, tx, id); err != nil {
				return err
			}
		}
		if after, err = s.getUser(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "users", id, "user "+after.Username, before, after)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.user", "user.updated", after)
	return after, nil
}

func applyPatch(u *User, p UserPatch) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&u.DisplayName, p.DisplayName)
	set(&u.Email, p.Email)
	set(&u.Phone, p.Phone)
	set(&u.Extension, p.Extension)
	set(&u.HireDate, p.HireDate)
	set(&u.LeaveDate, p.LeaveDate)
	set(&u.Locale, p.Locale)
	if p.RoleID != nil {
		u.RoleID = *p.RoleID
	}
	if p.DepartmentID != nil {
		u.DepartmentID = *p.DepartmentID
		if p.TeamID == nil && u.TeamID != 0 {
			u.TeamID = 0 // a move to another department leaves the old team
		}
	}
	if p.TeamID != nil {
		u.TeamID = *p.TeamID
	}
	if p.Active != nil {
		u.Active = *p.Active
	}
}

// DeactivateUser is what deleting a user means: history (calls, customers,
// audit) keeps pointing at them, but they can no longer log in. The leave
// date is set to today when empty (the turnover metric counts it).
func (s *Service) DeactivateUser(ctx context.Context, a *Actor, id int64) (*User, error) {
	if id == a.UserID {
		return nil, apperr.Conflict("self", "you cannot deactivate yourself")
	}
	inactive := false
	p := UserPatch{Active: &inactive}
	cur, err := s.User(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if cur.LeaveDate == "" {
		today := s.now().Format(time.DateOnly)
		p.LeaveDate = &today
	}
	return s.UpdateUser(ctx, a, id, p)
}

func (s *Service) scopedUser(ctx context.Context, q store.Querier, a *Actor, id int64) (*User, error) {
	u, err := s.getUser(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !a.Scope.Allows(u.ID, u.TeamID, u.DepartmentID) {
		return nil, apperr.NotFound("user")
	}
	return u, nil
}

// keepAnAdmin refuses a change that would leave no active administrator.
func (s *Service) keepAnAdmin(ctx context.Context, q store.Querier, before, after *User) error {
	wasAdmin, err := s.isAdminRole(ctx, q, before.RoleID)
	if err != nil || !wasAdmin || !before.Active {
		return err
	}
	stillAdmin, err := s.isAdminRole(ctx, q, after.RoleID)
	if err != nil || (stillAdmin && after.Active) {
		return err
	}
	var n int
	err = q.QueryRowContext(ctx, `SELECT count(*) FROM users u JOIN roles r ON r.id = u.role_id
		WHERE r.builtin = 'admin' AND u.active = TRUE AND u.id <> $1`, before.ID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.Conflict("last_admin", "%s is the last active administrator", before.Username)
	}
	return nil
}

func (s *Service) isAdminRole(ctx context.Context, q store.Querier, roleID int64) (bool, error) {
	var b string
	err := q.QueryRowContext(ctx, `SELECT COALESCE(builtin, '') FROM roles WHERE id = $1`, roleID).Scan(&b)
	return b == RoleAdmin, err
}

// taken reports a Duplicate error on field when another user (not except)
// matches cond; the unique indexes stay as the last line of defence against
// races, this gives the caller the field name.
func taken(ctx context.Context, q store.Querier, field, cond, value string, except int64) error {
	if value == "" {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE `+cond+` AND id <> $2`, value, except).Scan(&n); err != nil {
		return fmt.Errorf("org: check %s: %w", field, err)
	}
	if n > 0 {
		return apperr.Duplicate(field, "%q is already taken by another user", value)
	}
	return nil
}

func userWriteErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(store.Classify(err), store.ErrConflict) {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "extension"):
			return apperr.Duplicate("extension", "the extension is already assigned to another user")
		default:
			return apperr.Duplicate("username", "the username is taken")
		}
	}
	return fmt.Errorf("org: write user: %w", err)
}

func revokeLogins(ctx context.Context, tx *sql.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("org: revoke sessions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at = 0`,
		time.Now().UnixMilli(), userID); err != nil {
		return fmt.Errorf("org: revoke tokens: %w", err)
	}
	return nil
}
