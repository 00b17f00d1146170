// Parsing and validation of subscription documents, once per distinct query text. Every open inbox of a web client
// sends the same subscription: parsed per socket, ten thousand of them hold ten thousand copies of one syntax tree
// (and validate it ten thousand times). GraphQL syntax trees are never mutated, so one copy serves them all.
import { parse, type DocumentNode, type GraphQLError, type GraphQLSchema, type Source } from 'graphql';

/** Distinct query texts kept; a client generating queries cannot grow it beyond this. */
const MAX_DOCUMENTS = 500;

export interface DocumentCache {
  parse(source: string | Source): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
}

export function documentCache(options: { maxTokens: number; validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] }): DocumentCache {
  const documents = new Map<string, DocumentNode>();
  const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  return {
    parse(input) {
      const source = typeof input === 'string' ? input : input.body;
      const cached = documents.get(source);
      if (cached) return cached;
      const document = parse(source, { maxTokens: options.maxTokens });
      // Oldest out first (a Map keeps insertion order).
      if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value!);
      documents.set(source, document);
      return document;
    },
    validate(schema, document) {
      let errors = validated.get(document);
      if (!errors) {
        errors = options.validate(schema, document);
        validated.set(document, errors);
      }
      return errors;
    },
  };
}
