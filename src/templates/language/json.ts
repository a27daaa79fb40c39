import JSON5 from 'json5';

/**
 * json()/base64ToJson() parse with Newtonsoft in Azure, which also reads single-quoted strings and unquoted names
 * (Azure's own base64ToJson example decodes `{'one': 'a', 'two': 'b'}`): strict JSON first, JSON5 as the fallback.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return JSON5.parse(text) as unknown;
  }
}
