-- The agent's mark that a caller's issue was left unresolved (event
-- call.resolution), which first-call resolution counts against.
ALTER TABLE cdrs ADD COLUMN unresolved BOOLEAN NOT NULL DEFAULT FALSE;
