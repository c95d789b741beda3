package store

import (
	"context"
	"strconv"
	"strings"
)

// dialect holds the SQL that differs between SQLite and PostgreSQL; every
// other statement is written once, with ? placeholders.
type dialect struct{ postgres bool }

// rebind turns ? placeholders into PostgreSQL's $1, $2, … for statements
// run through database/sql directly (gorm rebinds its own). Our SQL has no
// ? inside string literals.
func (d dialect) rebind(q string) string {
	if !d.postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// week is the Monday (YYYY-MM-DD) starting the week of a timestamp column.
func (d dialect) week(col string) string {
	if d.postgres {
		return "to_char(date_trunc('week', " + col + " AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
	}
	return "date(substr(" + col + ", 1, 10), '-6 days', 'weekday 1')"
}

// month is YYYY-MM of a timestamp column.
func (d dialect) month(col string) string {
	if d.postgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	return "substr(" + col + ", 1, 7)"
}

// seconds is later − earlier in seconds.
func (d dialect) seconds(later, earlier string) string {
	if d.postgres {
		return "extract(epoch from (" + later + " - " + earlier + "))"
	}
	return "(julianday(" + later + ") - julianday(" + earlier + ")) * 86400.0"
}

// sameEmail compares an email column with a parameter, ignoring case.
func (d dialect) sameEmail(col string) string {
	if d.postgres {
		return "lower(" + col + ") = lower(?)"
	}
	return col + " = ? COLLATE NOCASE"
}

// like is the case-insensitive LIKE.
func (d dialect) like() string {
	if d.postgres {
		return "ILIKE"
	}
	return "LIKE"
}

// skipLocked makes a subquery's rows claimable by one worker at a time on
// PostgreSQL; SQLite has one writer anyway.
func (d dialect) skipLocked() string {
	if d.postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// utcText is a timestamp column as "YYYY-MM-DD HH:MM:SS" UTC text.
func (d dialect) utcText(col string) string {
	if d.postgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
	}
	return "substr(" + col + ", 1, 19)"
}

// exportSelect is the export's one-column select expression.
func (d dialect) exportSelect() string {
	text := func(col string) string {
		if d.postgres {
			return col + "::text"
		}
		return col
	}
	sep := " || char(31) || "
	if d.postgres {
		sep = " || chr(31) || "
	}
	fields := []string{text("e.id"), "e.reference", "e.status", "e.full_name", "e.company", "e.email", "e.phone",
		"e.service", "e.origin_country", "e.product_category", "e.product_description", "e.condition", "e.hs_code",
		"e.contains_encryption", "e.wireless_radio", "e.lithium_batteries", text("e.shipment_value_cents"), "e.currency",
		"e.target_date", "e.message", d.utcText("e.consent_at"), "e.privacy_notice_version", "e.utm_source",
		"e.utm_medium", "e.utm_campaign", "e.referrer", "coalesce(" + text("e.assignee_id") + ", '')",
		d.utcText("e.created_at"), "e.destinations"}
	return strings.Join(fields, sep)
}

// exportFieldCount is how many fields exportSelect joins.
const exportFieldCount = 29

// rowContext is the context to run a read with. mattn/go-sqlite3 starts a
// goroutine for every row of a query whose context can be cancelled (to
// interrupt it); for short reads, and for exports that check their context
// between batches, SQLite runs without one. PostgreSQL keeps the caller's:
// pgx cancels cheaply, and an abandoned query must stop on the server.
func (d dialect) rowContext(ctx context.Context) context.Context {
	if d.postgres {
		return ctx
	}
	return context.WithoutCancel(ctx)
}
