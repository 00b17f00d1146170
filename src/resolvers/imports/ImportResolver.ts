// Imports from the bookkeeping software: starting them, and the administration's history of runs.
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { AdministrationType } from '../../schema/types/administration';
import { ImportFormat, ImportRunConnection, ImportRunType, InvoiceImportInput } from '../../schema/types/imports';
import { UploadScalar } from '../../schema/upload';
import type { FileUpload } from '../../domain/files';
import { importFile } from '../../services/imports/import-file';
import { importInvoices } from '../../services/imports/import-invoices';
import { listImportRuns } from '../../services/imports/import-runs';

@Resolver(() => AdministrationType)
export class ImportResolver {
  @Authorized(Role.MEMBER)
  @Mutation(() => ImportRunType)
  importInvoices(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('invoices', () => [InvoiceImportInput]) invoices: InvoiceImportInput[],
    @Arg('complete', () => Boolean, { nullable: true }) complete?: boolean | null,
  ) {
    return importInvoices(ctx, administrationId, invoices, complete ?? false);
  }

  @Authorized(Role.MEMBER)
  @Mutation(() => ImportRunType)
  importFile(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('file', () => UploadScalar) file: Promise<FileUpload>,
    @Arg('format', () => ImportFormat) format: ImportFormat,
    @Arg('complete', () => Boolean, { nullable: true }) complete?: boolean | null,
  ) {
    return importFile(ctx, administrationId, file, format, complete ?? false);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => ImportRunConnection)
  importRuns(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listImportRuns(ctx, administration.id, first, after);
  }
}
