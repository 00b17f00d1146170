// Administration settings: reading and validated updates.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { todayIn } from '../../clock';
import { Administration } from '../../entities/Administration';
import {
  AdministrationSettings,
  PortalAuthenticationLevel,
  type PortalAuthenticationMethod,
  type SensitiveAttachmentsPolicy,
} from '../../entities/AdministrationSettings';
import { badInput } from '../../schema/errors';
import { TIME_OF_DAY } from '../imports/schedule';

export interface SettingsChange {
  paused?: boolean | null;
  pausedUntil?: string | null;
  portalAuthenticationLevel?: PortalAuthenticationLevel | null;
  portalPrimaryMethod?: PortalAuthenticationMethod | null;
  portalSecondaryMethod?: PortalAuthenticationMethod | null;
  sensitiveAttachments?: SensitiveAttachmentsPolicy | null;
  emailSignature?: string | null;
  reminderRunTime?: string | null;
  installmentAlertDays?: number | null;
  installmentGraceDays?: number | null;
}

/** Levels at which a debtor must verify before (part of) the portal opens. */
const VERIFYING_LEVELS = new Set([
  PortalAuthenticationLevel.EVERY_PAGE,
  PortalAuthenticationLevel.SENSITIVE_INFORMATION,
  PortalAuthenticationLevel.SENSITIVE_INFORMATION_PRIVATE_ONLY,
]);

export async function getSettings(ctx: RequestContext, administrationId: string): Promise<AdministrationSettings> {
  return tenantEm(ctx, administrationId).findOneOrFail(AdministrationSettings, { administration: administrationId });
}

function requireNotNull<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw badInput(`${field} cannot be null`, field);
  return value;
}

/** Applies the change as a whole or not at all: every rule is checked on the merged result first. */
export async function updateSettings(ctx: RequestContext, administrationId: string, change: SettingsChange) {
  const em = tenantEm(ctx, administrationId);
  const settings = await em.findOneOrFail(AdministrationSettings, { administration: administrationId });
  const administration = await em.findOneOrFail(Administration, { id: administrationId });
  const next = {
    paused: requireNotNull(change.paused, 'paused') ?? settings.paused,
    pausedUntil: change.pausedUntil === undefined ? settings.pausedUntil : change.pausedUntil,
    portalAuthenticationLevel:
      requireNotNull(change.portalAuthenticationLevel, 'portalAuthenticationLevel') ?? settings.portalAuthenticationLevel,
    portalPrimaryMethod: change.portalPrimaryMethod === undefined ? settings.portalPrimaryMethod : change.portalPrimaryMethod,
    portalSecondaryMethod:
      change.portalSecondaryMethod === undefined ? settings.portalSecondaryMethod : change.portalSecondaryMethod,
    sensitiveAttachments: requireNotNull(change.sensitiveAttachments, 'sensitiveAttachments') ?? settings.sensitiveAttachments,
    emailSignature: change.emailSignature === undefined ? settings.emailSignature : change.emailSignature?.trim() || null,
    reminderRunTime: requireNotNull(change.reminderRunTime, 'reminderRunTime') ?? settings.reminderRunTime,
    installmentAlertDays: requireNotNull(change.installmentAlertDays, 'installmentAlertDays') ?? settings.installmentAlertDays,
    installmentGraceDays: requireNotNull(change.installmentGraceDays, 'installmentGraceDays') ?? settings.installmentGraceDays,
  };
  // A pause with an end date is a pause; ending the pause drops its end date.
  if (change.pausedUntil && change.paused === undefined) next.paused = true;
  if (!next.paused) next.pausedUntil = null;
  if (change.pausedUntil && change.pausedUntil < todayIn(ctx.clock, administration.timeZone)) {
    throw badInput('pausedUntil cannot be in the past', 'pausedUntil');
  }
  if (VERIFYING_LEVELS.has(next.portalAuthenticationLevel) && !next.portalPrimaryMethod) {
    throw badInput('This authentication level needs a primary authentication method', 'portalPrimaryMethod');
  }
  if (next.portalSecondaryMethod && !next.portalPrimaryMethod) {
    throw badInput('A secondary method needs a primary method', 'portalSecondaryMethod');
  }
  if (next.portalSecondaryMethod && next.portalSecondaryMethod === next.portalPrimaryMethod) {
    throw badInput('The secondary method must differ from the primary method', 'portalSecondaryMethod');
  }
  if (next.emailSignature && next.emailSignature.length > 2000) {
    throw badInput('emailSignature must be at most 2000 characters', 'emailSignature');
  }
  if (!TIME_OF_DAY.test(next.reminderRunTime)) throw badInput('reminderRunTime must be a time of day as HH:MM, e.g. 07:00', 'reminderRunTime');
  if (!Number.isInteger(next.installmentAlertDays) || next.installmentAlertDays < 0 || next.installmentAlertDays > 60) {
    throw badInput('installmentAlertDays must be 0 to 60', 'installmentAlertDays');
  }
  if (!Number.isInteger(next.installmentGraceDays) || next.installmentGraceDays < 0 || next.installmentGraceDays > 90) {
    throw badInput('installmentGraceDays must be 0 to 90', 'installmentGraceDays');
  }
  em.assign(settings, next);
  await em.flush();
  return settings;
}
