-- The hand-written SQL of iordesk (loaded by queries.go). This file holds
-- the statements that are the same on SQLite and PostgreSQL; sqlite.sql
-- and postgres.sql hold, under the same names, the ones that differ, so
-- every difference between the engines stands in those two files.
--
-- Every statement has a name (`-- name: …`). Placeholders are `?`, numbered
-- ($1, $2, …) for PostgreSQL when the files are loaded. A statement with
-- {markers} is completed in Go (the list's filter from filter.go, a
-- multi-row insert) and is not prepared; every other statement is prepared
-- once, when the store has migrated. A `-- fragment:` is a part that Go
-- puts into such a statement.
--
-- Case: emails and searches compare Unicode lower case on both engines
-- (see the two dialect files for how).

-- ---------------------------------------------------------------- intake

-- name: insert-enquiry
INSERT INTO enquiries (reference, status, full_name, company, email, phone, service,
    origin_country, product_category, product_description, condition, hs_code, contains_encryption,
    wireless_radio, lithium_batteries, shipment_value_cents, currency, target_date, message, consent_at,
    privacy_notice_version, utm_source, utm_medium, utm_campaign, referrer, client_ip, user_agent,
    assignee_id, version, created_at, updated_at, destinations, end_user_hq_country, compliance_state,
    desk, respond_by, language)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: insert-destinations
-- {rows} is "(?, ?, ?)" once per destination, comma-separated.
INSERT INTO enquiry_destinations (country, created_at, enquiry_id) VALUES {rows};

-- name: insert-event
INSERT INTO enquiry_events (enquiry_id, kind, actor, actor_id, detail, country, created_at) VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: insert-mail
-- {rows} is "(?, ?, ?, ?, ?)" once per message.
INSERT INTO outbox (enquiry_id, kind, status, next_attempt_at, created_at) VALUES {rows};

-- name: claim-acknowledgement
-- One row changes when no acknowledgement went to the address within the
-- interval: the claim is won.
INSERT INTO acknowledgement_limits (address, last_queued_at) VALUES (?, ?)
ON CONFLICT (address) DO UPDATE SET last_queued_at = excluded.last_queued_at
WHERE acknowledgement_limits.last_queued_at <= ?;

-- name: purge-acknowledgement-limits
DELETE FROM acknowledgement_limits WHERE last_queued_at <= ?;

-- name: forget-acknowledgement-address
DELETE FROM acknowledgement_limits WHERE address = ?;

-- ---------------------------------------------------------------- CAPTCHA

-- name: insert-challenge
INSERT INTO captcha_challenges (id, digits, expires_at) VALUES (?, ?, ?);

-- name: consume-challenge
DELETE FROM captcha_challenges WHERE id = ? RETURNING digits, expires_at;

-- name: live-challenge
SELECT digits, expires_at FROM captcha_challenges WHERE id = ? AND expires_at > ?;

-- name: purge-challenges
DELETE FROM captcha_challenges WHERE id IN
    (SELECT id FROM captcha_challenges WHERE expires_at <= ? LIMIT ?);

-- ---------------------------------------------------------------- the list

-- name: list-enquiries
-- {from}, {where} and {order} come from the filter (filter.go).
SELECT e.id, e.reference, e.status, e.full_name, e.company, e.email, e.service,
    e.product_category, e.shipment_value_cents, e.currency, e.assignee_id, e.version, e.created_at, e.destinations,
    e.compliance_state, e.follow_up_on, e.respond_by, e.first_response_at, e.awaiting_reply_since
FROM {from} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?;

-- name: count-enquiries-capped
-- Unordered: the first rows in whatever order the planner likes are enough
-- to count, with no walk of the list's order index.
SELECT count(*) FROM (SELECT 1 FROM {from} WHERE {where} LIMIT ?) AS capped;

-- ---------------------------------------------------------------- the overview

-- name: count-open-on-hold
-- The parameters are the open statuses, then hold and block.
SELECT count(*) FROM enquiries WHERE status IN (?, ?, ?, ?) AND compliance_state IN (?, ?);

-- ---------------------------------------------------------------- reports

-- name: report-promises
-- Enquiries received under a first-response promise, and their first
-- response.
SELECT desk, created_at, respond_by, first_response_at, first_response_by FROM enquiries
WHERE created_at >= ? AND created_at < ? AND status <> 'spam' AND duplicate_of IS NULL AND respond_by IS NOT NULL;

-- ---------------------------------------------------------------- mail

-- name: oldest-pending-mail
-- By age, not by due time: a message waiting for its next retry is still
-- the oldest one pending.
SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY created_at, id LIMIT 1;

