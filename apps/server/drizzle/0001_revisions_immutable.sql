-- Custom migration (drizzle-kit generate --custom): revisions are an audit trail, so the database
-- itself refuses to change or delete them, whatever code runs against it.
CREATE TRIGGER `revisions_no_update` BEFORE UPDATE ON `revisions`
BEGIN
	SELECT RAISE(ABORT, 'revisions are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `revisions_no_delete` BEFORE DELETE ON `revisions`
BEGIN
	SELECT RAISE(ABORT, 'revisions are immutable');
END;
