-- The audit log is read by who did it, what was done and to what ("who saw this customer's phone
-- number?"), over all of its history rather than the newest entries: an index for each, newest
-- first by id. Few rows are written (sign-ins, reveals, administration), so they cost intake
-- nothing. Keep in step with ../sqlite/0020_audit_lookups.sql.
CREATE INDEX audit_log_user ON audit_log(user_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_target ON audit_log(target, id);
