import { CreateOAuthTokens1764000000000 } from './1764000000000-create-oauth-tokens';
import { AddTokenHealthColumns1764000000001 } from './1764000000001-add-token-health-columns';
import { CreateAlertOutbox1764000000002 } from './1764000000002-create-alert-outbox';
import { CreateOAuthConnectStates1764000000003 } from './1764000000003-create-oauth-connect-states';
import { IndexRefreshDue1764000000004 } from './1764000000004-index-refresh-due';
import { IndexConnectStatesAndOutboxRetention1764000011000 } from './1764000011000-index-connect-states-and-outbox-retention';
import { CreateTokenHealthEvents1764000013000 } from './1764000013000-create-token-health-events';
import { IndexFleetOrder1764000013001 } from './1764000013001-index-fleet-order';
import { CreateProviderOutages1764100000000 } from './1764100000000-create-provider-outages';
import { SearchClientsApart1764100013000 } from './1764100013000-search-clients-apart';
import { CreateConsoleSessionGeneration1764200021000 } from './1764200021000-create-console-session-generation';
import { CreateOAuthConnectCompletions1764200021001 } from './1764200021001-create-oauth-connect-completions';
import { HistoryVerifiedRegistration1764300044000 } from './1764300044000-history-verified-registration';
import { IndexClientPrefixSearch1764200034000 } from './1764200034000-index-client-prefix-search';
import { CreateApiKeys1764300039000 } from './1764300039000-create-api-keys';
import { HistoryOneEventPerTransaction1764300024000 } from './1764300024000-history-one-event-per-transaction';
import { CreateProviderConfigurationIncidents1764300024001 } from './1764300024001-create-provider-configuration-incidents';
import { CreateTokenHealthSweeps1764300043000 } from './1764300043000-create-token-health-sweeps';
import { CreateProviderRefreshBudgets1764300042000 } from './1764300042000-create-provider-refresh-budgets';

// Classes, not globs: one list serves ts (jest), compiled JS and the TypeORM CLI.
export const MIGRATIONS = [
  CreateOAuthTokens1764000000000,
  AddTokenHealthColumns1764000000001,
  CreateAlertOutbox1764000000002,
  CreateOAuthConnectStates1764000000003,
  IndexRefreshDue1764000000004,
  IndexConnectStatesAndOutboxRetention1764000011000,
  CreateTokenHealthEvents1764000013000,
  IndexFleetOrder1764000013001,
  CreateProviderOutages1764100000000,
  SearchClientsApart1764100013000,
  CreateConsoleSessionGeneration1764200021000,
  CreateOAuthConnectCompletions1764200021001,
  IndexClientPrefixSearch1764200034000,
  HistoryOneEventPerTransaction1764300024000,
  CreateProviderConfigurationIncidents1764300024001,
  CreateApiKeys1764300039000,
  CreateProviderRefreshBudgets1764300042000,
  CreateTokenHealthSweeps1764300043000,
  HistoryVerifiedRegistration1764300044000,
];
