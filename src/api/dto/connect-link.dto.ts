import { ApiProperty } from '@nestjs/swagger';

export class ConnectLinkDto {
  @ApiProperty({ description: 'Signed, expiring URL that starts the connect flow' })
  url!: string;
}
