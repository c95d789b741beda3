-- The statements that differ on PostgreSQL (see common.sql).
--
-- Case: lower() and ILIKE follow the database's locale, which should be a
-- UTF-8 one (the tests use C.UTF-8), so that they fold beyond ASCII as
-- iordesk_lower() does on SQLite.

-- ---------------------------------------------------------------- the list

-- fragment: search-from
-- Full-text search (docs/DESIGN.md, "Full-text search"): the documents,
-- which the planner reads first through the GIN index.
enquiry_search AS s JOIN enquiries AS e ON e.id = s.enquiry_id

-- fragment: search-arrival
-- The order of arrival of a search's matches (see sqlite.sql). "+ 0" keeps
-- the planner from walking the primary key backwards and testing every
-- document until a page matched: for a word it guesses common but that
-- matches few or none, that walk reads the whole table (181 ms at a
-- million, against 10 ms through the GIN index and a sort; a word in
-- 50,000 enquiries then costs 65 ms instead of 1.3 ms).
(s.enquiry_id + 0)

-- fragment: search-match
-- The parameter is the query as search.Query.TSQuery writes it.
s.document @@ CAST(? AS TEXT)::tsquery

-- fragment: search-rank
-- The relevance of a row: the sum of the weights of the rank terms
-- (search.Query.RankTerms: a tsquery and a weight each) it matches.
(SELECT coalesce(sum(t.w), 0) FROM unnest(CAST(? AS TEXT[]), CAST(? AS INT[])) AS t(q, w) WHERE s.document @@ t.q::tsquery)

-- fragment: few-planned-actions
-- The list's "next action due" filter (PostgreSQL keeps statistics: the
-- planner knows the partial index is small).
e.follow_up_on <= ?

-- fragment: few-awaiting-reply
-- The list's "waiting for us" filter.
e.awaiting_reply_since >= ?

