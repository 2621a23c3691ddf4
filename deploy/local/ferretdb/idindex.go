package main

// FerretDB 1.24 pushes an exact `{_id: ...}` filter down to SQLite as
// `WHERE _ferretdb_sjson->'$._id' = ?`, but creates its `_id_` index on
// `_ferretdb_sjson->"_id"`: SQLite matches index expressions by their text, so the index is
// never used and every `_id` lookup, update and delete reads the whole table (measured: an
// `{_id}` update at 2,000 documents 23 ms, 2 ms with a matching index). This keeper adds, for
// every collection table, an index on exactly the pushed-down expression. It is invisible to
// clients (FerretDB lists indexes from its own metadata) and goes with the table when a
// collection is dropped. Tables appear when a collection is first written, so it looks again
// every `every`; until then a new collection is merely unindexed, as before.

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses (already linked in)
)

const idIndexSuffix = "_lumbung_id"

// keepIDIndexes adds the missing `_id` indexes under dir until ctx ends.
func keepIDIndexes(ctx context.Context, dir string, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		if err != nil {
			log.Printf("id index keeper: %v", err)
		}
		for _, file := range files {
			if err := indexFile(ctx, file); err != nil && ctx.Err() == nil {
				log.Printf("id index keeper: %s: %v", filepath.Base(file), err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// indexFile opens one database file without creating it (a dropped database must stay gone),
// adds what is missing and closes it again (a handle kept open would outlive a drop).
func indexFile(ctx context.Context, file string) error {
	uri := "file:" + (&url.URL{Path: file}).EscapedPath() + "?mode=rw&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return err
	}
	defer db.Close()

	missing, err := tablesWithoutIDIndex(ctx, db)
	if err != nil {
		return err
	}
	for _, table := range missing {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`,
			table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return err
		}
	}
	return nil
}

func tablesWithoutIDIndex(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table' AND t.name NOT LIKE '\_ferretdb\_%' ESCAPE '\'
		  AND t.name NOT LIKE 'sqlite\_%' ESCAPE '\'
		  AND NOT EXISTS (SELECT 1 FROM sqlite_master i
		                  WHERE i.type = 'index' AND i.name = t.name || ?)`, idIndexSuffix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		tables = append(tables, name)
	}
	return tables, rows.Err()
}
