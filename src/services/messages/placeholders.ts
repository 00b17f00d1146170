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
  assertKnownPlaceholders(template, field, known);
  return template.replace(PLACEHOLDER_PATTERN, (_match, name: string) => {
    const value = values[name];
    const about = name.split('.')[0];
    if (value === undefined) throw badInput(`{{${name}}} in ${field} needs a message about ${/^[aeiou]/.test(about) ? 'an' : 'a'} ${about}`, field);
    return value;
  });
}
