// fetch's own message ("fetch failed") says nothing; the cause's code does, and carries no URL path.
// Duck-typed because the timeout's DOMException is not always `instanceof Error` (other realms, jest).
export function describeNetworkError(error: unknown): string {
  const { name, cause } = (error ?? {}) as { name?: string; cause?: { code?: string } };
  if (name === 'TimeoutError') return 'timed out';
  return cause?.code ?? name ?? 'unknown error';
}
