/** A provider whose refreshes are failing across many connections at once. */
export interface ProviderOutage {
  provider: string;
  since: Date;
  failures: number;
}

/**
 * Where summaries read open provider outages from. A port: the outage detector
 * provides the real one; until then nothing is ever reported open.
 */
export abstract class ProviderOutageSource {
  abstract openOutages(): Promise<ProviderOutage[]>;
}
