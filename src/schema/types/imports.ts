// GraphQL types of imports from the bookkeeping software.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DebtorType } from '../../entities/Debtor';
import { ImportStatus } from '../../entities/ImportRun';
import { DateScalar, DecimalScalar } from '../scalars';
import { connectionOf } from './connection';

export enum ImportFormat {
  CSV = 'CSV',
  UBL = 'UBL',
}

registerEnumType(ImportFormat, { name: 'ImportFormat' });
registerEnumType(ImportStatus, { name: 'ImportStatus' });

@ObjectType('ImportRowError', { simpleResolvers: true })
export class ImportRowErrorType {
  @Field(() => Int) row!: number;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field(() => String) message!: string;
}

@ObjectType('ImportRun', { simpleResolvers: true })
export class ImportRunType {
  @Field(() => ID) id!: string;
  @Field(() => String) format!: string;
  @Field(() => ImportStatus) status!: ImportStatus;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int) rowsRead!: number;
  @Field(() => Int) invoicesCreated!: number;
  @Field(() => Int) invoicesUpdated!: number;
  @Field(() => Int) invoicesClosed!: number;
  @Field(() => Int) debtorsCreated!: number;
  @Field(() => Int) debtorsUpdated!: number;
  @Field(() => [ImportRowErrorType]) errors!: ImportRowErrorType[];
  @Field(() => Int, { description: 'How often a worker took the run up; above 1 it was recovered after a worker stopped mid-run.' })
  attempts!: number;
}

export const ImportRunConnection = connectionOf(ImportRunType, 'ImportRun');

@InputType('DebtorImportInput')
export class DebtorImportInput {
  @Field(() => String) externalId!: string;
  @Field(() => String) name!: string;
  @Field(() => DebtorType) type!: DebtorType;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) street?: string | null;
  @Field(() => String, { nullable: true }) houseNumber?: string | null;
  @Field(() => String, { nullable: true }) postcode?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
}

@InputType('InvoiceImportInput')
export class InvoiceImportInput {
  @Field(() => String) externalId!: string;
  @Field(() => String) number!: string;
  @Field(() => DateScalar) issueDate!: string;
  @Field(() => DateScalar) dueDate!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => DecimalScalar) openAmount!: string;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => DebtorImportInput) debtor!: DebtorImportInput;
}
