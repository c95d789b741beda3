-- The statements that differ on SQLite (see common.sql).
--
-- Case: SQLite's own lower() and LIKE fold ASCII only, so iordesk registers
-- iordesk_lower() (Go's strings.ToLower) on every connection and compares
-- through it wherever text beyond ASCII must match in any case.

-- ---------------------------------------------------------------- the list

-- fragment: search-from
-- Full-text search (docs/DESIGN.md, "Full-text search"): the FTS4 table
-- first, then each match's enquiry. CROSS JOIN keeps that order: with the
-- enquiries outside (say through the status index), FTS4 would run the
-- MATCH again for each of them.
enquiry_search CROSS JOIN enquiries AS e ON e.id = enquiry_search.docid

-- fragment: search-arrival
-- The order of arrival of a search's matches: the enquiries' ids, which
-- FTS4 reads in either direction, so a page of a common word's matches
-- newest first stops after the page (3 ms instead of 140 ms for 50,000
-- matches in a million) instead of sorting them all by created_at.
enquiry_search.docid

-- fragment: search-match
-- The parameter is the query as search.Query.Match writes it.
enquiry_search MATCH ?

-- fragment: search-rank
-- The relevance of a row, from FTS4's columns each atom matches in
-- (iordesk_rank is search.RankMatchInfo, registered on every connection).
iordesk_rank(matchinfo(enquiry_search, 'pcb'))

-- fragment: few-planned-actions
-- The list's "next action due" filter. likelihood() tells the planner the
-- condition holds for few rows, so it walks the partial index of planned
-- actions and sorts them, rather than the list's order index filtered:
-- iordesk keeps no statistics, and without them the planner guesses a
-- quarter (432 ms instead of 0.7 ms at a million enquiries with none
-- planned).
likelihood(e.follow_up_on <= ?, 0.001)

-- fragment: few-awaiting-reply
-- The list's "waiting for us" filter, for the same reason.
likelihood(e.awaiting_reply_since >= ?, 0.001)

-- name: export-enquiries
-- One column per row, the fields joined by U+001F: the driver pays a few
-- cgo calls per column, so one column instead of 29 makes a million-row
-- export three times faster. Validation keeps control characters out of
-- every exported field.
SELECT e.id || char(31) || e.reference || char(31) || e.status || char(31) || e.full_name || char(31) ||
    e.company || char(31) || e.email || char(31) || e.phone || char(31) || e.service || char(31) ||
    e.origin_country || char(31) || e.product_category || char(31) || e.product_description || char(31) ||
    e.condition || char(31) || e.hs_code || char(31) || e.contains_encryption || char(31) ||
    e.wireless_radio || char(31) || e.lithium_batteries || char(31) || e.shipment_value_cents || char(31) ||
    e.currency || char(31) || e.target_date || char(31) || e.message || char(31) ||
    substr(e.consent_at, 1, 19) || char(31) || e.privacy_notice_version || char(31) || e.utm_source || char(31) ||
    e.utm_medium || char(31) || e.utm_campaign || char(31) || e.referrer || char(31) ||
    coalesce(e.assignee_id, '') || char(31) || substr(e.created_at, 1, 19) || char(31) || e.destinations ||
    char(31) || e.end_user_hq_country || char(31) || (SELECT count(*) FROM attachments AS a WHERE a.enquiry_id = e.id){line}
FROM {from} WHERE {where} ORDER BY {order};

-- fragment: export-line-columns
-- The destination line's fields, appended to export-enquiries' column for
-- an export with a row per line.
 || char(31) || d.country || char(31) || d.state || char(31) || coalesce(d.fee_cents, '') || char(31) ||
    d.fee_currency || char(31) || coalesce(d.assignee_id, '')

-- ---------------------------------------------------------------- full-text search

-- name: delete-search-document
DELETE FROM enquiry_search WHERE docid = ?;

-- name: search-fields
-- The texts of an enquiry's search document (search.Fields), its notes
-- apart (search-notes).
SELECT full_name, company, email, phone, product_description, message FROM enquiries WHERE id = ?;

-- name: owed-search-documents
-- A batch of the documents the intake owes, with their enquiries' texts
-- (search-fields).
SELECT e.id, e.full_name, e.company, e.email, e.phone, e.product_description, e.message
FROM search_backlog AS b JOIN enquiries AS e ON e.id = b.enquiry_id ORDER BY b.enquiry_id LIMIT ?;

-- name: insert-search-document
-- Parameters: the enquiry's id, then search.Document.Columns.
INSERT INTO enquiry_search (docid, name, company, email, other) VALUES (?, ?, ?, ?, ?);

-- name: insert-search-documents
-- Many documents at once (rebuilding the index); {rows} is
-- search-document-row once per document.
INSERT INTO enquiry_search (docid, name, company, email, other) VALUES {rows};

-- fragment: search-document-row
(?, ?, ?, ?, ?)

-- ---------------------------------------------------------------- reports

-- name: report-first-responses
-- Seconds from each enquiry's arrival to its first staff action.
SELECT (julianday(min(ev.created_at)) - julianday(e.created_at)) * 86400.0
FROM enquiries AS e JOIN enquiry_events AS ev ON ev.enquiry_id = e.id AND ev.actor_id IS NOT NULL
WHERE e.created_at >= ? AND e.created_at < ? AND e.status <> 'spam' AND e.duplicate_of IS NULL
GROUP BY e.id;

-- ---------------------------------------------------------------- mail

-- name: lease-mail
-- Claims due messages for a worker until the lease runs out.
UPDATE outbox SET lease_until = ? WHERE id IN (
    SELECT id FROM outbox
    WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
    ORDER BY next_attempt_at, id LIMIT ?)
RETURNING id, enquiry_id, user_id, kind, status, attempts, next_attempt_at, lease_until, recipients,
    last_error, created_at, sent_at, subject, body, cc, sender_name, in_reply_to;

-- ---------------------------------------------------------------- staff

-- name: user-by-email
-- The parameter is in lower case (Go's strings.ToLower).
SELECT id, email, name, role, password_hash, disabled, weekly_digest, must_change_password, notify_assigned, monthly_digest, created_at, updated_at
FROM users WHERE iordesk_lower(email) = ?;

-- ---------------------------------------------------------------- privacy

-- name: people-by-email
-- The parameter is in lower case.
SELECT id, full_name, company, email, phone FROM enquiries WHERE iordesk_lower(email) = ?;

-- name: audit-details-mentioning
-- The parameter is a LIKE pattern in lower case.
SELECT id, detail FROM audit_log WHERE iordesk_lower(detail) LIKE ? ESCAPE '\';

-- ---------------------------------------------------------------- operations

-- name: backup-into
-- SQLite only: a consistent copy of the live database.
VACUUM INTO ?;

-- fragment: recount
-- Every counter of the rollups, counted from the base tables: the days,
-- then the months summed from them (see tallies.add for what counts; a
-- confirmed duplicate under the dup: groupings).
WITH days AS (
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'status' ELSE 'dup:status' END AS dim, substr(e.created_at, 1, 10) AS period, e.status AS key, count(*) AS n, 0 AS amount
    FROM enquiries AS e GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'service' ELSE 'dup:service' END, substr(e.created_at, 1, 10), e.service, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'category' ELSE 'dup:category' END, substr(e.created_at, 1, 10), e.product_category, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'language' ELSE 'dup:language' END, substr(e.created_at, 1, 10), e.language, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'unassigned' ELSE 'dup:unassigned' END, substr(e.created_at, 1, 10), e.status, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' AND e.assignee_id IS NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'agent' ELSE 'dup:agent' END, substr(e.created_at, 1, 10), coalesce(CAST(e.assignee_id AS TEXT), 'none'), count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'value' ELSE 'dup:value' END, substr(e.created_at, 1, 10), e.status || ' ' || e.currency, count(*), sum(e.shipment_value_cents)
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'source' ELSE 'dup:source' END, substr(e.created_at, 1, 10), e.utm_source || char(9) || e.utm_campaign || char(9) || e.status, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'line' ELSE 'dup:line' END, substr(e.created_at, 1, 10), d.country || ' ' || d.state, count(*), 0
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'lane' ELSE 'dup:lane' END, substr(e.created_at, 1, 10), e.origin_country || ' ' || d.country, count(*), 0
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'agent-line' ELSE 'dup:agent-line' END, substr(e.created_at, 1, 10), coalesce(CAST(coalesce(d.assignee_id, e.assignee_id) AS TEXT), 'none') || ' ' || d.state, count(*), 0
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'fee' ELSE 'dup:fee' END, substr(e.created_at, 1, 10), d.country || ' ' || d.fee_currency, count(*), sum(d.fee_cents)
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' AND d.fee_cents IS NOT NULL GROUP BY 1, 2, 3
)
SELECT dim, 'd' AS grain, period, key, n, amount FROM days
UNION ALL
SELECT dim, 'm', substr(period, 1, 7), key, sum(n), sum(amount) FROM days GROUP BY dim, substr(period, 1, 7), key
