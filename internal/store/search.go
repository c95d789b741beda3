package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"iordesk/internal/search"
)

// Full-text search (docs/DESIGN.md, "Full-text search"): every enquiry has
// a search document — its words as internal/search tokenizes them — in
// enquiry_search. A staff note or an erasure rewrites it in its own
// transaction. The intake only records that it owes one (search_backlog),
// and the next search, or the indexer a second later, writes the owed
// documents a batch at a time: FTS4 pays for every transaction it writes
// in, and the intake's transactions are many and small. A search never
// reads the index before the documents owed are written, so it never
// misses an enquiry already acknowledged. A deleted enquiry's document
// goes with it (a trigger on SQLite, the foreign key on PostgreSQL).

// searchRow is a document as insert-search-document's parameters.
func (d dialect) searchRow(id int64, doc search.Document) []any {
	if d.postgres {
		return []any{id, doc.TSVector()}
	}
	c := doc.Columns()
	return []any{id, c[search.FieldName], c[search.FieldCompany], c[search.FieldEmail], c[search.FieldOther]}
}

// oweDocument records that a new enquiry's document is to be written.
func (tx *Tx) oweDocument(id int64) error {
	if _, err := tx.exec("owe-search-document", id); err != nil {
		return fmt.Errorf("index enquiry: %w", err)
	}
	return nil
}

// owedBatch bounds the documents one write of the backlog writes.
const owedBatch = 1000

