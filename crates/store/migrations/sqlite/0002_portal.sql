-- Customer portal links: unguessable tokens (stored hashed) that let a customer follow one
-- complaint without an account. Keep in step with ../postgres/0002_portal.sql.
CREATE TABLE public_links (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX public_links_complaint ON public_links(complaint_id);
