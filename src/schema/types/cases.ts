// GraphQL types of collection cases and the interest-rate table.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CaseStatus, CollectionCostsMode, InterestKind } from '../../entities/Case';
import { DateScalar, DecimalScalar } from '../scalars';
import { connectionOf } from './connection';

registerEnumType(CaseStatus, { name: 'CaseStatus' });
registerEnumType(CollectionCostsMode, { name: 'CollectionCostsMode' });
registerEnumType(InterestKind, { name: 'InterestKind', description: 'art. 6:119 (private) and 6:119a (business) BW' });

/** Root values are Case entities; money, debtor, invoices, balance and timeline are resolved in CaseResolver. */
@ObjectType('Case', { simpleResolvers: true })
export class CaseType {
  @Field(() => ID) id!: string;
  @Field(() => String) number!: string;
  @Field(() => CaseStatus) status!: CaseStatus;
  @Field(() => CollectionCostsMode) collectionCostsMode!: CollectionCostsMode;
  @Field(() => InterestKind, { description: 'statutory (private debtor) or statutory commercial (business debtor)' })
  interestKind!: InterestKind;
  @Field(() => DateScalar, { nullable: true, description: 'the day interest starts running (the earliest of its invoices)' })
  interestFrom!: string | null;
  @Field(() => DateScalar, { nullable: true, description: "private debtor: end of the 14-day letter's term; costs only after it" })
  letterDeadline!: string | null;
  @Field(() => Date) openedAt!: Date;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
}

@ObjectType('InterestRate', { simpleResolvers: true })
export class InterestRateType {
  @Field(() => InterestKind) kind!: InterestKind;
  @Field(() => DateScalar, { description: 'the first day it applies; it applies until the next rate of its kind' }) validFrom!: string;
  @Field(() => DecimalScalar, { description: 'percent per year' }) percent!: string;
  @Field(() => String, { description: 'where the rate comes from' }) source!: string;
}

export const CaseConnection = connectionOf(CaseType, 'Case');
