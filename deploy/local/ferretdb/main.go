// Command ferretdb runs FerretDB v1 embedded as a library: a MongoDB wire-protocol server on
// SQLite (or PostgreSQL) for local development and tests, where no mongod package exists.
// Building FerretDB's own cmd/ferretdb from the module proxy panics at start (its version
// file is generated, FerretDB issue #2982); the embeddable package does not need that file.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URL (must end with /)")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL for the postgresql handler")
	flag.Parse()

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Handler:       *handler,
		SQLiteURL:     *sqliteURL,
		PostgreSQLURL: *postgresURL,
	})
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *handler == "sqlite" {
		go keepIDIndexes(ctx, sqliteDir(*sqliteURL), time.Second)
	}

	log.Printf("ferretdb listening on %s (%s)", *listen, *handler)
	if err := server.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb: %v", err)
	}
}

// sqliteDir is the folder of a `file:<dir>/` SQLite URL (query parameters dropped).
func sqliteDir(u string) string {
	u = strings.TrimPrefix(u, "file:")
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return u
}
