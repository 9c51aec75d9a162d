package ivr

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantErr(t *testing.T, err error, kind apperr.Kind, codeOrField string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Kind != kind || (e.Field != codeOrField && e.Code != codeOrField) {
		t.Fatalf("got error %v (%+v), want kind %d with field or code %q", err, e, kind, codeOrField)
	}
}

// seedPrompts stores TTS prompts with the given names (the test flows use
// stored prompts).
func seedPrompts(t *testing.T, db *store.DB, names ...string) {
	t.Helper()
	for _, n := range names {
		must[*StoredPrompt](t)(NewPromptStore(db).Create(context.Background(), PromptInput{Name: n, Kind: PromptTTS, Language: "en", Text: n}))
	}
}

func TestFlowStoreCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fs := NewFlowStore(db)
		seedPrompts(t, db, "m", "inv", "to")
		demo := DemoFlow()
		created := must[*StoredFlow](t)(fs.Create(ctx, demo, "admin"))
		if created.ID == 0 || created.Version != 1 || created.UpdatedBy != "admin" || created.CreatedAt.IsZero() {
			t.Fatalf("created %+v", created)
		}
		got := must[*StoredFlow](t)(fs.GetByName(ctx, "main"))
		if !reflect.DeepEqual(&got.Flow, demo) {
			t.Fatalf("stored flow differs:\n got %+v\nwant %+v", got.Flow, *demo)
		}
		if _, err := fs.Create(ctx, DemoFlow(), "admin"); true {
			wantErr(t, err, apperr.KindConflict, "name")
		}
		_, err := fs.Get(ctx, created.ID+100)
		wantErr(t, err, apperr.KindNotFound, "not_found")

		other := menuFlow()
		other.Name, other.Description = "after_hours", "夜间"
		other.Nodes["orphan"] = queue("x")
		sf := must[*StoredFlow](t)(fs.Create(ctx, other, "admin"))
		if len(sf.Warnings) != 1 || sf.Warnings[0].Path != "nodes.orphan" {
			t.Fatalf("warnings %v", sf.Warnings)
		}
		list := must[[]StoredFlow](t)(fs.List(ctx))
		if len(list) != 2 || list[0].Name != "after_hours" || list[1].Name != "main" || list[0].Description != "夜间" {
			t.Fatalf("list %+v", list)
		}

		// Optimistic locking.
		edit := DemoFlow()
		edit.Description = "edited"
		v2 := must[*StoredFlow](t)(fs.Update(ctx, created.ID, 1, edit, "alice"))
		if v2.Version != 2 || v2.Description != "edited" || v2.UpdatedBy != "alice" {
			t.Fatalf("update %+v", v2)
		}
		_, err = fs.Update(ctx, created.ID, 1, DemoFlow(), "bob")
		wantErr(t, err, apperr.KindConflict, "version_conflict")
		_, err = fs.Update(ctx, created.ID+100, 1, DemoFlow(), "bob")
		wantErr(t, err, apperr.KindNotFound, "not_found")
		edit.Name = "after_hours"
		_, err = fs.Update(ctx, created.ID, 2, edit, "bob")
		wantErr(t, err, apperr.KindConflict, "name")
		bad := DemoFlow()
		bad.Nodes["menu"].Choices["3"] = "sales2"
		_, err = fs.Update(ctx, created.ID, 2, bad, "bob")
		wantErr(t, err, apperr.KindInvalid, "nodes.menu.choices.3")
		_, err = fs.Create(ctx, &Flow{Name: "x"}, "bob")
		wantErr(t, err, apperr.KindInvalid, "nodes")

		if err := fs.Delete(ctx, sf.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, fs.Delete(ctx, sf.ID), apperr.KindNotFound, "not_found")
	})
}

func TestFlowStoreGotoFlowReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fs := NewFlowStore(db)
		seedPrompts(t, db, "m", "inv", "to")
		main := newFlow("main", "g", map[string]*Node{"g": {Type: TypeGotoFlow, Flow: "billing"}})
		_, err := fs.Create(ctx, main, "admin")
		wantErr(t, err, apperr.KindInvalid, "nodes.g.flow")
		if !errors.Is(err, ErrInvalid) || err.Error() != `flow "main": nodes.g.flow: unknown flow "billing"` {
			t.Fatalf("error %v", err)
		}
		billing := menuFlow()
		billing.Name = "billing"
		b := must[*StoredFlow](t)(fs.Create(ctx, billing, "admin"))
		m := must[*StoredFlow](t)(fs.Create(ctx, main, "admin"))

		err = fs.Delete(ctx, b.ID)
		wantErr(t, err, apperr.KindConflict, "in_use")
		if err.Error() != `flow "billing" cannot be deleted: goto_flow in "main" refers to it` {
			t.Fatalf("message %v", err)
		}
		// The foreign key refuses it too, should the check above be raced.
		_, err = db.ExecContext(ctx, `DELETE FROM ivr_flows WHERE id = $1`, b.ID)
		if !errors.Is(store.Classify(err), store.ErrForeignKey) {
			t.Fatalf("raw delete of a referenced flow: %v", err)
		}
		renamed := menuFlow()
		renamed.Name = "billing2"
		_, err = fs.Update(ctx, b.ID, b.Version, renamed, "admin")
		wantErr(t, err, apperr.KindConflict, "in_use")
		// The refused rename left the flow as it was.
		if got := must[*StoredFlow](t)(fs.Get(ctx, b.ID)); got.Name != "billing" || got.Version != 1 {
			t.Fatalf("after refused rename: %s v%d", got.Name, got.Version)
		}
		// Resolving for goto_flow at call time.
		f, err := fs.ResolveFlow(ctx, "billing")
		if err != nil || f.Start != "m" {
			t.Fatalf("ResolveFlow: %v %v", f, err)
		}
		if _, err := fs.ResolveFlow(ctx, "nosuch"); !errors.Is(err, ErrFlowNotFound) {
			t.Fatalf("ResolveFlow(nosuch): %v", err)
		}
		// Once main stops referring to billing, billing may go.
		main.Nodes["g"].Flow = "main"
		main.Nodes["g"] = &Node{Type: TypeMenu, Prompt: stored("m"), Choices: map[string]string{"1": "h"}, OnFail: "h"}
		main.Nodes["h"] = &Node{Type: TypeGotoFlow, Flow: "main"} // itself: no reference row
		must[*StoredFlow](t)(fs.Update(ctx, m.ID, m.Version, main, "admin"))
		if err := fs.Delete(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := fs.Delete(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFlowStoreConcurrentUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fs := NewFlowStore(db)
		sf := must[*StoredFlow](t)(fs.Create(ctx, DemoFlow(), "admin"))
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				f := DemoFlow()
				f.Description = "writer"
				_, errs[i] = fs.Update(ctx, sf.ID, sf.Version, f, "w")
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if e := apperr.As(err); e == nil || e.Code != "version_conflict" {
				t.Fatalf("unexpected error %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of %d writers of the same version succeeded, want 1", ok, n)
		}
		if got := must[*StoredFlow](t)(fs.Get(ctx, sf.ID)); got.Version != 2 {
			t.Fatalf("version %d, want 2", got.Version)
		}
	})
}

func TestPromptStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ps, fs := NewPromptStore(db), NewFlowStore(db)
		seedPrompts(t, db, "inv")
		welcome := must[*StoredPrompt](t)(ps.Create(ctx, PromptInput{Name: " welcome ", Kind: PromptTTS, Language: "zh-CN", Text: "欢迎致电"}))
		if welcome.Name != "welcome" || welcome.ID == 0 {
			t.Fatalf("created %+v", welcome)
		}
		music := must[*StoredPrompt](t)(ps.Create(ctx, PromptInput{Name: "hold", Kind: PromptUpload,
			File: "prompts/hold.wav", DurationMS: 1500, Size: 24044}))
		if got := must[*StoredPrompt](t)(ps.GetByName(ctx, "hold")); got.PromptInput != music.PromptInput {
			t.Fatalf("got %+v", got)
		}
		_, err := ps.Create(ctx, PromptInput{Name: "welcome", Kind: PromptTTS, Language: "en", Text: "hi"})
		wantErr(t, err, apperr.KindConflict, "name")
		for field, in := range map[string]PromptInput{
			"name":     {Name: "", Kind: PromptTTS, Language: "en", Text: "x"},
			"kind":     {Name: "a", Kind: "mp3"},
			"file":     {Name: "a", Kind: PromptUpload, File: "../../etc/passwd.wav"},
			"language": {Name: "a", Kind: PromptTTS, Text: "x"},
			"text":     {Name: "a", Kind: PromptTTS, Language: "en"},
		} {
			_, err := ps.Create(ctx, in)
			wantErr(t, err, apperr.KindInvalid, field)
		}
		if _, err := ps.Create(ctx, PromptInput{Name: "abs", Kind: PromptUpload, File: "/etc/x.wav"}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("absolute path accepted: %v", err)
		}

		// A flow using "welcome" and an unknown prompt is refused with paths.
		f := menuFlow()
		f.Nodes["m"].Prompt = stored("welcome", "nosuch")
		f.Nodes["m"].TimeoutPrompt = stored("hold")
		_, err = fs.Create(ctx, f, "admin")
		wantErr(t, err, apperr.KindInvalid, "nodes.m.prompt.1")
		f.Nodes["m"].Prompt = stored("welcome")
		sf := must[*StoredFlow](t)(fs.Create(ctx, f, "admin"))

		err = ps.Delete(ctx, welcome.ID)
		wantErr(t, err, apperr.KindConflict, "in_use")
		_, err = ps.Update(ctx, welcome.ID, PromptInput{Name: "hello", Kind: PromptTTS, Language: "zh-CN", Text: "欢迎"})
		wantErr(t, err, apperr.KindConflict, "in_use")
		up := must[*StoredPrompt](t)(ps.Update(ctx, welcome.ID, PromptInput{Name: "welcome", Kind: PromptTTS, Language: "zh-CN", Text: "您好"}))
		if up.Text != "您好" {
			t.Fatalf("update %+v", up)
		}
		if list := must[[]StoredPrompt](t)(ps.List(ctx)); len(list) != 3 || list[0].Name != "hold" {
			t.Fatalf("list %+v", list)
		}
		if err := fs.Delete(ctx, sf.ID); err != nil {
			t.Fatal(err)
		}
		if err := ps.Delete(ctx, welcome.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, ps.Delete(ctx, welcome.ID), apperr.KindNotFound, "not_found")
	})
}
