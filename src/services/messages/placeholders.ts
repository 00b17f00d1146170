// The placeholders a message or standard message may use, and filling them in.
import { badInput } from '../../schema/errors';

export const PLACEHOLDERS = [
  'debtor.name',
  'invoice.number',
  'invoice.openAmount',
  'invoice.dueDate',
  'case.number',
  'case.principal',
  'case.collectionCosts',
  'case.interest',
  'case.totalDue',
  'case.outstanding',
  'portal.url',
  'user.name',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

export const PLACEHOLDER_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Each list of known placeholders as a set, made once: a reminder run checks its templates for every email. */
const knownSets = new WeakMap<readonly string[], Set<string>>();
function knownSet(known: readonly string[]): Set<string> {
  let set = knownSets.get(known);
  if (!set) {
    set = new Set(known);
    knownSets.set(known, set);
  }
  return set;
}

/** Refuses a template naming a placeholder we do not know, so a typo is caught when it is saved, not when it is sent. */
export function assertKnownPlaceholders(template: string, field: string, known: readonly string[] = PLACEHOLDERS): void {
  const set = knownSet(known);
  for (const [, name] of template.matchAll(PLACEHOLDER_PATTERN)) {
    if (!set.has(name)) {
      throw badInput(`Unknown placeholder {{${name}}} in ${field}; known are ${known.map((p) => `{{${p}}}`).join(', ')}`, field);
    }
  }
}

/** A template split once into its text and its placeholders: text, name, text, name, ..., text. */
interface ParsedTemplate {
  texts: string[];
  names: string[];
}

/**
 * Parsed templates by field, list of known placeholders and text. A reminder run fills the same few templates for
 * thousands of emails; each is checked and split once. Bounded: a process that saw too many different ones forgets them.
 */
const parsedTemplates = new Map<string, ParsedTemplate>();
const PARSED_TEMPLATES_KEPT = 1000;
const knownIds = new WeakMap<readonly string[], number>();
let knownListCount = 0;

function parsed(template: string, field: string, known: readonly string[]): ParsedTemplate {
  let knownId = knownIds.get(known);
  if (knownId === undefined) {
    knownId = (knownListCount += 1);
    knownIds.set(known, knownId);
  }
  const key = `${knownId}\n${field}\n${template}`;
  let result = parsedTemplates.get(key);
  if (!result) {
    assertKnownPlaceholders(template, field, known);
    result = { texts: [], names: [] };
    let at = 0;
    for (const match of template.matchAll(PLACEHOLDER_PATTERN)) {
      result.texts.push(template.slice(at, match.index));
      result.names.push(match[1]);
      at = match.index + match[0].length;
    }
    result.texts.push(template.slice(at));
    if (parsedTemplates.size >= PARSED_TEMPLATES_KEPT) parsedTemplates.clear();
    parsedTemplates.set(key, result);
  }
  return result;
}

/**
 * Fills in the placeholders as plain text. The HTML part is made from this text by escaping all of it, so
 * a value such as a debtor named `<b>Jansen & Zn</b>` shows literally there too. A placeholder without a
 * value for this target (an invoice's number in a message about a debtor) is bad input, not an empty gap.
 */
export function fillPlaceholders(
  template: string,
  values: Partial<Record<string, string>>,
  field: string,
  known: readonly string[] = PLACEHOLDERS,
): string {
  const { texts, names } = parsed(template, field, known);
  let filled = texts[0];
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i];
    const value = values[name];
    const about = name.split('.')[0];
    if (value === undefined) throw badInput(`{{${name}}} in ${field} needs a message about ${/^[aeiou]/.test(about) ? 'an' : 'a'} ${about}`, field);
    filled += value + texts[i + 1];
  }
  return filled;
}
