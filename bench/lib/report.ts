/** The printed table and the JSON written next to it. */
export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

export function fmtRate(n: number, unit = '/s'): string {
  return `${Math.round(n).toLocaleString('en-US')}${unit}`;
}
export function fmtMs(n: number): string {
  return `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
}
export function fmtRatio(n: number): string {
  return `${n.toFixed(2)}×`;
}
/** '≥ 0.5' or '≤ 1.5' checked against `ratio`; '' when the figure has no target. */
export function verdict(ratio: number, target: string): string {
  const m = /^([≥≤])\s*([\d.]+)/.exec(target);
  if (!m) return '';
  const bound = Number(m[2]);
  return (m[1] === '≥' ? ratio >= bound : ratio <= bound) ? 'yes' : 'NO';
}

export function printTable(rows: Row[]): string {
  const head: Row = { figure: 'figure', value: 'value', baseline: 'baseline', ratio: 'ratio', target: 'target', met: 'met?' };
  const cols = Object.keys(head) as (keyof Row)[];
  const width = (c: keyof Row) => Math.max(...[head, ...rows].map((r) => [...r[c]].length));
  const line = (r: Row) => `| ${cols.map((c) => r[c] + ' '.repeat(width(c) - [...r[c]].length)).join(' | ')} |`;
  const sep = `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}
