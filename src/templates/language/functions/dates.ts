import { fail, int, str, type Call, type FunctionDef } from '../functionDef.js';
import { formatDateTime } from '../dateFormat.js';

/** What Azure returns when no format is given (dateTimeFromEpoch(1683040573) is '2023-05-02T15:16:13Z'). */
const DEFAULT_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'";

function format(c: Call, date: Date, spec: string): string {
  try {
    return formatDateTime(date, spec);
  } catch (e) {
    if (e instanceof RangeError) fail(c, e.message);
    throw e;
  }
}

function parseDate(c: Call, text: string, i: number): Date {
  // A date without a zone is UTC in ARM (deployments run in UTC).
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const d = new Date(withZone.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'));
  if (Number.isNaN(d.getTime())) fail(c, `the ${i === 0 ? 'first ' : ''}parameter '${text}' is not a valid date time.`);
  return d;
}

/** ISO 8601 durations: [-]P[nY][nM][nW][nD][T[nH][nM][nS]]. */
function addDuration(c: Call, date: Date, duration: string): Date {
  const m = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!m || duration.endsWith('P') || duration.endsWith('T')) return fail(c, `the duration '${duration}' is not a valid ISO 8601 duration.`);
  const sign = m[1] ? -1 : 1;
  const n = (k: number): number => Number(m[k] ?? 0) * sign;
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + n(2), d.getUTCMonth() + n(3), d.getUTCDate() + 7 * n(4) + n(5));
  return new Date(d.getTime() + ((n(6) * 60 + n(7)) * 60 + n(8)) * 1000);
}

export const dateFunctions: FunctionDef[] = [
  {
    name: 'utcNow',
    min: 0,
    max: 1,
    // Non-deterministic: Azure allows it only in a parameter's defaultValue.
    parameterDefaultOnly: true,
    invoke: ([spec], c) => format(c, new Date(), spec === undefined ? 'yyyyMMddTHHmmssZ' : str(c, spec, 0)),
  },
  {
    name: 'dateTimeAdd',
    min: 2,
    max: 3,
    invoke: ([base, duration, spec], c) =>
      format(c, addDuration(c, parseDate(c, str(c, base, 0), 0), str(c, duration, 1)), spec === undefined ? DEFAULT_FORMAT : str(c, spec, 2)),
  },
  { name: 'dateTimeToEpoch', min: 1, max: 1, invoke: ([d], c) => Math.floor(parseDate(c, str(c, d, 0), 0).getTime() / 1000) },
  { name: 'dateTimeFromEpoch', min: 1, max: 1, invoke: ([s], c) => format(c, new Date(int(c, s, 0) * 1000), DEFAULT_FORMAT) },
];
