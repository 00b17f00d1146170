// Settings of one administration: pausing and the customer portal's security.
import { Entity, Enum, Filter, OneToOne, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { tenantFilter } from './base';

export enum PortalAuthenticationLevel {
  NONE = 'NONE',
  EVERY_PAGE = 'EVERY_PAGE',
  SENSITIVE_INFORMATION = 'SENSITIVE_INFORMATION',
  SENSITIVE_INFORMATION_PRIVATE_ONLY = 'SENSITIVE_INFORMATION_PRIVATE_ONLY',
  SENSITIVE_INFORMATION_NOT_ACCESSIBLE = 'SENSITIVE_INFORMATION_NOT_ACCESSIBLE',
}

export enum PortalAuthenticationMethod {
  POSTCODE_HOUSE_NUMBER = 'POSTCODE_HOUSE_NUMBER',
  SMS_OTP = 'SMS_OTP',
}

export enum SensitiveAttachmentsPolicy {
  INCLUDE = 'INCLUDE',
  EXCLUDE = 'EXCLUDE',
  EXCLUDE_FOR_PRIVATE = 'EXCLUDE_FOR_PRIVATE',
}

@Entity({ tableName: 'administration_settings' })
@Filter(tenantFilter)
export class AdministrationSettings {
  @OneToOne(() => Administration, { primary: true, owner: true, deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @Property({ type: 'boolean' })
  paused: Opt<boolean> = false;

  @Property({ type: 'date', nullable: true })
  pausedUntil: string | null = null;

  @Enum({ items: () => PortalAuthenticationLevel, nativeEnumName: 'portal_authentication_level' })
  portalAuthenticationLevel: Opt<PortalAuthenticationLevel> = PortalAuthenticationLevel.NONE;

  @Enum({ items: () => PortalAuthenticationMethod, nativeEnumName: 'portal_authentication_method', nullable: true })
  portalPrimaryMethod: PortalAuthenticationMethod | null = null;

  @Enum({ items: () => PortalAuthenticationMethod, nativeEnumName: 'portal_authentication_method', nullable: true })
  portalSecondaryMethod: PortalAuthenticationMethod | null = null;

  @Enum({ items: () => SensitiveAttachmentsPolicy, nativeEnumName: 'sensitive_attachments_policy' })
  sensitiveAttachments: Opt<SensitiveAttachmentsPolicy> = SensitiveAttachmentsPolicy.INCLUDE;

  @Property({ type: 'text', nullable: true })
  emailSignature: string | null = null;

  /** Time of day (HH:MM, in the administration's time zone) of the daily reminder run. */
  @Property({ type: 'text' })
  reminderRunTime: Opt<string> = '07:00';

  /** Days before an installment's due date that its alert email goes. */
  @Property({ type: 'integer' })
  installmentAlertDays: Opt<number> = 3;

  /** Days an installment may be overdue before its plan is BREACHED. */
  @Property({ type: 'integer' })
  installmentGraceDays: Opt<number> = 7;
}