-- name: claim-job
-- One row changes when the job has not run for this slot yet, here or on
-- another instance.
INSERT INTO jobs (name, last_run) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run WHERE jobs.last_run < excluded.last_run;

-- ---------------------------------------------------------------- staff

-- name: list-users
SELECT id, email, name, role, password_hash, disabled, weekly_digest, must_change_password, notify_assigned, monthly_digest, created_at, updated_at
FROM users ORDER BY name, id;

-- name: user-by-id
SELECT id, email, name, role, password_hash, disabled, weekly_digest, must_change_password, notify_assigned, monthly_digest, created_at, updated_at
FROM users WHERE id = ?;

-- name: session-with-user
SELECT s.user_id, s.created_at, s.last_seen_at, s.expires_at,
    u.id, u.email, u.name, u.role, u.password_hash, u.disabled, u.weekly_digest, u.must_change_password, u.notify_assigned, u.monthly_digest, u.created_at, u.updated_at
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?;

-- name: login-state
SELECT ip, failures, last_failure_at FROM login_failures WHERE account = ? AND ip IN (?, '');

-- name: record-login-failure
-- One statement for both counts, so concurrent failures on several
-- instances each count; a run older than the reset starts again from one.
INSERT INTO login_failures (account, ip, failures, last_failure_at) VALUES (?, ?, 1, ?), (?, '', 1, ?)
ON CONFLICT (account, ip) DO UPDATE SET
    failures = CASE WHEN login_failures.last_failure_at < ? THEN 1 ELSE login_failures.failures + 1 END,
    last_failure_at = excluded.last_failure_at;

-- name: clear-login-failures
DELETE FROM login_failures WHERE account = ? AND ip IN (?, '');

-- name: clear-account-login-failures
DELETE FROM login_failures WHERE account = ?;

-- name: purge-login-failures
DELETE FROM login_failures WHERE last_failure_at < ?;

-- ---------------------------------------------------------------- privacy

-- name: people-for-retention
SELECT id, full_name, company, email, phone FROM enquiries
WHERE status IN ('won', 'lost') AND updated_at < ? AND full_name <> ? LIMIT ?;

-- name: anonymise-enquiry
UPDATE enquiries SET full_name = ?, company = ?, email = ?, phone = '', message = '',
    product_description = ?, client_ip = '', user_agent = '', referrer = '', utm_source = '', utm_medium = '',
    utm_campaign = '', version = version + 1, updated_at = ?
WHERE id = ?;

-- name: erase-notes
UPDATE enquiry_events SET detail = ? WHERE enquiry_id = ? AND kind = 'note';

-- name: cancel-unsent-mail
UPDATE outbox SET status = 'failed', last_error = ?, lease_until = NULL WHERE enquiry_id = ? AND status = 'pending';

-- name: event-details
SELECT id, detail FROM enquiry_events WHERE enquiry_id = ?;

-- name: set-event-detail
UPDATE enquiry_events SET detail = ? WHERE id = ?;

-- name: mail-texts
SELECT id, recipients, last_error, subject, body, cc, sender_name FROM outbox WHERE enquiry_id = ?;

-- name: set-mail-texts
UPDATE outbox SET recipients = ?, last_error = ?, subject = ?, body = ?, cc = ?, sender_name = ? WHERE id = ?;

-- name: set-audit-detail
UPDATE audit_log SET detail = ? WHERE id = ?;

-- name: spam-before
SELECT id, destinations, company, email FROM enquiries WHERE status = 'spam' AND created_at < ? LIMIT ?;

