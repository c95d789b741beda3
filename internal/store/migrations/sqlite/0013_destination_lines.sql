-- Each destination of an enquiry is a line of work with its own state, an
-- optional quoted fee and an assignee (NULL: the enquiry's). The columns go
-- on enquiry_destinations, which already holds one row per destination:
-- the intake still writes one b-tree per destination, and the overview and
-- reports count lines by state where they counted destinations. Lines of
-- enquiries already won or lost take that state; all others are open.
-- Timeline events name the line they concern (country; '' for the
-- enquiry as a whole).
ALTER TABLE enquiry_destinations ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE enquiry_destinations ADD COLUMN fee_cents INTEGER;
ALTER TABLE enquiry_destinations ADD COLUMN fee_currency TEXT NOT NULL DEFAULT '';
ALTER TABLE enquiry_destinations ADD COLUMN assignee_id INTEGER;
UPDATE enquiry_destinations
SET state = (SELECT e.status FROM enquiries AS e WHERE e.id = enquiry_destinations.enquiry_id)
WHERE enquiry_id IN (SELECT id FROM enquiries WHERE status IN ('won', 'lost'));
ALTER TABLE enquiry_events ADD COLUMN country TEXT NOT NULL DEFAULT '';
