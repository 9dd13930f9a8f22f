// The e2e specs' fake Zoho accounts server (test/support), answering every refresh after
// `latencyMs`; stopped by the cleanup. Its request log tells refreshes and duplicates.
import { FakeOAuthProvider } from '../../test/support/fake-oauth-provider';
import { onCleanup } from './cleanup';

export async function startFakeProvider(latencyMs: number): Promise<FakeOAuthProvider> {
  const fake = await FakeOAuthProvider.start();
  fake.latencyMs = latencyMs;
  onCleanup(() => fake.close());
  return fake;
}
