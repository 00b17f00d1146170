// Relay connections, one generic shape: `connectionOf(Invoice, 'Invoice')` emits InvoiceEdge and InvoiceConnection.
// Types here and in the other type files hold plain fields (`simpleResolvers`: graphql-js reads the property
// directly, with no per-field middleware chain); authorisation lives on resolvers, never on these fields.
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoType;
  /** A function is called by graphql-js only when the field is selected (lists count lazily). */
  totalCount: number | (() => Promise<number>);
}

/** The GraphQL Edge and Connection types of one node type; `name` is the node's GraphQL name. */
export function connectionOf<T extends object>(Node: ClassType<T>, name: string): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => Node) node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class Connection {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfoType) pageInfo!: PageInfoType;
    @Field(() => Int) totalCount!: number | (() => Promise<number>);
  }

  return Connection;
}
