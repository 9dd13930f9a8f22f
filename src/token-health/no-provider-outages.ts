import { Injectable } from '@nestjs/common';
import { ProviderOutage, ProviderOutageSource } from './provider-outage.source';

/** The outage source used while no outage detector is installed. */
@Injectable()
export class NoProviderOutages extends ProviderOutageSource {
  openOutages(): Promise<ProviderOutage[]> {
    return Promise.resolve([]);
  }
}
