-- Where the end user is headquartered (ISO alpha-2, or '' when not said):
-- export controls key on it, whatever the destination.
ALTER TABLE enquiries ADD COLUMN end_user_hq_country TEXT NOT NULL DEFAULT '';
