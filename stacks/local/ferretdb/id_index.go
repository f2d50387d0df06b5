package main

// FerretDB v1.24's SQLite backend creates each collection's unique _id index on the
// expression _ferretdb_sjson->"_id", while its queries filter on _ferretdb_sjson->'$._id'.
// SQLite cannot match the two, so every lookup or update by _id scans the whole table and
// slows down as the collection grows (measured: about 6 updates/s at 5,500 documents,
// about 110/s with the index below). The launcher adds, for every collection, a plain
// index on the expression the queries use. It changes no data and no FerretDB behaviour.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

const idIndexSuffix = "_authlab_id_path"

type idIndexer struct {
	dir    string
	logger *slog.Logger
	dbs    map[string]*sql.DB
	done   map[string]bool
}

// sqliteDir turns FerretDB's "file:DIR/" URL into DIR.
func sqliteDir(sqliteURL string) (string, error) {
	u, err := url.Parse(sqliteURL)
	if err != nil {
		return "", err
	}
	dir := u.Opaque
	if dir == "" {
		dir = u.Path
	}
	return dir, nil
}

func keepIDIndexes(ctx context.Context, dir string, logger *slog.Logger) {
	ix := &idIndexer{dir: dir, logger: logger, dbs: map[string]*sql.DB{}, done: map[string]bool{}}
	defer ix.close()

	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		ix.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (ix *idIndexer) pass(ctx context.Context) {
	files, _ := filepath.Glob(filepath.Join(ix.dir, "*.sqlite"))
	for _, file := range files {
		if err := ix.indexFile(ctx, file); err != nil && ctx.Err() == nil {
			ix.logger.Warn("cannot add _id path indexes", "file", file, "error", err)
		}
	}
}

func (ix *idIndexer) indexFile(ctx context.Context, file string) error {
	db, ok := ix.dbs[file]
	if !ok {
		var err error
		db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		ix.dbs[file] = db
	}

	rows, err := db.QueryContext(ctx, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database FerretDB is still creating
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()

	for _, table := range tables {
		key := file + "/" + table
		if ix.done[key] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`,
			table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		ix.done[key] = true
		ix.logger.Info("added _id path index", "file", filepath.Base(file), "table", table)
	}
	return nil
}

func (ix *idIndexer) close() {
	for _, db := range ix.dbs {
		_ = db.Close()
	}
}
