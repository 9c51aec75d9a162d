// Command hotline is the Hotline call center server.
//
//	hotline serve                 run the server (the default)
//	hotline migrate               apply database migrations and exit
//	hotline user list|create|reset-password
//	hotline provision -f FILE     apply a YAML call-center description
//	hotline simulate              generate realistic traffic into the event log
//	hotline version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "hotline:", err)
		os.Exit(1)
	}
}

// run dispatches the subcommand in args.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, args, getenv, stdout, stderr)
	case "provision":
		return provisionCmd(ctx, args, getenv, stdout, stderr)
	case "simulate":
		return simulateCmd(ctx, args, getenv, stdout, stderr)
	case "version":
		return version(stdout)
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", cmd)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: hotline [command] [flags]

Commands:
  serve            run the server (default); first start creates the admin and the demo
  migrate          apply database migrations and exit
  user list        list users
  user create      create a user: -username -name -role (admin|supervisor|team_leader|qa|agent) -password -extension
  user reset-password -username NAME [-password PW]
  provision -f FILE  apply a YAML description (users, extensions, trunks, queues,
                   IVR flows, numbers); idempotent. Example: examples/demo.yaml
  simulate         generate realistic traffic into the event log (-days, -calls-per-day,
                   -agents, -seed; docs/simulate.md) and bring the reports up to date
  version          print the version

Every command takes the configuration flags; run "hotline serve -h" to list
them. Each flag also has an environment variable (see docs/configuration.md).
`)
}
