package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"iordesk/internal/search"
)

// Full-text search (docs/DESIGN.md, "Full-text search"): every enquiry has
// a search document — its words as internal/search tokenizes them — in
// enquiry_search, written in the same transaction as whatever changes its
// texts: the intake, a staff note, erasure. A deleted enquiry's document
// goes with it (a trigger on SQLite, the foreign key on PostgreSQL).

// searchRow is a document as insert-search-document's parameters.
func (d dialect) searchRow(id int64, doc search.Document) []any {
	if d.postgres {
		return []any{id, doc.TSVector()}
	}
	c := doc.Columns()
	return []any{id, c[search.FieldName], c[search.FieldCompany], c[search.FieldEmail], c[search.FieldOther]}
}

// indexNew writes the document of an enquiry just inserted (it has no
// notes yet).
func (tx *Tx) indexNew(e *Enquiry) error {
	doc := search.NewDocument(search.Fields{Name: e.FullName, Company: e.Company, Email: e.Email, Phone: e.Phone,
		Description: e.ProductDescription, Message: e.Message})
	if _, err := tx.exec("insert-search-document", tx.dialect.searchRow(e.ID, doc)...); err != nil {
		return fmt.Errorf("index enquiry: %w", err)
	}
	return nil
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
	if _, err := tx.exec("delete-search-document", id); err != nil {
		return err
	}
	_, err = tx.exec("insert-search-document", tx.dialect.searchRow(id, search.NewDocument(f))...)
	return err
}

// rebuildSearch writes every enquiry's document again, a thousand
// enquiries at a time: migration 0026 fills the index of an existing book
// with it.
func rebuildSearch(db *gorm.DB, q queryBook) error {
	d := dialect{postgres: q.postgres}
	ctx, conn := context.Background(), db.Statement.ConnPool
	if _, err := conn.ExecContext(ctx, q.sql("delete-search-documents")); err != nil {
		return fmt.Errorf("rebuild search: %w", err)
	}
	insert, err := conn.PrepareContext(ctx, q.sql("insert-search-document"))
	if err != nil {
		return fmt.Errorf("rebuild search: %w", err)
	}
	defer insert.Close()
	const batch = 1000
	for last := int64(0); ; {
		type enquiry struct {
			id     int64
			fields search.Fields
		}
		var found []enquiry
		rows, err := conn.QueryContext(ctx, q.sql("search-fields-after"), last, batch)
		if err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		for rows.Next() {
			var e enquiry
			f := &e.fields
			if err := rows.Scan(&e.id, &f.Name, &f.Company, &f.Email, &f.Phone, &f.Description, &f.Message); err != nil {
				rows.Close()
				return fmt.Errorf("rebuild search: %w", err)
			}
			found = append(found, e)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		if len(found) == 0 {
			return nil
		}
		first := last
		last = found[len(found)-1].id
		notes := map[int64][]string{}
		rows, err = conn.QueryContext(ctx, q.sql("search-notes-between"), first, last)
		if err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		for rows.Next() {
			var id int64
			var note string
			if err := rows.Scan(&id, &note); err != nil {
				rows.Close()
				return fmt.Errorf("rebuild search: %w", err)
			}
			notes[id] = append(notes[id], note)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		for _, e := range found {
			e.fields.Notes = notes[e.id]
			if _, err := insert.ExecContext(ctx, d.searchRow(e.id, search.NewDocument(e.fields))...); err != nil {
				return fmt.Errorf("rebuild search: %w", err)
			}
		}
	}
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
