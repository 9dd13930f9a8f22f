// Number formatting and Markdown tables shared by the benches' printed reports.

export const ms = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
export const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×` : 'n/a');
export const count = (n: number): string =>
  n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
export const percent = (share: number | null | undefined): string => (share == null ? 'n/a' : `${Math.round(share * 100)} %`);
export const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line of a bench's targets, and of run-all's summary table. */
export interface SummaryRow {
  figure: string;
  measured: string;
  target: string;
  verdict: string;
}
