import { ApiProperty } from '@nestjs/swagger';
import { TokenStatus } from '../../oauth/token-status';
import { CheckRunDto } from './check-run.dto';

export class StatusCountDto {
  @ApiProperty({ enum: TokenStatus, enumName: 'TokenStatus' })
  status!: TokenStatus;

  @ApiProperty({ type: 'integer' })
  count!: number;
}

export class ProviderStatusCountDto {
  @ApiProperty()
  provider!: string;

  @ApiProperty({ enum: TokenStatus, enumName: 'TokenStatus' })
  status!: TokenStatus;

  @ApiProperty({ type: 'integer' })
  count!: number;
}

export class ProviderOutageDto {
  @ApiProperty()
  provider!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  since!: Date;

  @ApiProperty({ type: 'integer' })
  failures!: number;
}

export class ProviderThrottlingDto {
  @ApiProperty()
  provider!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Refresh requests per second in force now' })
  rate!: number | null;

  @ApiProperty()
  message!: string;
}

export class SummaryDto {
  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiProperty({ type: [StatusCountDto], description: 'Every status, zeros included' })
  byStatus!: StatusCountDto[];

  @ApiProperty({ type: [ProviderStatusCountDto] })
  byProvider!: ProviderStatusCountDto[];

  @ApiProperty({ type: CheckRunDto, nullable: true, description: 'Null before the first completed cycle in this process' })
  lastCycle!: CheckRunDto | null;

  @ApiProperty({ type: [ProviderOutageDto], description: 'Open provider outages, empty when none' })
  outages!: ProviderOutageDto[];

  @ApiProperty({ type: [String], description: 'Alert channels configured; empty while none is (alerts then stay due)' })
  alertChannels!: string[];

  @ApiProperty({ type: 'integer', description: 'Connections not healthy right now' })
  unhealthy!: number;

  @ApiProperty({
    type: [ProviderThrottlingDto],
    description: 'Providers that keep throttling refreshes despite pacing (not outages), empty when none',
  })
  throttling!: ProviderThrottlingDto[];
}
