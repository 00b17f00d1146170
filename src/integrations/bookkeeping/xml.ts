// Decodes XML bytes and reads fast-xml-parser output without caring whether an element occurred once or repeatedly.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class MalformedXmlError extends Error {}

export interface XmlDocument {
  rootName: string;
  root: unknown;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string: IDs such as "0012" and amounts such as "1656.20" must not become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Needed for numeric character references (&#233;), which accounting packages emit for accented names.
  htmlEntities: true,
});

/** Honours a BOM or the XML declaration's encoding; anything unknown is read as UTF-8. */
export function decodeXml(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/.exec(bytes.subarray(0, 200).toString('latin1'));
  if (declared) {
    try {
      return new TextDecoder(declared[1]).decode(bytes);
    } catch {
      // Unknown label: fall through to UTF-8, the only encoding Peppol allows anyway.
    }
  }
  return bytes.toString('utf8');
}

/** Throws MalformedXmlError with a line number so the user can find the problem in their file. */
export function parseXml(bytes: Buffer): XmlDocument {
  // Some exporters put whitespace before the declaration, which is technically invalid but harmless.
  const text = decodeXml(bytes).trimStart();
  // UBL never needs a DTD; refusing it rules out entity-expansion attacks from uploaded files.
  if (/<!DOCTYPE/i.test(text)) throw new MalformedXmlError('XML with a DOCTYPE declaration is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new MalformedXmlError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new MalformedXmlError(`malformed XML: ${(err as Error).message}`);
  }
  const rootName = Object.keys(parsed).find((key) => !key.startsWith('?') && !key.startsWith('#'));
  if (rootName === undefined) throw new MalformedXmlError('malformed XML: no root element');
  return { rootName, root: parsed[rootName] };
}

function isElement(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** All elements reached by following the path, across every repetition along the way. */
export function all(node: unknown, ...path: string[]): unknown[] {
  let current = [node];
  for (const name of path) {
    current = current.flatMap((item) => {
      if (!isElement(item)) return [];
      const value = item[name];
      if (value === undefined) return [];
      return Array.isArray(value) ? (value as unknown[]) : [value];
    });
  }
  return current;
}

export function first(node: unknown, ...path: string[]): unknown {
  return all(node, ...path)[0];
}

/** Trimmed text content; an element that only has attributes, or only whitespace, has none. */
export function text(node: unknown): string | null {
  const value = isElement(node) ? node['#text'] : node;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

/** The first non-empty text among all elements at the path (e.g. the first PartyIdentification that has an ID). */
export function textAt(node: unknown, ...path: string[]): string | null {
  for (const item of all(node, ...path)) {
    const value = text(item);
    if (value !== null) return value;
  }
  return null;
}

export function attribute(node: unknown, name: string): string | null {
  if (!isElement(node)) return null;
  const value = node[`@_${name}`];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
