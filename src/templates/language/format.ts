import { toArmString } from './values.js';

/**
 * .NET composite formatting (`String.Format`, invariant culture), which ARM's format() uses: `{index[,alignment][:format]}`
 * with `{{`/`}}` escapes. Numeric format strings cover the standard N, D, F, X, P, G and simple custom patterns
 * (`0`, `#`, `,`, `.`); anything else is rendered as the plain value.
 */
export function compositeFormat(template: string, args: readonly unknown[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const end = template.indexOf('}', i);
      if (end < 0) throw new FormatError('Input string was not in a correct format.');
      const m = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/s.exec(template.slice(i + 1, end));
      if (!m) throw new FormatError('Input string was not in a correct format.');
      const index = Number(m[1]);
      if (index >= args.length) {
        throw new FormatError('Index (zero based) must be greater than or equal to zero and less than the size of the argument list.');
      }
      let text = formatValue(args[index], m[3] ?? '');
      const alignment = m[2] === undefined ? 0 : Number(m[2]);
      if (alignment > 0) text = text.padStart(alignment);
      else if (alignment < 0) text = text.padEnd(-alignment);
      out += text;
      i = end + 1;
    } else if (c === '}') {
      if (template[i + 1] !== '}') throw new FormatError('Input string was not in a correct format.');
      out += '}';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export class FormatError extends Error {}

function formatValue(v: unknown, spec: string): string {
  if (typeof v !== 'number' || spec === '') return toArmString(v);
  const std = /^([A-Za-z])(\d{0,2})$/.exec(spec);
  if (std) {
    const precision = std[2] === '' ? undefined : Number(std[2]);
    switch (std[1].toUpperCase()) {
      case 'N':
        return group(v.toFixed(precision ?? 2));
      case 'F':
        return v.toFixed(precision ?? 2);
      case 'D': {
        const digits = Math.abs(Math.trunc(v)).toString().padStart(precision ?? 0, '0');
        return v < 0 ? `-${digits}` : digits;
      }
      case 'X': {
        const hex = BigInt.asUintN(64, BigInt(Math.trunc(v))).toString(16).padStart(precision ?? 0, '0');
        return std[1] === 'X' ? hex.toUpperCase() : hex;
      }
      case 'P':
        return `${group((v * 100).toFixed(precision ?? 2))} %`;
      case 'G':
        return String(v);
      default:
        return String(v);
    }
  }
  return customNumber(v, spec);
}

/** Thousands separators on the integral part of a fixed-point rendering. */
function group(fixed: string): string {
  const [int, frac] = fixed.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = int.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + digits + (frac === undefined ? '' : `.${frac}`);
}

function customNumber(v: number, spec: string): string {
  if (!/^[0#,.]+$/.test(spec)) return spec;
  const [intPart, fracPart = ''] = spec.split('.');
  const decimals = fracPart.length;
  const minDecimals = (fracPart.match(/0/g) ?? []).length;
  let fixed = Math.abs(v).toFixed(decimals);
  let [int, frac = ''] = fixed.split('.');
  const minInt = (intPart.match(/0/g) ?? []).length;
  int = int.padStart(minInt, '0');
  if (minInt === 0 && int === '0') int = '';
  while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
  if (intPart.includes(',')) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  fixed = int + (frac ? `.${frac}` : '');
  return (v < 0 ? '-' : '') + fixed;
}
