import { ApiProperty } from '@nestjs/swagger';
import { ConnectionReportDto } from './connection-report.dto';

export class ConnectionPageDto {
  @ApiProperty({ type: [ConnectionReportDto], description: 'Worst status first, then most recently checked' })
  items!: ConnectionReportDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  next!: string | null;
}
