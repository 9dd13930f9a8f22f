import { MigrationInterface, QueryRunner } from 'typeorm';

const ONE_EVENT_PER_TRANSACTION = `
  CREATE OR REPLACE FUNCTION token_health_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    event_source text := COALESCE(NULLIF(current_setting('token_health.event_source', true), ''), 'check');
    earlier record;
  BEGIN
    IF event_source NOT IN ('check', 'register', 'connect', 'access') THEN
      event_source := 'check';
    END IF;
    IF TG_OP = 'UPDATE' THEN
      SELECT id, from_status INTO earlier FROM token_health_events
       WHERE client_id = NEW.client_id AND provider = NEW.provider AND at = now()
         AND token_id = NEW.id AND transaction_id = txid_current()
       ORDER BY id DESC LIMIT 1;
      IF FOUND THEN
        IF earlier.from_status IS NOT DISTINCT FROM NEW.token_status THEN
          DELETE FROM token_health_events WHERE id = earlier.id;
        ELSE
          UPDATE token_health_events SET to_status = NEW.token_status, error = NEW.health_check_error WHERE id = earlier.id;
        END IF;
        RETURN NULL;
      END IF;
    END IF;
    INSERT INTO token_health_events (token_id, client_id, provider, from_status, to_status, error, source)
    VALUES (NEW.id, NEW.client_id, NEW.provider,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.token_status END,
            NEW.token_status, NEW.health_check_error, event_source);
    RETURN NULL;
  END
  $$`;

/**
 * A registration stores its token set in one transaction and writes the provider's verdict in a
 * later one (no connection is held while the provider answers). The event the store writes is
 * marked pending; the verdict folds into it (or removes it when the status ends where it began),
 * so the history still starts at the verified status. The registration settles a pending event
 * whose verdict changed nothing.
 */
export class HistoryVerifiedRegistration1764300044000 implements MigrationInterface {
  name = 'HistoryVerifiedRegistration1764300044000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE token_health_events ADD COLUMN pending boolean NOT NULL DEFAULT false');
    await queryRunner.query('CREATE INDEX ix_token_health_events_pending ON token_health_events (token_id) WHERE pending');
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION token_health_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        event_source text := COALESCE(NULLIF(current_setting('token_health.event_source', true), ''), 'check');
        store_pending boolean := COALESCE(current_setting('token_health.pending', true), '') = 'on';
        earlier record;
      BEGIN
        IF event_source NOT IN ('check', 'register', 'connect', 'access') THEN
          event_source := 'check';
        END IF;
        IF TG_OP = 'UPDATE' THEN
          -- now() is the transaction's start: with (client_id, provider) it finds the event on the history index.
          SELECT id, from_status INTO earlier FROM token_health_events
           WHERE client_id = NEW.client_id AND provider = NEW.provider AND at = now()
             AND token_id = NEW.id AND transaction_id = txid_current()
           ORDER BY id DESC LIMIT 1;
          IF NOT FOUND AND NOT store_pending THEN
            SELECT id, from_status INTO earlier FROM token_health_events
             WHERE token_id = NEW.id AND token_health_events.pending
             ORDER BY id DESC LIMIT 1;
          END IF;
          IF FOUND THEN
            IF earlier.from_status IS NOT DISTINCT FROM NEW.token_status THEN
              DELETE FROM token_health_events WHERE id = earlier.id;
            ELSE
              UPDATE token_health_events
                 SET to_status = NEW.token_status, error = NEW.health_check_error, pending = store_pending
               WHERE id = earlier.id;
            END IF;
            RETURN NULL;
          END IF;
        END IF;
        INSERT INTO token_health_events (token_id, client_id, provider, from_status, to_status, error, source, pending)
        VALUES (NEW.id, NEW.client_id, NEW.provider,
                CASE WHEN TG_OP = 'UPDATE' THEN OLD.token_status END,
                NEW.token_status, NEW.health_check_error, event_source, store_pending);
        RETURN NULL;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(ONE_EVENT_PER_TRANSACTION);
    await queryRunner.query('DROP INDEX ix_token_health_events_pending');
    await queryRunner.query('ALTER TABLE token_health_events DROP COLUMN pending');
  }
}