-- name: match-candidates
-- The enquiries a new one may duplicate: the latest ten since a moment
-- under each of its two match keys (a range of the keys' b-tree each),
-- with what the comparison reads, in no order (the caller orders them).
-- Parameters: key, since, key, since.
SELECT e.id, e.email, e.company, e.destinations, e.shipment_value_cents, e.currency
FROM enquiries AS e
WHERE e.id IN (
    SELECT enquiry_id FROM (SELECT enquiry_id FROM enquiry_match_keys WHERE key = ? AND created_at >= ?
        ORDER BY created_at DESC LIMIT 10) AS by_first_key
    UNION ALL
    SELECT enquiry_id FROM (SELECT enquiry_id FROM enquiry_match_keys WHERE key = ? AND created_at >= ?
        ORDER BY created_at DESC LIMIT 10) AS by_second_key)
  AND e.status <> 'spam' AND e.duplicate_of IS NULL;

-- name: insert-match-keys
-- {rows} is "(?, ?, ?)" once per key.
INSERT INTO enquiry_match_keys (key, created_at, enquiry_id) VALUES {rows};

-- name: delete-match-key
DELETE FROM enquiry_match_keys
WHERE key = ? AND created_at = (SELECT created_at FROM enquiries WHERE id = ?) AND enquiry_id = ?;

-- name: insert-duplicate
INSERT INTO enquiry_duplicates (enquiry_id, other_id, reason, state, created_at) VALUES (?, ?, ?, ?, ?);

-- name: duplicates-of
-- Parameters: id, the dismissed state, id, the dismissed state. Later (1):
-- id is the later of the pair.
SELECT other_id, reason, state, 1 AS later FROM enquiry_duplicates WHERE enquiry_id = ? AND state <> ?
UNION ALL
SELECT enquiry_id, reason, state, 0 FROM enquiry_duplicates WHERE other_id = ? AND state <> ?;

-- name: first-response
-- The enquiry's first response, unless it has one.
UPDATE enquiries SET first_response_at = ?, first_response_by = ? WHERE id = ? AND first_response_at IS NULL;

-- name: notify-assigned
-- The account to mail about an enquiry given to it: active, mail on.
SELECT count(*) FROM users WHERE id = ? AND NOT disabled AND notify_assigned = ?;

-- name: enquiry-line
-- A destination line through the destinations' key: created_at exactly as
-- stored, read from the enquiry itself. Parameters: country, id, id.
SELECT state, fee_cents, fee_currency, assignee_id FROM enquiry_destinations
WHERE country = ? AND created_at = (SELECT created_at FROM enquiries WHERE id = ?) AND enquiry_id = ?;

-- name: update-line
UPDATE enquiry_destinations SET state = ?, fee_cents = ?, fee_currency = ?, assignee_id = ?
WHERE country = ? AND created_at = (SELECT created_at FROM enquiries WHERE id = ?) AND enquiry_id = ?;

-- name: delete-destination
-- created_at exactly as stored, read from the enquiry itself.
DELETE FROM enquiry_destinations
WHERE country = ? AND created_at = (SELECT created_at FROM enquiries WHERE id = ?) AND enquiry_id = ?;

-- name: delete-enquiry
DELETE FROM enquiries WHERE id = ?;

-- ---------------------------------------------------------------- the writer

-- name: savepoint
SAVEPOINT op;

-- name: release-savepoint
RELEASE op;

-- name: rollback-to-savepoint
ROLLBACK TO op;

-- name: savepoint-enquiry
-- Around the enquiry insert, which may clash on its reference and be
-- retried with a new one.
SAVEPOINT enquiry;

-- name: rollback-to-enquiry
ROLLBACK TO enquiry;

-- ---------------------------------------------------------------- compliance

-- fragment: has-scheme
-- The list's filter by scheme: enquiries with a finding of any version of
-- a rule of that scheme.
e.id IN (SELECT f.enquiry_id FROM enquiry_findings f
    JOIN compliance_rules r ON r.id = f.rule_id AND r.version = f.rule_version WHERE r.scheme = ?)

-- name: count-rules
SELECT count(*) FROM compliance_rules;

-- name: insert-rule
INSERT INTO compliance_rules (id, version, destination, categories, conditions, scheme, authority, summary,
    severity, local_entity, lead_time, source, source_url, verified, reviewed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id, version) DO NOTHING;

-- name: current-rules
-- The newest version of each rule; the parameter is false (not retired).
SELECT r.id, r.version, r.destination, r.categories, r.conditions, r.scheme, r.authority, r.summary, r.severity,
    r.local_entity, r.lead_time, r.source, r.source_url, r.verified, r.reviewed
FROM compliance_rules r
WHERE r.version = (SELECT max(v.version) FROM compliance_rules v WHERE v.id = r.id) AND r.retired = ?
ORDER BY r.id;

-- name: delete-findings
DELETE FROM enquiry_findings WHERE enquiry_id = ?;

-- name: next-rule-version
SELECT coalesce(max(version), 0) + 1 FROM compliance_rules WHERE id = ?;

-- name: insert-rule-version
-- A new version of a rule (the previous versions stay, for the findings
-- made with them); retired ends the rule.
INSERT INTO compliance_rules (id, version, destination, categories, conditions, scheme, authority, summary,
    severity, local_entity, lead_time, source, source_url, verified, reviewed, retired)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: insert-finding
INSERT INTO enquiry_findings (enquiry_id, country, rule_id, rule_version) VALUES (?, ?, ?, ?);

-- name: findings-of-enquiry
-- By destination, the most severe first (block, hold, action, info), then
-- by rule; each with its rule's text in the version that applied.
SELECT f.country, r.id, r.version, r.destination, r.categories, r.conditions, r.scheme, r.authority, r.summary,
    r.severity, r.local_entity, r.lead_time, r.source, r.source_url, r.verified, r.reviewed
FROM enquiry_findings f JOIN compliance_rules r ON r.id = f.rule_id AND r.version = f.rule_version
WHERE f.enquiry_id = ?
ORDER BY f.country, CASE r.severity WHEN 'block' THEN 0 WHEN 'hold' THEN 1 WHEN 'action' THEN 2 ELSE 3 END, r.id;

-- ---------------------------------------------------------------- mail that comes back

-- name: ensure-mailbox
INSERT INTO mailboxes (name) VALUES (?) ON CONFLICT (name) DO NOTHING;

-- name: lease-mailbox
-- Takes or renews the poller's lease: free, run out, or already ours.
-- Parameters: holder, until, name, holder, now.
UPDATE mailboxes SET lease_holder = ?, lease_until = ?
WHERE name = ? AND (lease_holder = ? OR lease_until IS NULL OR lease_until <= ?);

-- name: mailbox-place
SELECT uid_validity, last_uid FROM mailboxes WHERE name = ?;

-- name: advance-mailbox
-- Moves the poller on, only while it holds the lease; a new UIDVALIDITY
-- starts again from UID 0. Parameters: validity, uid, name, holder, now.
UPDATE mailboxes SET uid_validity = ?, last_uid = ?
WHERE name = ? AND lease_holder = ? AND lease_until > ?;

-- name: release-mailbox
UPDATE mailboxes SET lease_until = NULL WHERE name = ? AND lease_holder = ?;

-- name: inbound-seen
-- A message already recorded under its Message-ID, in any place.
SELECT count(*) FROM inbound_mail WHERE message_id = ?;

-- name: last-prospect-message
-- The Message-ID of the prospect's latest message about an enquiry.
SELECT message_id FROM inbound_mail WHERE enquiry_id = ? AND message_id <> '' AND NOT auto_reply
ORDER BY id DESC LIMIT 1;

-- name: outbox-enquiry
-- The enquiry a message of ours was about, if its reference is the one its
-- Message-ID names. Parameters: the message's id, the reference.
SELECT o.enquiry_id FROM outbox AS o JOIN enquiries AS e ON e.id = o.enquiry_id
WHERE o.id = ? AND e.reference = ?;

-- name: enquiry-by-reference
SELECT id FROM enquiries WHERE reference = ?;

-- name: enquiry-assignee
SELECT assignee_id FROM enquiries WHERE id = ?;

-- name: awaiting-reply
-- The first unanswered message from the prospect starts the wait.
UPDATE enquiries SET awaiting_reply_since = ? WHERE id = ? AND awaiting_reply_since IS NULL;

-- name: answered
UPDATE enquiries SET awaiting_reply_since = NULL WHERE id = ? AND awaiting_reply_since IS NOT NULL;

-- name: count-awaiting-reply
SELECT count(*) FROM enquiries WHERE awaiting_reply_since IS NOT NULL;

-- name: erase-inbound-mail
-- The prospect's own words go whole, not only their names in them.
-- Parameters: the erased marker (from, name, subject, body), the enquiry.
UPDATE inbound_mail SET from_address = ?, from_name = ?, subject = ?, body = ?, attachments = '', cut_bytes = 0
WHERE enquiry_id = ?;

-- name: erase-unmatched-mail
-- As erase-inbound-mail, for the mail from an address no enquiry took.
UPDATE inbound_mail SET from_address = ?, from_name = ?, subject = ?, body = ?, attachments = '', cut_bytes = 0
WHERE lower(from_address) = ? AND enquiry_id IS NULL;

-- name: erase-prospect-mail-events
-- The prospect wrote them, and is named as their author.
UPDATE enquiry_events SET actor = ?, detail = ? WHERE enquiry_id = ? AND kind = 'prospect_mail';

-- name: acknowledgement-of
-- The acknowledgement the prospect got, which a reply continues.
SELECT id FROM outbox WHERE enquiry_id = ? AND kind = 'acknowledgement' ORDER BY id LIMIT 1;

-- ---------------------------------------------------------------- attachments

-- name: stage-attachment
-- Parameters: the post's upload key, name, media type, created_at.
INSERT INTO attachments (upload, name, media_type, created_at) VALUES (?, ?, ?, ?) RETURNING id;

-- name: insert-attachment-chunk
INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?);

