// Administrations: listing, creating, members and settings.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { TenantFrom } from '../../auth/tenant-source';
import {
  AdministrationSettingsInput,
  AdministrationSettingsType,
  AdministrationType,
} from '../../schema/types/administration';
import { MembershipType } from '../../schema/types/identity';
import * as administrations from '../../services/administration/administration-service';
import { getSettings, updateSettings } from '../../services/administration/settings-service';

@Resolver(() => AdministrationType)
export class AdministrationResolver {
  @Authorized()
  @Query(() => [AdministrationType])
  administrations(@Ctx() ctx: RequestContext) {
    return administrations.myAdministrations(ctx);
  }

  @Authorized(Role.VIEWER)
  @TenantFrom({ path: 'id' })
  @Query(() => AdministrationType, { nullable: true })
  administration(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return administrations.getAdministration(ctx, id);
  }

  @Authorized()
  @Mutation(() => AdministrationType)
  createAdministration(
    @Ctx() ctx: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('currency', () => String, { nullable: true }) currency?: string | null,
  ) {
    return administrations.createAdministration(ctx, name, currency);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MembershipType)
  addMember(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('email', () => String) email: string,
    @Arg('role', () => Role) role: Role,
  ) {
    return administrations.addMember(ctx, administrationId, email, role);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: "Ends a user's membership; their open subscriptions end with NOT_FOUND" })
  removeMember(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('userId', () => ID) userId: string,
  ) {
    return administrations.removeMember(ctx, administrationId, userId);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AdministrationSettingsType)
  updateAdministrationSettings(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('input', () => AdministrationSettingsInput) input: AdministrationSettingsInput,
  ) {
    return updateSettings(ctx, administrationId, input);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => Role)
  myRole(@Ctx() ctx: RequestContext, @Root() administration: AdministrationType) {
    return administrations.myRole(ctx, administration.id);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [MembershipType])
  members(@Ctx() ctx: RequestContext, @Root() administration: AdministrationType) {
    return administrations.members(ctx, administration.id);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => AdministrationSettingsType)
  settings(@Ctx() ctx: RequestContext, @Root() administration: AdministrationType) {
    return getSettings(ctx, administration.id);
  }
}
