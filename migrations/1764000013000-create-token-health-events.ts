import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status-transition history. A trigger on oauth_tokens writes one event per
 * change of token_status, inside the transaction that changed it, whichever
 * statement did (a refresh, a set-wise sweep, a registration, a connect). The
 * writer names itself through the transaction-local setting
 * `token_health.event_source`; without it the change counts as a check.
 */
export class CreateTokenHealthEvents1764000013000 implements MigrationInterface {
  name = 'CreateTokenHealthEvents1764000013000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE token_health_events (
        id bigserial PRIMARY KEY,
        token_id uuid NOT NULL,
        client_id varchar(255) NOT NULL,
        provider varchar(64) NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        from_status varchar(20) NULL,
        to_status varchar(20) NOT NULL,
        error text NULL,
        source varchar(16) NOT NULL
          CONSTRAINT ck_token_health_events_source CHECK (source IN ('check', 'register', 'connect', 'access'))
      )`);
    // History of one connection, newest first; and the retention sweep by age.
    await queryRunner.query('CREATE INDEX ix_token_health_events_connection ON token_health_events (client_id, provider, at DESC, id DESC)');
    await queryRunner.query('CREATE INDEX ix_token_health_events_at ON token_health_events (at)');
    await queryRunner.query(`
      CREATE FUNCTION token_health_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
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
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER tr_oauth_tokens_status_inserted AFTER INSERT ON oauth_tokens
        FOR EACH ROW EXECUTE FUNCTION token_health_record_transition()`);
    await queryRunner.query(`
      CREATE TRIGGER tr_oauth_tokens_status_changed AFTER UPDATE OF token_status ON oauth_tokens
        FOR EACH ROW WHEN (OLD.token_status IS DISTINCT FROM NEW.token_status)
        EXECUTE FUNCTION token_health_record_transition()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER tr_oauth_tokens_status_changed ON oauth_tokens');
    await queryRunner.query('DROP TRIGGER tr_oauth_tokens_status_inserted ON oauth_tokens');
    await queryRunner.query('DROP FUNCTION token_health_record_transition()');
    await queryRunner.query('DROP TABLE token_health_events');
  }
}
