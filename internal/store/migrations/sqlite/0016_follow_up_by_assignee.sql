-- "My next actions due": the planned actions of one assignee, so that the
-- count walks them rather than everything the assignee has.
CREATE INDEX enquiries_follow_up_assignee ON enquiries (assignee_id, follow_up_on) WHERE follow_up_on IS NOT NULL;
