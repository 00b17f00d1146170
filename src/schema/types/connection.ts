// Relay connections, one generic shape: `connectionOf(Invoice, 'Invoice')` emits InvoiceEdge and InvoiceConnection.
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType('PageInfo')
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoType;
  totalCount: number;
}

/** The GraphQL Edge and Connection types of one node type; `name` is the node's GraphQL name. */
export function connectionOf<T extends object>(Node: ClassType<T>, name: string): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => Node) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfoType) pageInfo!: PageInfoType;
    @Field(() => Int) totalCount!: number;
  }

  return Connection;
}
