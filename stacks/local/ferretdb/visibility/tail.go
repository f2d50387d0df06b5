package main

// Reading what FerretDB has committed, straight from its SQLite file.
//
// FerretDB v1 keeps each collection in one SQLite table, one row per document, and answers
// every query from that table: a document is visible to Mongo clients from the moment the
// transaction that inserts its row commits. A reader of the same file in WAL mode sees that
// commit at the same moment, without going through the wire protocol, and without taking
// any lock a writer waits for.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	_ "modernc.org/sqlite"
)

// walIndexHeaderSize is the size of the first copy of the WAL-index header at the start of
// the -shm file (sqlite.org/walformat.html, "The WAL-Index Header"). SQLite rewrites it at
// every commit (its change counter and last frame move) and every WAL restart (new salts).
const walIndexHeaderSize = 48

// document is one newly committed row: its _id and the cdc stamps the profile service wrote.
type document struct {
	ID  string          `json:"id"`
	CDC json.RawMessage `json:"cdc"`
}

type tail struct {
	conn        *sql.Conn
	db          *sql.DB
	table       string
	lastRowID   int64
	dataVersion int64
	// Prepared once: parsing SQL again at every poll would be most of the poll's cost.
	versionStmt *sql.Stmt
	rowsStmt    *sql.Stmt
	// The -shm file mapped read-only, and its header as last seen: see moved.
	shm        []byte
	lastHeader [walIndexHeaderSize]byte
}

// openTail waits (calling wait between looks) until file exists and holds the collection,
// then starts after its last row: only documents committed from then on are reported.
func openTail(ctx context.Context, file, collection string, wait func() bool) (*tail, error) {
	for {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if !wait() {
			return nil, ctx.Err()
		}
	}

	// query_only: this process must never change the lab's data, whatever it runs.
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	t := &tail{conn: conn, db: db}

	for {
		t.table, err = t.tableOf(ctx, collection)
		if err != nil {
			t.close()
			return nil, err
		}
		if t.table != "" {
			break
		}
		if !wait() {
			t.close()
			return nil, ctx.Err()
		}
	}

	// In this order, so that a commit at any moment is either before the starting row or
	// seen as a change by both the header hint and data_version.
	if err := t.mapHeader(file + "-shm"); err != nil {
		t.close()
		return nil, err
	}
	if err := t.prepare(ctx); err != nil {
		t.close()
		return nil, err
	}
	if _, err := t.changed(ctx); err != nil {
		t.close()
		return nil, err
	}
	q := fmt.Sprintf(`SELECT coalesce(max(rowid), 0) FROM %q`, t.table)
	if err := conn.QueryRowContext(ctx, q).Scan(&t.lastRowID); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// mapHeader maps the start of the -shm file, which exists while any connection (this one
// included) has the database open in WAL mode.
func (t *tail) mapHeader(shmFile string) error {
	f, err := os.Open(shmFile)
	if err != nil {
		return err
	}
	defer f.Close()
	t.shm, err = syscall.Mmap(int(f.Fd()), 0, os.Getpagesize(), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("map %s: %w", shmFile, err)
	}
	copy(t.lastHeader[:], t.shm[:walIndexHeaderSize])
	return nil
}

// moved reports whether the WAL-index header changed since the last call: a hint, read from
// shared memory without a system call or a SQLite statement, that a commit may have
// happened. Only data_version decides; the hint just spares asking it a thousand times a
// second when nothing happens.
func (t *tail) moved() bool {
	header := t.shm[:walIndexHeaderSize]
	if bytes.Equal(header, t.lastHeader[:]) {
		return false
	}
	copy(t.lastHeader[:], header)
	return true
}

func (t *tail) prepare(ctx context.Context) error {
	var err error
	if t.versionStmt, err = t.conn.PrepareContext(ctx, `PRAGMA data_version`); err != nil {
		return err
	}
	t.rowsStmt, err = t.conn.PrepareContext(ctx, fmt.Sprintf(
		`SELECT rowid, _ferretdb_sjson->>'$._id', _ferretdb_sjson->'$.cdc' `+
			`FROM %q WHERE rowid > ? ORDER BY rowid`, t.table))
	return err
}

// tableOf returns the table FerretDB keeps the collection in, or "" while it does not exist.
func (t *tail) tableOf(ctx context.Context, collection string) (string, error) {
	var table string
	err := t.conn.QueryRowContext(ctx,
		`SELECT table_name FROM "_ferretdb_collections" WHERE name = ?`, collection).Scan(&table)
	switch {
	case err == nil:
		return table, nil
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case strings.Contains(err.Error(), "no such table"):
		return "", nil // FerretDB is still creating the database
	default:
		return "", err
	}
}

// changed asks SQLite whether any other connection committed since the last call: a
// counter kept in shared memory, so a poll that finds nothing new reads no table page.
func (t *tail) changed(ctx context.Context) (bool, error) {
	var version int64
	if err := t.versionStmt.QueryRowContext(ctx).Scan(&version); err != nil {
		return false, err
	}
	changed := version != t.dataVersion
	t.dataVersion = version
	return changed, nil
}

// next returns the rows inserted since the last call, in insertion (rowid) order. FerretDB's
// tables are plain rowid tables and it never deletes here, so a new row has a higher rowid.
//
// Limitation: only inserts are seen. A document replaced in place keeps its row and is not
// reported again, which is all the replication-lag experiment needs (it awaits new users).
func (t *tail) next(ctx context.Context) ([]document, error) {
	rows, err := t.rowsStmt.QueryContext(ctx, t.lastRowID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var docs []document
	for rows.Next() {
		var rowID int64
		var id, cdc sql.NullString
		if err := rows.Scan(&rowID, &id, &cdc); err != nil {
			return nil, err
		}
		t.lastRowID = rowID
		if !id.Valid {
			continue // an _id that is not a string: not a profile this lab writes
		}
		doc := document{ID: id.String, CDC: json.RawMessage("null")}
		if cdc.Valid && json.Valid([]byte(cdc.String)) {
			doc.CDC = json.RawMessage(cdc.String)
		}
		docs = append(docs, doc)
	}
	return docs, rows.Err()
}

func (t *tail) close() {
	if t.shm != nil {
		_ = syscall.Munmap(t.shm)
	}
	for _, stmt := range []*sql.Stmt{t.versionStmt, t.rowsStmt} {
		if stmt != nil {
			stmt.Close()
		}
	}
	if t.conn != nil {
		t.conn.Close()
	}
	t.db.Close()
}
