-- Whether a person said a complaint's first department was the wrong one (分派有误, marked on
-- the first transfer): the routing outcomes count routing's mistakes apart from hand-offs by it.
-- Kept in step with the projection's `misrouted`. No complaint before this migration could carry
-- the mark, so there is nothing to fill in. Keep in step with ../postgres/0019_misrouted.sql.
ALTER TABLE complaints ADD COLUMN misrouted INTEGER NOT NULL DEFAULT 0;
