import { AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { describeNetworkError } from './network-error';

// Enough for any error answer worth quoting; a runaway answer costs neither memory nor time beyond this.
const MAX_ANSWER_BYTES = 16 * 1024;

export interface ChannelRequest {
  headers: Record<string, string>;
  body: string | URLSearchParams;
  timeoutMs: number;
}

/** A non-2xx, non-redirect answer: its status and at most MAX_ANSWER_BYTES of its body. */
export interface ChannelRefusal {
  status: number;
  text: string;
}

/**
 * POSTs one delivery. Redirects are not followed (they would replay a signed body or
 * credentials to wherever the receiver points) and fail the delivery; a 2xx resolves
 * with undefined; any other answer resolves with its status and a capped body.
 * `what` names the receiver in messages ("Slack webhook"); the URL never appears.
 */
export async function postToChannel(what: string, url: string, request: ChannelRequest): Promise<ChannelRefusal | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    if (response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new AlertDeliveryError(DeliveryFailureKind.Permanent, `${what} answered ${response.status}, a redirect; redirects are not followed`);
    }
    return { status: response.status, text: await readCapped(response) };
  } catch (error) {
    if (error instanceof AlertDeliveryError) throw error;
    throw new AlertDeliveryError(DeliveryFailureKind.Retryable, `${what} unreachable: ${describeNetworkError(error)}`);
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_ANSWER_BYTES - size;
    chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
    size += Math.min(value.byteLength, room);
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
