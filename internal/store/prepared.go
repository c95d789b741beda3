package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// The intake's statements, prepared once on the writer connection. Parsing
// and planning them for every enquiry cost more than running them; gorm's
// own statement cache cannot be used inside transactions (its statements
// close with the first transaction that prepared them).
const (
	sqlConsumeChallenge = "DELETE FROM captcha_challenges WHERE id = ? RETURNING digits, expires_at"
	sqlInsertChallenge  = "INSERT INTO captcha_challenges (id, digits, expires_at) VALUES (?, ?, ?)"
	sqlInsertEvent      = "INSERT INTO enquiry_events (enquiry_id, kind, actor, actor_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)"
	sqlInsertEnquiry    = `INSERT INTO enquiries (reference, status, full_name, company, email, phone, service,
		origin_country, product_category, product_description, condition, hs_code, contains_encryption,
		wireless_radio, lithium_batteries, shipment_value_cents, currency, target_date, message, consent_at,
		privacy_notice_version, utm_source, utm_medium, utm_campaign, referrer, client_ip, user_agent,
		assignee_id, version, created_at, updated_at, destinations)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
	sqlClaimAcknowledgement = `INSERT INTO acknowledgement_limits (address, last_queued_at) VALUES (?, ?)
		ON CONFLICT (address) DO UPDATE SET last_queued_at = excluded.last_queued_at
		WHERE acknowledgement_limits.last_queued_at <= ?`
	maxDestinationRows = 20
	sqlSavepoint       = "SAVEPOINT op"
	sqlRelease         = "RELEASE op"
	sqlRollbackTo      = "ROLLBACK TO op"
	// Around the enquiry insert on PostgreSQL (see InsertEnquiry).
	sqlSavepointEnquiry = "SAVEPOINT enquiry"
	sqlRollbackEnquiry  = "ROLLBACK TO enquiry"
)

// prepared holds the statements by their SQL as written (with ?).
type prepared struct {
	stmts   map[string]*sql.Stmt
	dialect dialect
}

func destinationsSQL(n int) string {
	return "INSERT INTO enquiry_destinations (country, created_at, enquiry_id) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
}

func outboxSQL(n int) string {
	return "INSERT INTO outbox (enquiry_id, kind, status, next_attempt_at, created_at) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", n), ", ")
}

// prepare readies every hot statement on db, before the writer starts
// using its one connection.
func prepare(ctx context.Context, db *sql.DB, d dialect) (prepared, error) {
	queries := []string{sqlConsumeChallenge, sqlInsertChallenge, sqlInsertEvent, sqlInsertEnquiry, outboxSQL(1), outboxSQL(2),
		sqlClaimAcknowledgement,
		sqlSavepoint, sqlRelease, sqlRollbackTo, sqlSavepointEnquiry, sqlRollbackEnquiry}
	for n := 1; n <= maxDestinationRows; n++ {
		queries = append(queries, destinationsSQL(n))
	}
	p := prepared{stmts: map[string]*sql.Stmt{}, dialect: d}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, d.rebind(q))
		if err != nil {
			p.close()
			return prepared{}, fmt.Errorf("prepare %q: %w", q[:min(len(q), 40)], err)
		}
		p.stmts[q] = st
	}
	return p, nil
}

func (p prepared) close() {
	for _, st := range p.stmts {
		st.Close()
	}
}

// bound returns query's prepared statement bound to the transaction of db;
// SQL that was not prepared (before migrations ran) is prepared for this
// transaction only.
func bound(p *prepared, d dialect, db *gorm.DB, query string) (*sql.Stmt, error) {
	sqlTx, ok := db.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("prepared statement outside a transaction")
	}
	ctx := db.Statement.Context
	if p != nil {
		if st, ok := p.stmts[query]; ok {
			return sqlTx.StmtContext(ctx, st), nil
		}
	}
	return sqlTx.PrepareContext(ctx, d.rebind(query))
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	st, err := bound(tx.prepared, tx.dialect, tx.db, query)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (tx *Tx) queryRow(query string, args ...any) (*sql.Row, error) {
	st, err := bound(tx.prepared, tx.dialect, tx.db, query)
	if err != nil {
		return nil, err
	}
	return st.QueryRow(args...), nil
}
