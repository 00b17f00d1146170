// The daily import source: configuring it (ADMIN), running it now (MEMBER) and reading it.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { type ImportSource } from '../../entities/ImportSource';
import { Role } from '../../entities/Membership';
import { AdministrationType } from '../../schema/types/administration';
import { ImportSourceInput, ImportSourceType } from '../../schema/types/import-source';
import { ImportRunType } from '../../schema/types/imports';
import { configureImportSource, getImportSource, runImportSource } from '../../services/imports/import-source-service';

@Resolver(() => AdministrationType)
export class ImportSourceResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => ImportSourceType)
  configureImportSource(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('input', () => ImportSourceInput) input: ImportSourceInput,
  ): Promise<ImportSource> {
    return configureImportSource(ctx, administrationId, input);
  }

  @Authorized(Role.MEMBER)
  @Mutation(() => ImportRunType)
  runImportSourceNow(@Ctx() ctx: RequestContext, @Arg('administrationId', () => ID) administrationId: string) {
    return runImportSource(ctx, administrationId);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => ImportSourceType, { nullable: true })
  importSource(@Ctx() ctx: RequestContext, @Root() administration: AdministrationType) {
    return getImportSource(ctx, administration.id);
  }
}
