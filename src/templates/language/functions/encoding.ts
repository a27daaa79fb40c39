import { fail, str, type Call, type FunctionDef } from '../functionDef.js';
import { parseLenientJson } from '../json.js';

const DATA_URI_PREFIX = 'data:text/plain;charset=utf8;base64,';

/** .NET Uri.EscapeDataString: only RFC 3986 unreserved characters stay; encodeURIComponent also keeps !'()*. */
function escapeDataString(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeBase64(text: string, call: Call): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) fail(call, 'the parameter is not a valid Base-64 string.');
  return Buffer.from(text, 'base64').toString('utf8');
}

export const encodingFunctions: FunctionDef[] = [
  { name: 'base64', min: 1, max: 1, invoke: ([s], c) => Buffer.from(str(c, s, 0), 'utf8').toString('base64') },
  { name: 'base64ToString', min: 1, max: 1, invoke: ([s], c) => decodeBase64(str(c, s, 0), c) },
  {
    name: 'base64ToJson',
    min: 1,
    max: 1,
    invoke: ([s], c) => {
      const text = decodeBase64(str(c, s, 0), c);
      try {
        return parseLenientJson(text);
      } catch {
        return fail(c, 'the decoded value is not valid JSON.');
      }
    },
  },
  { name: 'dataUri', min: 1, max: 1, invoke: ([s], c) => DATA_URI_PREFIX + Buffer.from(str(c, s, 0), 'utf8').toString('base64') },
  {
    name: 'dataUriToString',
    min: 1,
    max: 1,
    invoke: ([s], c) => {
      const m = /^data:([^,]*),(.*)$/s.exec(str(c, s, 0));
      if (!m) return fail(c, 'the parameter is not a valid data URI.');
      return /;base64$/i.test(m[1]) ? Buffer.from(m[2], 'base64').toString('utf8') : decodeURIComponent(m[2]);
    },
  },
  {
    name: 'uri',
    min: 2,
    max: 2,
    invoke: ([base, relative], c) => {
      try {
        return new URL(str(c, relative, 1), str(c, base, 0)).toString();
      } catch {
        return fail(c, 'the base URI is not a valid absolute URI.');
      }
    },
  },
  { name: 'uriComponent', min: 1, max: 1, invoke: ([s], c) => escapeDataString(str(c, s, 0)) },
  {
    name: 'uriComponentToString',
    min: 1,
    max: 1,
    invoke: ([s], c) => {
      try {
        return decodeURIComponent(str(c, s, 0));
      } catch {
        return fail(c, 'the parameter is not a valid URI-encoded string.');
      }
    },
  },
];
