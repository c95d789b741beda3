-- As SQLite's 0013: each destination of an enquiry is a line of work with
-- its own state, an optional quoted fee and an assignee (NULL: the
-- enquiry's), on its row of enquiry_destinations; lines of enquiries
-- already won or lost take that state. Timeline events name the line they
-- concern (country; '' for the enquiry as a whole).
ALTER TABLE enquiry_destinations ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE enquiry_destinations ADD COLUMN fee_cents BIGINT;
ALTER TABLE enquiry_destinations ADD COLUMN fee_currency TEXT NOT NULL DEFAULT '';
ALTER TABLE enquiry_destinations ADD COLUMN assignee_id BIGINT;
UPDATE enquiry_destinations AS d SET state = e.status
FROM enquiries AS e WHERE e.id = d.enquiry_id AND e.status IN ('won', 'lost');
ALTER TABLE enquiry_events ADD COLUMN country TEXT NOT NULL DEFAULT '';
