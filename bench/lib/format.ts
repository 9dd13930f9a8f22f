'use strict';
// Number formatting and Markdown tables shared by the benches' printed reports.

const ms = (value) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const mb = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`;
const ratio = (value) => (Number.isFinite(value) ? `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×` : 'n/a');
const count = (n) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const percent = (share) => (share == null ? 'n/a' : `${Math.round(share * 100)} %`);
const verdict = (ok) => (ok ? 'met' : '**missed**');

function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

module.exports = { ms, mb, ratio, count, percent, verdict, table };