-- name: finish-attachment
UPDATE attachments SET size = ?, sha256 = ? WHERE id = ?;

-- name: delete-attachment
DELETE FROM attachments WHERE id = ?;

-- name: claim-attachments
-- The files of an accepted post become the enquiry's.
UPDATE attachments SET enquiry_id = ?, upload = NULL WHERE upload = ?;

-- name: drop-staged-attachments
-- The files of a refused post.
DELETE FROM attachments WHERE upload = ?;

-- name: purge-staged-attachments
-- Files staged by posts that never finished (the process stopped, the
-- prospect left mid-upload).
DELETE FROM attachments WHERE id IN (SELECT id FROM attachments WHERE upload IS NOT NULL AND created_at < ? LIMIT ?);

-- name: enquiry-attachments
SELECT id, name, media_type, size, sha256, created_at FROM attachments WHERE enquiry_id = ? ORDER BY id;

-- name: attachment
SELECT id, enquiry_id, name, media_type, size, sha256, created_at FROM attachments WHERE id = ? AND enquiry_id = ?;

-- name: attachment-chunks
SELECT data FROM attachment_chunks WHERE attachment_id = ? ORDER BY seq;

-- name: erase-attachments
DELETE FROM attachments WHERE enquiry_id = ?;

-- ---------------------------------------------------------------- full-text search