-- name: export-enquiries
-- One column per row, the fields joined by U+001F (see sqlite.sql).
SELECT e.id::text || chr(31) || e.reference || chr(31) || e.status || chr(31) || e.full_name || chr(31) ||
    e.company || chr(31) || e.email || chr(31) || e.phone || chr(31) || e.service || chr(31) ||
    e.origin_country || chr(31) || e.product_category || chr(31) || e.product_description || chr(31) ||
    e.condition || chr(31) || e.hs_code || chr(31) || e.contains_encryption || chr(31) ||
    e.wireless_radio || chr(31) || e.lithium_batteries || chr(31) || e.shipment_value_cents::text || chr(31) ||
    e.currency || chr(31) || e.target_date || chr(31) || e.message || chr(31) ||
    to_char(e.consent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || chr(31) || e.privacy_notice_version || chr(31) ||
    e.utm_source || chr(31) || e.utm_medium || chr(31) || e.utm_campaign || chr(31) || e.referrer || chr(31) ||
    coalesce(e.assignee_id::text, '') || chr(31) || to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') ||
    chr(31) || e.destinations || chr(31) || e.end_user_hq_country ||
    chr(31) || (SELECT count(*) FROM attachments AS a WHERE a.enquiry_id = e.id)::text{line}
FROM {from} WHERE {where} ORDER BY {order};

-- fragment: export-line-columns
-- The destination line's fields, appended to export-enquiries' column for
-- an export with a row per line.
 || chr(31) || d.country || chr(31) || d.state || chr(31) || coalesce(d.fee_cents::text, '') || chr(31) ||
    d.fee_currency || chr(31) || coalesce(d.assignee_id::text, '')

-- ---------------------------------------------------------------- full-text search

-- name: delete-search-document
DELETE FROM enquiry_search WHERE enquiry_id = ?;

-- name: search-fields
-- The texts of an enquiry's search document, the enquiry locked: whoever
-- rewrites a document (a note, an erasure, the indexer) holds the row, so
-- the last to write one wrote it from the texts as they are (see
-- owed-search-documents). NO KEY UPDATE, the strength an UPDATE of the
-- row takes: it excludes the other writers of the document but not the
-- key-share locks of foreign keys: an intake that links a possible
-- duplicate to this enquiry does not wait for it, and two instances, each
-- indexing enquiries the other's intake links to, cannot deadlock.
SELECT full_name, company, email, phone, product_description, message FROM enquiries WHERE id = ? FOR NO KEY UPDATE;

-- name: owed-search-documents
-- A batch of the documents the intake owes, with their enquiries' texts;
-- another instance indexing at the same moment takes the next ones, and an
-- enquiry a note or an erasure holds is left for the next batch (it
-- rewrites the document itself).
SELECT e.id, e.full_name, e.company, e.email, e.phone, e.product_description, e.message
FROM search_backlog AS b JOIN enquiries AS e ON e.id = b.enquiry_id ORDER BY b.enquiry_id LIMIT ?
FOR NO KEY UPDATE OF b, e SKIP LOCKED;

-- name: insert-search-document
-- Parameters: the enquiry's id, then search.Document.TSVector. An upsert:
-- a document another transaction inserted since this one deleted the old
-- is replaced, not a conflict.
INSERT INTO enquiry_search (enquiry_id, document) VALUES (?, CAST(? AS TEXT)::tsvector)
ON CONFLICT (enquiry_id) DO UPDATE SET document = EXCLUDED.document;

-- name: insert-search-documents
-- Many documents at once (rebuilding the index: one round trip for a
-- hundred); {rows} is search-document-row once per document.
INSERT INTO enquiry_search (enquiry_id, document) VALUES {rows};

-- fragment: search-document-row
(?, CAST(? AS TEXT)::tsvector)

-- ---------------------------------------------------------------- reports

-- name: report-first-responses
-- Seconds from each enquiry's arrival to its first staff action.
SELECT extract(epoch from (min(ev.created_at) - e.created_at))::float8
FROM enquiries AS e JOIN enquiry_events AS ev ON ev.enquiry_id = e.id AND ev.actor_id IS NOT NULL
WHERE e.created_at >= ? AND e.created_at < ? AND e.status <> 'spam' AND e.duplicate_of IS NULL
GROUP BY e.id;

-- ---------------------------------------------------------------- mail

-- name: lease-mail
-- Claims due messages for a worker until the lease runs out; rows another
-- instance is claiming right now are skipped, not waited for.
UPDATE outbox SET lease_until = ? WHERE id IN (
    SELECT id FROM outbox
    WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
    ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
RETURNING id, enquiry_id, user_id, kind, status, attempts, next_attempt_at, lease_until, recipients,
    last_error, created_at, sent_at, subject, body, cc, sender_name, in_reply_to;

-- ---------------------------------------------------------------- staff

-- name: user-by-email
-- The parameter is in lower case (Go's strings.ToLower).
SELECT id, email, name, role, password_hash, disabled, weekly_digest, must_change_password, notify_assigned, monthly_digest, created_at, updated_at
FROM users WHERE lower(email) = ?;

-- ---------------------------------------------------------------- privacy

-- name: people-by-email
-- The parameter is in lower case.
SELECT id, full_name, company, email, phone FROM enquiries WHERE lower(email) = ?;

-- name: audit-details-mentioning
-- The parameter is a LIKE pattern in lower case.
SELECT id, detail FROM audit_log WHERE lower(detail) LIKE ? ESCAPE '\';

-- fragment: recount
-- As SQLite's, with PostgreSQL's dates.
WITH days AS (
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'status' ELSE 'dup:status' END AS dim, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS period, e.status AS key, count(*) AS n, 0 AS amount
    FROM enquiries AS e GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'service' ELSE 'dup:service' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e.service, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'category' ELSE 'dup:category' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e.product_category, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'language' ELSE 'dup:language' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e.language, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'unassigned' ELSE 'dup:unassigned' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e.status, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' AND e.assignee_id IS NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'agent' ELSE 'dup:agent' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), coalesce(CAST(e.assignee_id AS TEXT), 'none'), count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'value' ELSE 'dup:value' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e.status || ' ' || e.currency, count(*), CAST(sum(e.shipment_value_cents) AS BIGINT)
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'source' ELSE 'dup:source' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e.utm_source || chr(9) || e.utm_campaign || chr(9) || e.status, count(*), 0
    FROM enquiries AS e WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'line' ELSE 'dup:line' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), d.country || ' ' || d.state, count(*), 0
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'lane' ELSE 'dup:lane' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e.origin_country || ' ' || d.country, count(*), 0
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'agent-line' ELSE 'dup:agent-line' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), coalesce(CAST(coalesce(d.assignee_id, e.assignee_id) AS TEXT), 'none') || ' ' || d.state, count(*), 0
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE WHEN e.duplicate_of IS NULL THEN 'fee' ELSE 'dup:fee' END, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), d.country || ' ' || d.fee_currency, count(*), CAST(sum(d.fee_cents) AS BIGINT)
    FROM enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id WHERE e.status <> 'spam' AND d.fee_cents IS NOT NULL GROUP BY 1, 2, 3
)
SELECT dim, 'd' AS grain, period, key, n, amount FROM days
UNION ALL
SELECT dim, 'm', substr(period, 1, 7), key, CAST(sum(n) AS BIGINT), CAST(sum(amount) AS BIGINT) FROM days GROUP BY dim, substr(period, 1, 7), key
