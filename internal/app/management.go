package app

import (
	"context"

	"github.com/hotline-cc/hotline/internal/api"
)

// Management holds the services a manager runs the center with: the
// operating metrics and reports, early warning, appraisal, satisfaction
// review and complaints. Each reads calls from calllog and keeps no second
// truth about a call. Every module adds its service here, opens it in
// openManagement, its API in managementRoutes, its pages in managementUI
// and its background loops in runManagement.
type Management struct {
}

// openManagement builds the management services (after the call floor's,
// before the API and UI that serve them).
func (a *App) openManagement(ctx context.Context) error {
	return nil
}

// managementRoutes are the management modules' API routes.
func (a *App) managementRoutes() []api.Module {
	return nil
}

// managementUI adds the management modules' pages.
func (a *App) managementUI() error {
	return nil
}

// runManagement starts the management modules' background loops; they end
// with ctx.
func (a *App) runManagement(ctx context.Context) {
}
