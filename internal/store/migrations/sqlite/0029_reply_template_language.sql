-- The language a reply template is written in (a code of internal/lang):
-- the enquiry page offers first the templates in the prospect's language,
-- and fills their merge fields with names in that language.
ALTER TABLE reply_templates ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
