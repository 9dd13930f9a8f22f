import { ApiProperty } from '@nestjs/swagger';
import { TokenStatus } from '../../oauth/token-status';

export class ConnectionReportDto {
  @ApiProperty()
  clientId!: string;

  @ApiProperty()
  provider!: string;

  @ApiProperty({ enum: TokenStatus, enumName: 'TokenStatus' })
  status!: TokenStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last successful refresh' })
  lastRefresh!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastHealthCheck!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  accessTokenExpiresAt!: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'Last health-check error; never a secret' })
  error!: string | null;
}
