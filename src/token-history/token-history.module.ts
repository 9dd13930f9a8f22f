import { Module } from '@nestjs/common';
import { TokenHealthEventRepository } from './token-health-event.repository';
import { TokenHistoryPruner } from './token-history.pruner';

/** Status-transition history of connections: its table's repository and retention. */
@Module({
  providers: [TokenHealthEventRepository, TokenHistoryPruner],
  exports: [TokenHealthEventRepository, TokenHistoryPruner],
})
export class TokenHistoryModule {}
