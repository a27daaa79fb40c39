/**
 * .NET DateTime formatting (en-US, as Azure's documented utcNow() outputs show) for a UTC instant: the standard
 * one-letter formats and the custom specifiers.
 */
const STANDARD: Record<string, string> = {
  d: 'M/d/yyyy',
  D: 'dddd, MMMM d, yyyy',
  f: 'dddd, MMMM d, yyyy h:mm tt',
  F: 'dddd, MMMM d, yyyy h:mm:ss tt',
  g: 'M/d/yyyy h:mm tt',
  G: 'M/d/yyyy h:mm:ss tt',
  m: 'MMMM d',
  M: 'MMMM d',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'h:mm tt',
  T: 'h:mm:ss tt',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  U: 'dddd, MMMM d, yyyy h:mm:ss tt',
  y: 'MMMM yyyy',
  Y: 'MMMM yyyy',
};

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function formatDateTime(date: Date, format: string): string {
  const pattern = format.length === 1 ? STANDARD[format] : format;
  if (pattern === undefined) throw new RangeError('Input string was not in a correct format.');
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const ticks = date.getUTCMilliseconds() * 10000; // 100 ns units: JS has only milliseconds
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    let n = 1;
    while (pattern[i + n] === c) n++;
    switch (c) {
      case 'y': {
        const y = date.getUTCFullYear();
        out += n <= 2 ? pad(y % 100, n) : pad(y, n);
        break;
      }
      case 'M': {
        const m = date.getUTCMonth();
        out += n >= 4 ? MONTHS[m] : n === 3 ? MONTHS[m].slice(0, 3) : pad(m + 1, n);
        break;
      }
      case 'd': {
        const wd = date.getUTCDay();
        out += n >= 4 ? DAYS[wd] : n === 3 ? DAYS[wd].slice(0, 3) : pad(date.getUTCDate(), n);
        break;
      }
      case 'H':
        out += pad(date.getUTCHours(), Math.min(n, 2));
        break;
      case 'h':
        out += pad(date.getUTCHours() % 12 || 12, Math.min(n, 2));
        break;
      case 'm':
        out += pad(date.getUTCMinutes(), Math.min(n, 2));
        break;
      case 's':
        out += pad(date.getUTCSeconds(), Math.min(n, 2));
        break;
      case 'f':
      case 'F': {
        let digits = pad(ticks, 7).slice(0, Math.min(n, 7));
        if (c === 'F') digits = digits.replace(/0+$/, '');
        out += digits;
        break;
      }
      case 't': {
        const ampm = date.getUTCHours() < 12 ? 'AM' : 'PM';
        out += n === 1 ? ampm[0] : ampm;
        break;
      }
      case 'K':
        out += 'Z';
        break;
      case 'z':
        out += n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
        break;
      case "'":
      case '"': {
        const end = pattern.indexOf(c, i + 1);
        const stop = end < 0 ? pattern.length : end;
        out += pattern.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
      case '\\':
        out += pattern[i + 1] ?? '';
        i += 2;
        continue;
      case '%':
        i += 1;
        continue;
      default:
        out += pattern.slice(i, i + n);
    }
    i += n;
  }
  return out;
}
