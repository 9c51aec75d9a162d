// Package storetest gives store tests a fresh, migrated database of each
// dialect: SQLite always, PostgreSQL when HOTLINE_TEST_POSTGRES_URL is set
// (a new database per call, dropped afterwards). In CI PostgreSQL is required.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// PostgresEnv names the variable holding the PostgreSQL server for tests.
const PostgresEnv = "HOTLINE_TEST_POSTGRES_URL"

// Each runs fn as a subtest once per dialect, with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// Postgres returns a migrated database created for this test on the server
// named by HOTLINE_TEST_POSTGRES_URL; it is dropped when the test ends.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// URLs returns, per dialect, the URL of a fresh empty database for tests
// that start a whole server: SQLite always, PostgreSQL when configured.
func URLs(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "test.db") },
		"postgres": func(t *testing.T) string { return PostgresURL(t) },
	}
}

// PostgresURL creates an empty database for this test on the server named by
// HOTLINE_TEST_POSTGRES_URL and returns its URL; it is dropped (with any
// connections still open) when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := testenv.Env(t, PostgresEnv, "a PostgreSQL server for the store tests, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "hotline_test_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		testenv.Missing(t, "PostgreSQL at "+PostgresEnv+" refused CREATE DATABASE: "+err.Error())
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	t.Cleanup(func() {
		drop, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer drop.Close()
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := drop.ExecContext(c, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
