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
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

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
 * Cost: every field costs 1; a list field multiplies the cost of what is below
 * it by its `first` argument (or by the page-size cap when none is given), so a
 * query's cost bounds the rows it can make the server load.
 */
export function costLimitRule(limits: QueryLimits): ValidationRule {
  return (context) => {
    const fragments = fragmentsOf(context);
    const schema = context.getSchema();
    // A `first` given as a variable is unknown here, so it is costed at the cap.
    const multiplier = (field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number => {
      const first = field.arguments?.find((a) => a.name.value === 'first');
      if (first?.value.kind === Kind.INT) return Math.min(Number(first.value.value), limits.maxPageSize);
      if (definition && (first || definition.args.some((a) => a.name === 'first'))) return limits.maxPageSize;
      if (definition && isListType(getNullableType(definition.type))) return 10;
      return 1;
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
    return {
      OperationDefinition(operation) {
        const root =
          operation.operation === 'query'
            ? schema.getQueryType()
            : operation.operation === 'mutation'
              ? schema.getMutationType()
              : schema.getSubscriptionType();
        const cost = costOf(operation.selectionSet, root?.name);
        if (cost > limits.maxCost) context.reportError(limitError(`Query is too expensive: cost ${cost} exceeds the limit of ${limits.maxCost}`));
      },
    };
  };
}

export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases), costLimitRule(limits)];
}
