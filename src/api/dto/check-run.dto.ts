import { ApiProperty } from '@nestjs/swagger';

export class CheckRunDto {
  @ApiProperty({ type: String, format: 'date-time' })
  startedAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  finishedAt!: Date;

  @ApiProperty({ type: 'integer' })
  checked!: number;

  @ApiProperty({ type: 'integer' })
  refreshed!: number;

  @ApiProperty({ type: 'integer' })
  failed!: number;
}
