import { ApiProperty } from '@nestjs/swagger';

/** RFC 9457 problem details, with the GraphQL error code as an extension member. */
export class ProblemDto {
  @ApiProperty({ example: 'about:blank' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status!: number;

  @ApiProperty({ required: false, description: 'What went wrong, in one line' })
  detail?: string;

  @ApiProperty({ description: 'The same code GraphQL answers: BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, TOO_MANY_REQUESTS, …' })
  code!: string;

  @ApiProperty({ required: false, description: 'The parameter or body field at fault (BAD_USER_INPUT)' })
  field?: string;
}
