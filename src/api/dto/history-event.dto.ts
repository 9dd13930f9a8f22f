import { ApiProperty } from '@nestjs/swagger';
import { TokenStatus } from '../../oauth/token-status';
import { TokenEventSource } from '../../token-history/token-event-source';

export class HistoryEventDto {
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;

  @ApiProperty({ enum: TokenStatus, enumName: 'TokenStatus', nullable: true, description: 'Null for the first status a connection had' })
  fromStatus!: TokenStatus | null;

  @ApiProperty({ enum: TokenStatus, enumName: 'TokenStatus' })
  toStatus!: TokenStatus;

  @ApiProperty({ type: String, nullable: true, description: 'The health-check error at the transition; never a secret' })
  error!: string | null;

  @ApiProperty({ enum: TokenEventSource, enumName: 'TokenEventSource', description: 'What changed the status' })
  source!: TokenEventSource;
}
