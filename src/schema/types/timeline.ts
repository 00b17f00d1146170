// GraphQL types of timelines: the entry kinds, an entry and its connection.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TimelineKind } from '../../domain/timeline';
import { connectionOf } from './connection';

registerEnumType(TimelineKind, { name: 'TimelineKind' });

/** Root values are TimelineEntry objects of services/timeline; actor, message and payment are resolved in TimelineResolver. */
@ObjectType('TimelineEntry', { simpleResolvers: true })
export class TimelineEntryType {
  @Field(() => ID, { description: 'stable, and unique across kinds: `<kind>:<id of the message, payment or invoice>`' }) id!: string;
  @Field(() => Date) at!: Date;
  @Field(() => TimelineKind) kind!: TimelineKind;
  @Field(() => String) summary!: string;
}

export const TimelineConnection = connectionOf(TimelineEntryType, 'Timeline');
