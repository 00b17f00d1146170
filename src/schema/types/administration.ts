// GraphQL types of administrations and their settings.
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
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
}
