-- The next action on an enquiry: a date in the desk's time zone
-- (YYYY-MM-DD, so it sorts as text), NULL when none is planned. The
-- partial index holds only the planned ones, which the "due" filter and
-- count walk.
ALTER TABLE enquiries ADD COLUMN follow_up_on VARCHAR(10);
CREATE INDEX enquiries_follow_up ON enquiries (follow_up_on) WHERE follow_up_on IS NOT NULL;
