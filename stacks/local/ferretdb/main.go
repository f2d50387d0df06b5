// Command authlab-ferretdb runs FerretDB v1 (MongoDB wire protocol) with its
// SQLite backend for the local runtime.
//
// Why a launcher instead of FerretDB's own command: the release's command reads
// its version from a file that its release tooling writes, which a module
// download lacks, so `go install` of that command panics at start. The
// embeddable package is the same server without that step.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "host:port to listen on (loopback only)")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URL, ending with a slash")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "authlab-ferretdb: bad --log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "authlab-ferretdb: cannot configure FerretDB: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	logger.Info("listening", "addr", *listen, "sqlite", *sqliteURL)

	if dir, err := sqliteDir(*sqliteURL); err == nil {
		go keepIDIndexes(ctx, dir, logger)
	} else {
		logger.Warn("cannot read the SQLite folder from --sqlite-url; no _id path indexes", "error", err)
	}

	if err := server.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "authlab-ferretdb: %v\n", err)
		os.Exit(1)
	}
}