// IndexOwed writes up to owedBatch of the documents the intake owes, in
// one write, and returns how many it wrote.
func (s *Store) IndexOwed(ctx context.Context) (int, error) {
	var n int
	err := s.Write(ctx, func(tx *Tx) error {
		rows, err := tx.query("owed-search-documents", owedBatch)
		if err != nil {
			return err
		}
		docs, err := scanFields(rows)
		if err != nil || len(docs) == 0 {
			return err
		}
		// Their notes (a new enquiry seldom has any yet), read at once.
		rows, err = tx.query("search-notes-between", docs[0].id-1, docs[len(docs)-1].id)
		if err != nil {
			return err
		}
		if err := addNotes(rows, docs); err != nil {
			return err
		}
		for _, d := range docs {
			if _, err := tx.exec("forget-owed-search-document", d.id); err != nil {
				return err
			}
			if err := tx.writeDocument(d.id, search.NewDocument(d.fields)); err != nil {
				return err
			}
		}
		n = len(docs)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("index owed documents: %w", err)
	}
	return n, nil
}

// texts are an enquiry's searchable texts, by id.
type texts struct {
	id     int64
	fields search.Fields
}

// scanFields reads rows of an id and search-fields' columns, and closes
// them.
func scanFields(rows *sql.Rows) ([]texts, error) {
	var out []texts
	for rows.Next() {
		var t texts
		f := &t.fields
		if err := rows.Scan(&t.id, &f.Name, &f.Company, &f.Email, &f.Phone, &f.Description, &f.Message); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// addNotes adds the notes of rows (search-notes-between: enquiry id and
// text, by id) to the enquiries of docs (by id) they belong to, and
// closes rows.
func addNotes(rows *sql.Rows, docs []texts) error {
	at := map[int64]*texts{}
	for i := range docs {
		at[docs[i].id] = &docs[i]
	}
	for rows.Next() {
		var id int64
		var note string
		if err := rows.Scan(&id, &note); err != nil {
			rows.Close()
			return err
		}
		if t := at[id]; t != nil {
			t.fields.Notes = append(t.fields.Notes, note)
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

// catchUpSearch writes the documents still owed before a search reads the
// index. Under an intake faster than the indexing it stops after a few
// batches rather than keep the search waiting.
func (s *Store) catchUpSearch(ctx context.Context) error {
	for range 5 {
		var owed bool
		if err := s.queryRow(s.dialect.rowContext(ctx), "search-owed").Scan(&owed); err != nil {
			return fmt.Errorf("search backlog: %w", err)
		}
		if !owed {
			return nil
		}
		if _, err := s.IndexOwed(ctx); err != nil {
			return err
		}
	}
	return nil
}

// RunSearchIndexer writes the owed documents every interval until ctx
// ends, so a search rarely has any left to write; warn hears its errors.
func (s *Store) RunSearchIndexer(ctx context.Context, every time.Duration, warn func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			n, err := s.IndexOwed(ctx)
			if err != nil && ctx.Err() == nil {
				warn(err)
			}
			if err != nil || n < owedBatch {
				break
			}
		}
	}
}

// reindex marks an enquiry's document to be written again from its texts
// before the write ends (refreshSearch): a note was added, or its person
// erased.
func (tx *Tx) reindex(id int64) {
	if tx.stale == nil {
		tx.stale = map[int64]bool{}
	}
	tx.stale[id] = true
}

// refreshSearch rewrites the documents reindex marked.
func (tx *Tx) refreshSearch() error {
	ids := make([]int64, 0, len(tx.stale))
	for id := range tx.stale {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := tx.refreshDocument(id); err != nil {
			return fmt.Errorf("index enquiry %d: %w", id, err)
		}
	}
	tx.stale = nil
	return nil
}

func (tx *Tx) refreshDocument(id int64) error {
	row, err := tx.queryRow("search-fields", id)
	if err != nil {
		return err
	}
	var f search.Fields
	err = row.Scan(&f.Name, &f.Company, &f.Email, &f.Phone, &f.Description, &f.Message)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted in this write: its document went with it
	}
	if err != nil {
		return err
	}
	rows, err := tx.query("search-notes", id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var note string
		if err := rows.Scan(&note); err != nil {
			rows.Close()
			return err
		}
		f.Notes = append(f.Notes, note)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	return tx.writeDocument(id, search.NewDocument(f))
}

// writeDocument replaces an enquiry's document.
func (tx *Tx) writeDocument(id int64, doc search.Document) error {
	if _, err := tx.exec("delete-search-document", id); err != nil {
		return err
	}
	_, err := tx.exec("insert-search-document", tx.dialect.searchRow(id, doc)...)
	return err
}

// rebuildSearch writes every enquiry's document again, a batch of
// enquiries at a time and a hundred documents a statement: migration 0026
// fills the index of an existing book with it.
func rebuildSearch(db *gorm.DB, q queryBook) error {
	const perStatement = 100
	d := dialect{postgres: q.postgres}
	ctx, conn := context.Background(), db.Statement.ConnPool
	if _, err := conn.ExecContext(ctx, q.sql("delete-search-documents")); err != nil {
		return fmt.Errorf("rebuild search: %w", err)
	}
	rows := strings.TrimSuffix(strings.Repeat(q.text["search-document-row"]+", ", perStatement), ", ")
	insertMany, err := conn.PrepareContext(ctx, q.sql("insert-search-documents", "{rows}", rows))
	if err != nil {
		return fmt.Errorf("rebuild search: %w", err)
	}
	defer insertMany.Close()
	insertOne, err := conn.PrepareContext(ctx, q.sql("insert-search-document"))
	if err != nil {
		return fmt.Errorf("rebuild search: %w", err)
	}
	defer insertOne.Close()
	for last := int64(0); ; {
		rows, err := conn.QueryContext(ctx, q.sql("search-fields-after"), last, owedBatch)
		if err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		docs, err := scanFields(rows)
		if err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		if len(docs) == 0 {
			return nil
		}
		first := last
		last = docs[len(docs)-1].id
		rows, err = conn.QueryContext(ctx, q.sql("search-notes-between"), first, last)
		if err == nil {
			err = addNotes(rows, docs)
		}
		if err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		for len(docs) > 0 {
			stmt, n := insertMany, perStatement
			if len(docs) < perStatement {
				stmt, n = insertOne, 1
			}
			var args []any
			for _, t := range docs[:n] {
				args = append(args, d.searchRow(t.id, search.NewDocument(t.fields))...)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("rebuild search: %w", err)
			}
			docs = docs[n:]
		}
	}
}

// SearchTexts are the descriptions, messages and notes of the enquiries
// ids — a page of search results — for the list's snippets.
func (s *Store) SearchTexts(ctx context.Context, ids []int64) (map[int64]search.Fields, error) {
	out := make(map[int64]search.Fields, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	ctx = s.dialect.rowContext(ctx)
	rows, err := s.queryText(ctx, s.queries.sql("search-texts-of", "{ids}", inList(len(ids))), args...)
	if err != nil {
		return nil, fmt.Errorf("search texts: %w", err)
	}
	for rows.Next() {
		var id int64
		var f search.Fields
		if err := rows.Scan(&id, &f.Description, &f.Message); err != nil {
			rows.Close()
			return nil, fmt.Errorf("search texts: %w", err)
		}
		out[id] = f
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("search texts: %w", err)
	}
	rows, err = s.queryText(ctx, s.queries.sql("search-notes-of", "{ids}", inList(len(ids))), args...)
	if err != nil {
		return nil, fmt.Errorf("search texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var note string
		if err := rows.Scan(&id, &note); err != nil {
			return nil, fmt.Errorf("search texts: %w", err)
		}
		f := out[id]
		f.Notes = append(f.Notes, note)
		out[id] = f
	}
	return out, rows.Err()
}

// searchMatch is a query as search-match's parameter.
func (d dialect) searchMatch(q search.Query) string {
	if d.postgres {
		return q.TSQuery()
	}
	return q.Match()
}

// searchRank is a query as search-rank's parameters: none on SQLite, whose
// rank reads FTS4's own counts; the rank terms on PostgreSQL.
func (d dialect) searchRank(q search.Query) []any {
	if !d.postgres {
		return nil
	}
	terms := q.RankTerms()
	queries, weights := make([]string, len(terms)), make([]int32, len(terms))
	for i, t := range terms {
		queries[i], weights[i] = t.TSQuery, int32(t.Weight)
	}
	return []any{queries, weights}
}
