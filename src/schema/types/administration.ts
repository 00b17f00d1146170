// GraphQL types of administrations and their settings.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  PortalAuthenticationLevel,
  PortalAuthenticationMethod,
  SensitiveAttachmentsPolicy,
} from '../../entities/AdministrationSettings';
import { DateScalar } from '../scalars';

registerEnumType(PortalAuthenticationLevel, { name: 'PortalAuthenticationLevel' });
registerEnumType(PortalAuthenticationMethod, { name: 'PortalAuthenticationMethod' });
registerEnumType(SensitiveAttachmentsPolicy, { name: 'SensitiveAttachmentsPolicy' });

@ObjectType('Administration')
export class AdministrationType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) currency!: string;
}

@ObjectType('AdministrationSettings')
export class AdministrationSettingsType {
  @Field(() => Boolean) paused!: boolean;
  @Field(() => DateScalar, { nullable: true }) pausedUntil!: string | null;
  @Field(() => PortalAuthenticationLevel) portalAuthenticationLevel!: PortalAuthenticationLevel;
  @Field(() => PortalAuthenticationMethod, { nullable: true }) portalPrimaryMethod!: PortalAuthenticationMethod | null;
  @Field(() => PortalAuthenticationMethod, { nullable: true }) portalSecondaryMethod!: PortalAuthenticationMethod | null;
  @Field(() => SensitiveAttachmentsPolicy) sensitiveAttachments!: SensitiveAttachmentsPolicy;
  @Field(() => String, { nullable: true }) emailSignature!: string | null;
  @Field(() => String, { description: 'Time of day (HH:MM, in the administration time zone) of the daily reminder run; default 07:00.' })
  reminderRunTime!: string;
  @Field(() => Int, { description: 'Days before an installment is due that its alert email goes; default 3.' })
  installmentAlertDays!: number;
  @Field(() => Int, { description: 'Days an installment may be overdue before its plan is BREACHED; default 7.' })
  installmentGraceDays!: number;
}

@InputType()
export class AdministrationSettingsInput {
  @Field(() => Boolean, { nullable: true }) paused?: boolean | null;
  @Field(() => DateScalar, { nullable: true }) pausedUntil?: string | null;
  @Field(() => PortalAuthenticationLevel, { nullable: true }) portalAuthenticationLevel?: PortalAuthenticationLevel | null;
  @Field(() => PortalAuthenticationMethod, { nullable: true }) portalPrimaryMethod?: PortalAuthenticationMethod | null;
  @Field(() => PortalAuthenticationMethod, { nullable: true }) portalSecondaryMethod?: PortalAuthenticationMethod | null;
  @Field(() => SensitiveAttachmentsPolicy, { nullable: true }) sensitiveAttachments?: SensitiveAttachmentsPolicy | null;
  @Field(() => String, { nullable: true }) emailSignature?: string | null;
  @Field(() => String, { nullable: true }) reminderRunTime?: string | null;
  @Field(() => Int, { nullable: true }) installmentAlertDays?: number | null;
  @Field(() => Int, { nullable: true }) installmentGraceDays?: number | null;
}
