import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn, VirtualColumn } from 'typeorm';
import { effectiveLastHealthCheckSql } from './effective-health-check.sql';
import { TokenStatus } from './token-status';

/**
 * One OAuth token set per (client, provider). Token columns hold ciphertext
 * (see TokenCipher); nothing outside OAuthTokenRepository sees them decrypted.
 */
@Entity({ name: 'oauth_tokens', comment: 'created by token-health' })
@Unique('uq_oauth_tokens_client_provider', ['clientId', 'provider'])
@Check('ck_oauth_tokens_token_status', `token_status IN ('${Object.values(TokenStatus).join("', '")}')`)
@Index('ix_oauth_tokens_token_status', ['tokenStatus'])
// Expression and operator-class indexes TypeORM cannot describe; the migrations own them.
@Index('ix_oauth_tokens_refresh_due', { synchronize: false })
@Index('ix_oauth_tokens_fleet_order', { synchronize: false })
export class OAuthToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId!: string;

  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  @Column({ name: 'access_token', type: 'text', nullable: true })
  accessToken!: string | null;

  @Column({ name: 'refresh_token', type: 'text', nullable: true })
  refreshToken!: string | null;

  @Column({ name: 'token_expiry', type: 'timestamptz', nullable: true })
  tokenExpiry!: Date | null;

  @Column({ type: 'text', nullable: true })
  scope!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'token_status', type: 'varchar', length: 20, default: TokenStatus.Healthy })
  tokenStatus!: TokenStatus;

  /**
   * When the checker last checked this token (exact). A sweep that finds a token unchanged does
   * not rewrite its row; this value includes those checks. Read-only: derived when loaded.
   */
  @VirtualColumn({ type: 'timestamptz', query: (alias) => effectiveLastHealthCheckSql(alias) })
  lastHealthCheck!: Date | null;

  /**
   * The `last_health_check` column as stored: the last check that wrote the row (a changed
   * verdict, a refresh, a one-client check). `lastHealthCheck` is the value to show.
   */
  @Column({ name: 'last_health_check', type: 'timestamptz', nullable: true })
  lastWrittenHealthCheck!: Date | null;

  @Column({ name: 'health_check_error', type: 'text', nullable: true })
  healthCheckError!: string | null;

  @Column({ name: 'last_refreshed_at', type: 'timestamptz', nullable: true })
  lastRefreshedAt!: Date | null;

  @Column({ name: 'last_refresh_attempt_at', type: 'timestamptz', nullable: true })
  lastRefreshAttemptAt!: Date | null;

  @Column({ name: 'refresh_token_expires_at', type: 'timestamptz', nullable: true })
  refreshTokenExpiresAt!: Date | null;

  @Column({ name: 'accounts_server', type: 'varchar', length: 255, nullable: true })
  accountsServer!: string | null;

  @Column({ name: 'api_domain', type: 'varchar', length: 255, nullable: true })
  apiDomain!: string | null;

  @Column({ name: 'health_check_lease_until', type: 'timestamptz', nullable: true })
  healthCheckLeaseUntil!: Date | null;

  @Column({ name: 'last_alert_status', type: 'varchar', length: 20, nullable: true })
  lastAlertStatus!: TokenStatus | null;

  @Column({ name: 'last_alerted_at', type: 'timestamptz', nullable: true })
  lastAlertedAt!: Date | null;
}
