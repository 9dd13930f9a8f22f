import { MigrationInterface, QueryRunner } from 'typeorm';

const RECORD_TRANSITION_V1 = `
  CREATE OR REPLACE FUNCTION token_health_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    event_source text := COALESCE(NULLIF(current_setting('token_health.event_source', true), ''), 'check');
  BEGIN
    IF event_source NOT IN ('check', 'register', 'connect', 'access') THEN
      event_source := 'check';
    END IF;
    INSERT INTO token_health_events (token_id, client_id, provider, from_status, to_status, error, source)
    VALUES (NEW.id, NEW.client_id, NEW.provider,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.token_status END,
            NEW.token_status, NEW.health_check_error, event_source);
    RETURN NULL;
  END
  $$`;

/**
 * History records what a transaction left, not its steps: a registration inserts the row
 * with the column default and verifies it in the same transaction, and only the verified
 * status is a fact. A later change of the same row in the same transaction folds into the
 * event that transaction already wrote (and removes it when the status ends where it began).
 */
export class HistoryOneEventPerTransaction1764300024000 implements MigrationInterface {
  name = 'HistoryOneEventPerTransaction1764300024000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE token_health_events ADD COLUMN transaction_id bigint NULL DEFAULT txid_current()');
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION token_health_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        event_source text := COALESCE(NULLIF(current_setting('token_health.event_source', true), ''), 'check');
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
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(RECORD_TRANSITION_V1);
    await queryRunner.query('ALTER TABLE token_health_events DROP COLUMN transaction_id');
  }
}
