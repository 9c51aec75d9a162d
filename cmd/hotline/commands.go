package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/provision"
)

func loadConfig(name string, args []string, getenv func(string) string, extra func(fs interface {
	StringVar(*string, string, string, string)
})) (config.Config, error) {
	c := config.Default()
	fs := c.FlagSet(name, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Finish()
}

func newLogger(c config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := loadConfig("serve", args, getenv, nil)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	log := newLogger(c, stderr)
	slog.SetDefault(log)
	a, err := app.Open(ctx, c, log, stdout)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Serve(ctx)
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := loadConfig("migrate", args, getenv, nil)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, c, newLogger(c, stderr), stdout)
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := a.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s is at schema version %d\n", a.DB.Dialect, v)
	return nil
}

func provisionCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var file string
	c, err := loadConfig("provision", args, getenv, func(fs interface {
		StringVar(*string, string, string, string)
	}) {
		fs.StringVar(&file, "f", "", "YAML file to apply")
	})
	if err != nil {
		return err
	}
	if file == "" {
		return fmt.Errorf("provision: -f FILE is required")
	}
	doc, err := provision.ReadFile(file, getenv)
	if err != nil {
		return err
	}
	c.Demo = false
	a, err := app.Open(ctx, c, newLogger(c, stderr), io.Discard)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Provision(ctx, doc)
	if rep != nil {
		fmt.Fprintf(stdout, "created %d, updated %d, unchanged %d\n", len(rep.Created), len(rep.Updated), len(rep.Unchanged))
		for _, e := range rep.Created {
			fmt.Fprintln(stdout, "  created  ", e)
		}
		for _, e := range rep.Updated {
			fmt.Fprintln(stdout, "  updated  ", e)
		}
	}
	return err
}

func version(w io.Writer) error {
	fmt.Fprintf(w, "hotline %s\n", app.Version)
	return nil
}

func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("user: want list, create or reset-password")
	}
	sub, args := args[0], args[1:]
	var username, name, role, pw, ext string
	c, err := loadConfig("user "+sub, args, getenv, func(fs interface {
		StringVar(*string, string, string, string)
	}) {
		fs.StringVar(&username, "username", "", "login name")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&role, "role", org.RoleAgent, "built-in role key")
		fs.StringVar(&pw, "password", "", "password; empty = random, printed")
		fs.StringVar(&ext, "extension", "", "extension number (agents)")
	})
	if err != nil {
		return err
	}
	c.Demo = false
	a, err := app.Open(ctx, c, newLogger(c, stderr), io.Discard)
	if err != nil {
		return err
	}
	defer a.Close()
	sys := org.System()
	switch sub {
	case "list":
		users, _, err := a.Org.Users(ctx, sys, org.UserQuery{Limit: 1000})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\tNAME\tROLE\tEXTENSION\tACTIVE")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%v\n", u.ID, u.Username, u.DisplayName, u.RoleName, u.Extension, u.Active)
		}
		return tw.Flush()
	case "create":
		if username == "" {
			return fmt.Errorf("user create: -username is required")
		}
		r, err := a.Org.RoleByKey(ctx, role)
		if err != nil {
			return fmt.Errorf("user create: -role %q: want one of admin, supervisor, team_leader, qa, agent", role)
		}
		shown := pw == ""
		if shown {
			pw = password.Random(14)
		}
		if name == "" {
			name = username
		}
		u, err := a.Org.CreateUser(ctx, sys, org.UserInput{Username: username, DisplayName: name, Password: pw, RoleID: r.ID, Extension: ext})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created user %s (id %d, role %s)\n", u.Username, u.ID, strings.TrimSpace(u.RoleName))
		if shown {
			fmt.Fprintf(stdout, "password: %s\n", pw)
		}
		return nil
	case "reset-password":
		cred, err := a.Org.CredentialFor(ctx, username)
		if err != nil {
			return fmt.Errorf("user reset-password: %q: %w", username, err)
		}
		shown := pw == ""
		if shown {
			pw = password.Random(14)
		}
		if err := a.Org.ResetPassword(ctx, sys, cred.UserID, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s reset; the user is unlocked and logged out everywhere\n", cred.Username)
		if shown {
			fmt.Fprintf(stdout, "password: %s\n", pw)
		}
		return nil
	}
	return fmt.Errorf("user: unknown subcommand %q (want list, create or reset-password)", sub)
}
