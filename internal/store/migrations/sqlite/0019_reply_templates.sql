-- Reply templates (canned replies) that managers keep: a name, a subject
-- and a body with merge fields, checked when saved (internal/replytpl).
-- Three useful ones to start from.
CREATE TABLE reply_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT     NOT NULL UNIQUE,
    subject    TEXT     NOT NULL,
    body       TEXT     NOT NULL,
    updated_at DATETIME NOT NULL
);
INSERT INTO reply_templates (name, subject, body, updated_at) VALUES
('First answer: invoice and product list', 'Re: [{{.Reference}}] your enquiry',
 'Dear {{.Name}},

thank you for your enquiry {{.Reference}} for {{.Destinations}}.

To check the import requirements and quote, we need:
- the commercial (or pro-forma) invoice, and
- the product list with models, quantities and HS codes, and the datasheets.

Kind regards,
{{.Agent}}
IOR Desk', CURRENT_TIMESTAMP),
('Needs certification', 'Re: [{{.Reference}}] certification needed',
 'Dear {{.Name}},

thank you for your enquiry {{.Reference}}. For {{.Destinations}} the goods need a local certification before they can be imported; we will send the steps, the lead time and the cost.

Kind regards,
{{.Agent}}
IOR Desk', CURRENT_TIMESTAMP),
('Not serviceable', 'Re: [{{.Reference}}] your enquiry',
 'Dear {{.Name}},

thank you for your enquiry {{.Reference}}. We are sorry: we cannot act as the importer for this shipment to {{.Destinations}}.

Kind regards,
{{.Agent}}
IOR Desk', CURRENT_TIMESTAMP);
