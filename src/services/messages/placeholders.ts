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

/** A template split at its placeholders: literals[0] names[0] literals[1] ... names[n-1] literals[n]. */
interface CompiledTemplate {
  literals: string[];
  names: string[];
}

/**
 * Checked and split templates per list of known placeholders: a reminder run fills its few templates for hundreds of
 * emails. Bounded: emptied when it holds more than a few thousand (every administration's steps, say).
 */
const compiledTemplates = new WeakMap<readonly string[], Map<string, CompiledTemplate>>();
const MAX_COMPILED = 5000;

function compile(template: string, field: string, known: readonly string[]): CompiledTemplate {
  let cache = compiledTemplates.get(known);
  if (!cache) {
    cache = new Map();
    compiledTemplates.set(known, cache);
  }
  let compiled = cache.get(template);
  if (!compiled) {
    assertKnownPlaceholders(template, field, known);
    compiled = { literals: [], names: [] };
    let at = 0;
    for (const match of template.matchAll(PLACEHOLDER_PATTERN)) {
      compiled.literals.push(template.slice(at, match.index));
      compiled.names.push(match[1]);
      at = match.index + match[0].length;
    }
    compiled.literals.push(template.slice(at));
    if (cache.size >= MAX_COMPILED) cache.clear();
    cache.set(template, compiled);
  }
  return compiled;
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
  const { literals, names } = compile(template, field, known);
  let filled = literals[0];
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i];
    const value = values[name];
    if (value === undefined) {
      const about = name.split('.')[0];
      throw badInput(`{{${name}}} in ${field} needs a message about ${/^[aeio]/.test(about) ? 'an' : 'a'} ${about}`, field);
    }
    filled += value + literals[i + 1];
  }
  return filled;
}
