package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// AgentInfo is what the call layer needs of the user behind an extension.
type AgentInfo struct {
	UserID       int64  `json:"user_id"`
	Username     string `json:"username"`
	Name         string `json:"name"`
	Extension    string `json:"extension"`
	TeamID       int64  `json:"team_id,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
}

const agentCols = `id, username, display_name, COALESCE(extension, ''), COALESCE(team_id, 0), COALESCE(department_id, 0)`

func scanAgent(row *sql.Row) (*AgentInfo, error) {
	var a AgentInfo
	err := row.Scan(&a.UserID, &a.Username, &a.Name, &a.Extension, &a.TeamID, &a.DepartmentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("agent")
	}
	if err != nil {
		return nil, fmt.Errorf("org: agent: %w", err)
	}
	return &a, nil
}

// AgentByExtension returns the active user whose extension is ext.
func (s *Service) AgentByExtension(ctx context.Context, ext string) (*AgentInfo, error) {
	return scanAgent(s.DB.QueryRowContext(ctx, `SELECT `+agentCols+` FROM users WHERE extension = $1 AND active = TRUE`, ext))
}

// Agent returns the agent view of user id.
func (s *Service) Agent(ctx context.Context, id int64) (*AgentInfo, error) {
	return scanAgent(s.DB.QueryRowContext(ctx, `SELECT `+agentCols+` FROM users WHERE id = $1`, id))
}
