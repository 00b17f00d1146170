// Builds the executable GraphQL schema from the type-graphql resolvers.
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import { AdministrationResolver } from '../resolvers/administration/AdministrationResolver';
import { MembershipResolver } from '../resolvers/administration/MembershipResolver';
import { IdentityResolver } from '../resolvers/identity/IdentityResolver';
import { DateTimeScalar } from './scalars';

export const resolvers = [IdentityResolver, AdministrationResolver, MembershipResolver] as const;

let built: Promise<GraphQLSchema> | null = null;

/** Built once per process: type-graphql's metadata is global, and building is not free. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    emitSchemaFile: false,
  });
  return built;
}
