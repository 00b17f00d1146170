// GraphQL types of the daily import source (not part of the contract; names are our own).
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { ImportFormat } from './imports';

@ObjectType('ImportSource')
export class ImportSourceType {
  @Field(() => String) url!: string;
  @Field(() => ImportFormat) format!: ImportFormat;
  @Field(() => String, { description: 'HH:MM in the administration time zone' }) timeOfDay!: string;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => Date) nextRunAt!: Date;
  @Field(() => Date, { nullable: true }) lastRunAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastSuccessAt!: Date | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Int) failures!: number;
}

@InputType('ImportSourceInput')
export class ImportSourceInput {
  @Field(() => String) url!: string;
  @Field(() => ImportFormat) format!: ImportFormat;
  @Field(() => String, { nullable: true, description: 'Authorization header to send; null removes it, omitted keeps it' })
  authorization?: string | null;
  @Field(() => String) timeOfDay!: string;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}
