-- +goose Up
-- Staff rows and accounts (issue 13 #6): a roster row is linked to an
-- account only within the platform's scope (the account belongs to the
-- platform), so a manager cannot read another platform's staff member's
-- certificate or VAE status by typing their e-mail; and an e-mail is
-- unique within a roster, not across the nation, so that adding it tells
-- nothing about other platforms' rosters.
DROP INDEX staff_email_key;
CREATE UNIQUE INDEX staff_platform_email_key ON staff (platform_id, lower(email)) WHERE email IS NOT NULL;

-- Links made before this rule, outside scope, are undone.
UPDATE staff s SET user_id = NULL
 WHERE user_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.organisation_id = s.platform_id);

-- +goose StatementBegin
CREATE FUNCTION staff_link_in_scope() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.user_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.organisation_id = NEW.platform_id) THEN
    RAISE EXCEPTION 'staff %: account % is outside platform %', NEW.id, NEW.user_id, NEW.platform_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER staff_link_in_scope BEFORE INSERT OR UPDATE OF user_id, platform_id ON staff
  FOR EACH ROW EXECUTE FUNCTION staff_link_in_scope();

-- Departures (issue 14 #10): why the person left, said by the manager.
ALTER TABLE staff ADD COLUMN left_reason text NOT NULL DEFAULT '' CHECK (length(left_reason) <= 200);

-- +goose Down
ALTER TABLE staff DROP COLUMN left_reason;
DROP TRIGGER staff_link_in_scope ON staff;
DROP FUNCTION staff_link_in_scope();
DROP INDEX staff_platform_email_key;
CREATE UNIQUE INDEX staff_email_key ON staff (lower(email)) WHERE email IS NOT NULL;
