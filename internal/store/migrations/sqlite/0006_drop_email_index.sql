-- The e-mail index served no query: erasure compares without case
-- (COLLATE NOCASE, which a BINARY index cannot answer) and the list's
-- search ORs it with scans. Every intake paid for one more b-tree.
DROP INDEX IF EXISTS enquiries_email;
