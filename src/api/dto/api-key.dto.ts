import { ApiProperty } from '@nestjs/swagger';
import { API_SCOPES } from '../../auth/api-scope';

/** An API key as it may be shown: never its secret or hash. */
export class ApiKeyDto {
  @ApiProperty({ description: 'Public id, also the part after `thk_` in the key; logs name a key by it' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [String], enum: API_SCOPES })
  scopes!: string[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Refused from then on; null: never expires' })
  expiresAt!: Date | null;
}

export class CreatedApiKeyDto {
  @ApiProperty({ description: 'The key itself: shown in this answer only' })
  key!: string;

  @ApiProperty({ type: ApiKeyDto })
  apiKey!: ApiKeyDto;
}

/** The body of `POST /api-keys`: the arguments of GraphQL's createApiKey. */
export class CreateApiKeyDto {
  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [String], enum: API_SCOPES })
  scopes!: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, required: false })
  expiresAt?: string | null;
}

export const CREATE_API_KEY_FIELDS = ['name', 'scopes', 'expiresAt'] as const;
