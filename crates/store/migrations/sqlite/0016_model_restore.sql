-- A model version can be put back in use: the admin restores it, and it is stored again as the
-- next version (so every node, which reloads when the newest version changes, picks it up), with
-- the version it was copied from.
ALTER TABLE routing_models ADD COLUMN restored_from INTEGER;
