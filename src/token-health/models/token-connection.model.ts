import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ScanCost } from '../../common/graphql-cost';
import { FleetFilter } from '../../oauth/fleet-query';
import { TokenHealthReport } from '../token-health-report';
import { TokenHealthReportModel } from './token-health-report.model';

@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('TokenEdge')
export class TokenEdgeModel {
  @Field(() => String)
  cursor!: string;

  @Field(() => TokenHealthReportModel)
  node!: TokenHealthReport;
}

@ObjectType('TokenConnection')
export class TokenConnectionModel {
  @Field(() => [TokenEdgeModel])
  edges!: TokenEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;

  @ScanCost()
  @Field(() => Int, { description: 'Connections matching the whole filter (counted only when asked for)' })
  totalCount!: number;

  /** Not exposed: what totalCount counts. */
  filter!: FleetFilter;
}
