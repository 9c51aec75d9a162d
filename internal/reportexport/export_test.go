package reportexport

import (
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// The fixture and read-back checks, for the API tests of package
// reportexport_test (which start a whole app, and app imports this
// package).
type Fixture = fixture

var (
	NewFixture = newFixture
	CheckXLSX  = checkXLSX
	CheckCSV   = checkCSV
	// ServicePhases runs the service's tests on the fixture's database.
	ServicePhases = servicePhases
)

// Actor returns a fixture user's actor.
func (f *fixture) Actor(name string) *org.Actor { return f.actors[name] }

// Month is the query of March 2026 by day.
func (f *fixture) Month(g report.GroupBy) report.Query { return f.month(g) }
