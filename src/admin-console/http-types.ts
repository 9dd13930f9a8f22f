/** The slices of the platform's request and response objects the console uses. */
export interface ConsoleRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  body?: Record<string, unknown>;
  ip?: string;
  secure?: boolean;
  /** Set by ConsoleAuthGuard for the handlers behind it. */
  consoleSession?: import('./console-session.service').ConsoleSession;
}

export interface ConsoleResponse {
  status(code: number): this;
  setHeader(name: string, value: string | string[]): this;
  getHeader(name: string): unknown;
  send(body: string): this;
  redirect(status: number, url: string): void;
}

/** One plain string from a query or form field; repeated or missing fields count as absent. */
export function field(source: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = source?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every plain string of a form field that may repeat (checkboxes); anything else counts as absent. */
export function fields(source: Record<string, unknown> | undefined, name: string): string[] {
  const value = source?.[name];
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.filter((item): item is string => typeof item === 'string');
}
