package api

import (
	"context"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
)

// PBXRoutes are the telephone configuration endpoints: extensions, trunks,
// inbound numbers.
type PBXRoutes struct{ Svc *pbx.Service }

// Routes implements Module.
func (m PBXRoutes) Routes() []Route {
	s := m.Svc
	view, manage := org.P("telephony", "view"), org.P("telephony", "manage")
	var rs []Route
	rs = append(rs, CRUD[pbx.Extension, pbx.ExtensionInput]{
		Path: "/telephony/extensions", Tag: "telephony", Noun: "extension (SIP account)", View: view, Manage: manage,
		List:   func(ctx context.Context, _ *org.Actor) ([]pbx.Extension, error) { return s.Extensions(ctx) },
		Get:    func(ctx context.Context, _ *org.Actor, id int64) (*pbx.Extension, error) { return s.Extension(ctx, id) },
		Create: s.CreateExtension, Update: s.UpdateExtension, Delete: s.DeleteExtension,
	}.Routes()...)
	rs = append(rs, CRUD[pbx.Trunk, pbx.TrunkInput]{
		Path: "/telephony/trunks", Tag: "telephony", Noun: "trunk", View: view, Manage: manage,
		List:   func(ctx context.Context, _ *org.Actor) ([]pbx.Trunk, error) { return s.Trunks(ctx) },
		Get:    func(ctx context.Context, _ *org.Actor, id int64) (*pbx.Trunk, error) { return s.Trunk(ctx, id) },
		Create: s.CreateTrunk, Update: s.UpdateTrunk, Delete: s.DeleteTrunk,
	}.Routes()...)
	rs = append(rs, CRUD[pbx.Number, pbx.NumberInput]{
		Path: "/telephony/numbers", Tag: "telephony", Noun: "inbound number", View: view, Manage: manage,
		List:   func(ctx context.Context, _ *org.Actor) ([]pbx.Number, error) { return s.Numbers(ctx) },
		Get:    func(ctx context.Context, _ *org.Actor, id int64) (*pbx.Number, error) { return s.Number(ctx, id) },
		Create: s.CreateNumber, Update: s.UpdateNumber, Delete: s.DeleteNumber,
	}.Routes()...)
	return rs
}
