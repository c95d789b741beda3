-- The language the prospect wrote in (a BCP 47 code of internal/lang:
-- en, es, fr, de, pt-BR, zh-Hans, ar): their acknowledgement, and any
-- later mail to them, goes out in it. Enquiries from before were English.
ALTER TABLE enquiries ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
