-- Search speed (issue 5): PostgreSQL matches and ranks on a narrow table of its own.
--
-- The tsvector used to sit in complaint_search next to the text and the token strings, so the
-- rows were too wide to keep it inline: checking a complaint meant detoasting its tsvector from
-- the TOAST table, and walking the newest complaints for a ranked search cost about 2.5 us a
-- row. complaint_terms holds only the id and the tsvector (inline for most complaints), walks
-- about four times faster, and its heap is what a GIN bitmap visits. complaint_search keeps the
-- text (snippets) and the tokens, from which a trigger keeps complaint_terms current, as the
-- FTS5 triggers do on SQLite. Nothing changes on SQLite.

-- dialect: begin (PostgreSQL only: the narrow match table, filled once and then by trigger)
CREATE TABLE complaint_terms (
    complaint_id BIGINT PRIMARY KEY,
    tsv          tsvector NOT NULL
);
INSERT INTO complaint_terms (complaint_id, tsv) SELECT complaint_id, tsv FROM complaint_search;
ALTER TABLE complaint_search DROP COLUMN tsv;
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX complaint_terms_tsv ON complaint_terms USING gin (tsv);
-- 'simple' splits the space-separated tokens back into exactly themselves (no stemming, no stop
-- words); the body outranks notes. New rows are indexed once per statement (the intake writer
-- inserts a whole batch in one): a row-level PL/pgSQL trigger, and a foreign key checked row by
-- row, cost intake more than half its throughput. complaint_terms follows complaint_search,
-- which references complaints, so it needs no foreign key of its own.
CREATE FUNCTION complaint_terms_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO complaint_terms (complaint_id, tsv)
    SELECT complaint_id,
           setweight(to_tsvector('simple', body_tokens), 'A')
           || setweight(to_tsvector('simple', notes_tokens), 'B')
    FROM new_rows
    ON CONFLICT (complaint_id) DO UPDATE SET tsv = EXCLUDED.tsv;
    RETURN NULL;
END
$$;
CREATE TRIGGER complaint_search_terms_insert
    AFTER INSERT ON complaint_search
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION complaint_terms_insert();
-- Notes and text changes touch one complaint at a time.
CREATE FUNCTION complaint_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM complaint_terms WHERE complaint_id = OLD.complaint_id;
        RETURN NULL;
    END IF;
    UPDATE complaint_terms
    SET tsv = setweight(to_tsvector('simple', NEW.body_tokens), 'A')
              || setweight(to_tsvector('simple', NEW.notes_tokens), 'B')
    WHERE complaint_id = NEW.complaint_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER complaint_search_terms
    AFTER DELETE OR UPDATE OF body_tokens, notes_tokens ON complaint_search
    FOR EACH ROW EXECUTE FUNCTION complaint_terms_sync();
ANALYZE complaint_terms;
-- dialect: end
