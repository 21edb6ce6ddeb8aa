-- Search terms beside the intake writer (issue 2): complaint_terms is no longer filled by a
-- statement trigger inside the writer's transaction. The writer commits the complaints and their
-- complaint_search rows and hands the new ids to the store's terms indexer, which fills
-- complaint_terms after the commit, ten times a second, in one statement (`writer::terms`). It
-- was about a fifth of the writer's transaction, the one serial stage of intake (BENCHMARKS.md,
-- "The writer, eleventh pass").
--
-- Notes and text changes still update the terms by trigger. The trigger now inserts the row if
-- the indexer has not yet, and the indexer never overwrites a row, so whichever of the two
-- commits last, the terms follow the newest text.

-- dialect: begin (PostgreSQL only)
DROP TRIGGER complaint_search_terms_insert ON complaint_search;
DROP FUNCTION complaint_terms_insert();
CREATE OR REPLACE FUNCTION complaint_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM complaint_terms WHERE complaint_id = OLD.complaint_id;
        RETURN NULL;
    END IF;
    INSERT INTO complaint_terms (complaint_id, tsv)
    VALUES (NEW.complaint_id,
            setweight(to_tsvector('simple', NEW.body_tokens), 'A')
            || setweight(to_tsvector('simple', NEW.notes_tokens), 'B'))
    ON CONFLICT (complaint_id) DO UPDATE SET tsv = EXCLUDED.tsv;
    RETURN NULL;
END
$$;
-- dialect: end