-- name: search-notes
SELECT detail FROM enquiry_events WHERE enquiry_id = ? AND kind = 'note' ORDER BY id;

-- name: search-fields-after
-- A batch of enquiries for rebuilding the search documents, by id.
SELECT id, full_name, company, email, phone, product_description, message FROM enquiries
WHERE id > ? ORDER BY id LIMIT ?;

-- name: search-notes-between
-- The notes of the enquiries with ids in (first, last].
SELECT enquiry_id, detail FROM enquiry_events WHERE kind = 'note' AND enquiry_id > ? AND enquiry_id <= ?
ORDER BY enquiry_id, id;

-- name: delete-search-documents
DELETE FROM enquiry_search;

-- name: search-texts-of
-- The longer texts of a page of search results, for the list's snippets;
-- {ids} is "?" once per enquiry.
SELECT id, product_description, message FROM enquiries WHERE id IN ({ids});

-- name: search-notes-of
SELECT enquiry_id, detail FROM enquiry_events WHERE kind = 'note' AND enquiry_id IN ({ids}) ORDER BY enquiry_id, id;

-- name: owe-search-document
INSERT INTO search_backlog (enquiry_id) VALUES (?);

-- name: search-owed
SELECT EXISTS (SELECT 1 FROM search_backlog);

-- name: forget-owed-search-document
DELETE FROM search_backlog WHERE enquiry_id = ?;

-- ---------------------------------------------------------------- rollups

-- name: add-rollups
-- {rows} is "(?, ?, ?, ?, ?, ?)" once per counter (dim, grain, period, key,
-- n, amount), in key order.
INSERT INTO rollups (dim, grain, period, key, n, amount) VALUES {rows}
ON CONFLICT (dim, grain, period, key) DO UPDATE SET n = rollups.n + excluded.n, amount = rollups.amount + excluded.amount;

-- name: rollup-sums
-- One grouping over a period: the whole months, then the days before and
-- after them (each a range of the primary key). Parameters: dim, first
-- month, end month; dim, first day, end of the first days; dim, first of
-- the last days, end day.
SELECT key, CAST(sum(n) AS BIGINT), CAST(sum(amount) AS BIGINT) FROM (
    SELECT key, n, amount FROM rollups WHERE dim = ? AND grain = 'm' AND period >= ? AND period < ?
    UNION ALL
    SELECT key, n, amount FROM rollups WHERE dim = ? AND grain = 'd' AND period >= ? AND period < ?
    UNION ALL
    SELECT key, n, amount FROM rollups WHERE dim = ? AND grain = 'd' AND period >= ? AND period < ?
) AS parts GROUP BY key;

-- name: rollup-periods
-- One grouping by period of one grain, one key left out. Parameters: dim,
-- grain, the key left out, first period, end period.
SELECT period, CAST(sum(n) AS BIGINT) FROM rollups WHERE dim = ? AND grain = ? AND key <> ? AND period >= ? AND period < ?
GROUP BY period;

-- name: all-rollups
SELECT dim, grain, period, key, n, amount FROM rollups;

-- name: delete-rollups
DELETE FROM rollups;

-- name: rebuild-rollups
-- {recount} is the dialect's recount fragment.
INSERT INTO rollups (dim, grain, period, key, n, amount)
SELECT dim, grain, period, key, n, amount FROM ({recount}) AS counted;
