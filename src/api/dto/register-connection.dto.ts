import { ApiProperty } from '@nestjs/swagger';

/** The body of `POST /connections`: the fields of GraphQL's RegisterOAuthTokenInput. */
export class RegisterConnectionDto {
  @ApiProperty()
  clientId!: string;

  @ApiProperty()
  provider!: string;

  @ApiProperty()
  refreshToken!: string;

  @ApiProperty({ type: String, nullable: true, required: false })
  accessToken?: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, required: false })
  accessTokenExpiresAt?: string | null;

  @ApiProperty({ type: String, nullable: true, required: false, description: 'Zoho data-centre accounts URL; must pass the allowlist' })
  accountsServer?: string | null;
}

export const REGISTER_CONNECTION_FIELDS = ['clientId', 'provider', 'refreshToken', 'accessToken', 'accessTokenExpiresAt', 'accountsServer'] as const;
