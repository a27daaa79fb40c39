import { ArmError, armErrors } from './errors.js';

const MAX_TAGS = 50;
const FORBIDDEN_IN_NAME = /[<>%&\\?/]/;
const hasControlCharacter = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** Checks a `tags` value as ARM does: an object of strings, names ≤512 without `<>%&\?/`, values ≤256, at most 50. */
export function validateTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags)) throw armErrors.invalidRequestContent("Error converting value to type 'Dictionary[String,String]'. Path 'tags'");
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > MAX_TAGS) {
    throw new ArmError(400, 'InvalidTagCount', `The number of tags '${entries.length}' exceeds the maximum of '${MAX_TAGS}' tags per resource.`);
  }
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string') {
      if (value === null || typeof value === 'object') {
        throw armErrors.invalidRequestContent(`Error converting value to type 'String'. Path 'tags.${name}'`);
      }
    }
    const text = String(value);
    if (name.length === 0 || name.trim().length === 0) throw new ArmError(400, 'InvalidTagName', 'The tag name cannot be empty or whitespace.');
    if (FORBIDDEN_IN_NAME.test(name) || hasControlCharacter(name)) {
      throw new ArmError(400, 'InvalidTagNameCharacters', `The tag names '${name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`);
    }
    if (name.length > 512) throw new ArmError(400, 'InvalidTagNameLength', `The tag name '${name.slice(0, 32)}...' exceeds the maximum length of '512' characters.`);
    if (text.length > 256) throw new ArmError(400, 'InvalidTagValueLength', `The tag value '${text.slice(0, 32)}...' of tag '${name}' exceeds the maximum length of '256' characters.`);
    out[name] = text;
  }
  return out;
}
