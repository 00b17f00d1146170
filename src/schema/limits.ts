// Query limits: depth, aliases and cost as validation rules; tokens are limited by the parser.
import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  getNullableType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type SelectionSetNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { DEFAULT_PAGE_SIZE } from '../services/lists/pagination';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Largest `first` a connection accepts; also the multiplier for list cost. */
  maxPageSize: number;
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function fragmentsOf(context: ValidationContext): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) map.set(definition.name.value, definition);
  }
  return map;
}

/** Walks fields through fragments (each fragment at most once per path, so cycles end). */
function forEachField(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  visit: (field: FieldNode) => void,
  seen: Set<string> = new Set(),
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) visit(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) forEachField(selection.selectionSet, fragments, visit, seen);
    else if (!seen.has(selection.name.value)) {
      const fragment = fragments.get(selection.name.value);
      if (fragment) forEachField(fragment.selectionSet, fragments, visit, new Set([...seen, selection.name.value]));
    }
  }
}

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => {
    const fragments = fragmentsOf(context);
    const depthOf = (selectionSet: SelectionSetNode | undefined, depth: number): number => {
      if (!selectionSet || depth > maxDepth) return depth;
      let deepest = depth;
      forEachField(selectionSet, fragments, (field) => {
        if (field.name.value.startsWith('__')) return;
        deepest = Math.max(deepest, depthOf(field.selectionSet, depth + 1));
      });
      return deepest;
    };
    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet, 0);
        if (depth > maxDepth) context.reportError(limitError(`Query is too deep: depth ${depth} exceeds the limit of ${maxDepth}`));
      },
    };
  };
}

export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context): ASTVisitor => {
    let aliases = 0;
    return {
      Field(field) {
        if (field.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) context.reportError(limitError(`Too many aliases: ${aliases} exceeds the limit of ${maxAliases}`));
        },
      },
    };
  };
}

/**
 * Cost: every field costs 1; a list field multiplies the cost of what is below it by its `first` argument
 * (by the default page size when none is given, by 10 for a list without `first`), so a query's cost bounds the
 * rows it can make the server load. `first` may be a variable: its value is used when known (HTTP requests are
 * costed once variables are in, by costLimitPlugin), the page-size cap otherwise (validation, subscriptions).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: QueryLimits,
  variables: Record<string, unknown> | undefined,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const firstOf = (field: FieldNode): number | null | undefined => {
    const value = field.arguments?.find((a) => a.name.value === 'first')?.value;
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      if (!variables) return limits.maxPageSize;
      const given = variables[value.name.value];
      return typeof given === 'number' ? given : given === undefined || given === null ? null : limits.maxPageSize;
    }
    return limits.maxPageSize;
  };
  const multiplier = (field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number => {
    if (!definition) return 1;
    const first = firstOf(field);
    if (definition.args.some((a) => a.name === 'first')) {
      return typeof first === 'number' ? Math.max(0, Math.min(first, limits.maxPageSize)) : DEFAULT_PAGE_SIZE;
    }
    return isListType(getNullableType(definition.type)) ? 10 : 1;
  };
  const costOf = (selectionSet: SelectionSetNode | undefined, parentTypeName: string | undefined): number => {
    if (!selectionSet || !parentTypeName) return 0;
    const parentType = schema.getType(parentTypeName);
    let total = 0;
    forEachField(selectionSet, fragments, (field) => {
      if (field.name.value.startsWith('__')) return;
      const fields = parentType && 'getFields' in parentType ? parentType.getFields() : {};
      const definition = (fields as Record<string, GraphQLField<unknown, unknown>>)[field.name.value];
      const childType = definition ? getNamedType(definition.type).name : undefined;
      total += 1 + multiplier(field, definition) * costOf(field.selectionSet, childType);
    });
    return total;
  };
  const root =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return costOf(operation.selectionSet, root?.name);
}

const tooExpensive = (cost: number, limits: QueryLimits) => `Query is too expensive: cost ${cost} exceeds the limit of ${limits.maxCost}`;

/** The cost check where variables are unknown (a variable `first` counts as the cap): graphql-ws subscriptions. */
export function costLimitRule(limits: QueryLimits): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const cost = operationCost(context.getSchema(), context.getDocument(), operation, limits, undefined);
      if (cost > limits.maxCost) context.reportError(limitError(tooExpensive(cost, limits)));
    },
  });
}

/** The cost check of HTTP requests, once the variables are known: `invoices(first: $first)` costs what $first asks. */
export function costLimitPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = operationCost(schema, document, operation, limits, request.variables ?? {});
          if (cost > limits.maxCost) {
            throw new GraphQLError(tooExpensive(cost, limits), { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
          }
        },
      };
    },
  };
}

/** Depth and aliases; the cost is checked by costLimitPlugin (HTTP) or costLimitRule (WebSocket). */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)];
}
