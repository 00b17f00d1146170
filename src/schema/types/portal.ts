// The customer portal's own types: the session, the debtor's view of an invoice, an SMS challenge.
import { Field, ID, ObjectType } from 'type-graphql';
import { PortalAuthenticationMethod } from '../../entities/AdministrationSettings';
import { DateScalar } from '../scalars';

@ObjectType('PortalSession', { simpleResolvers: true })
export class PortalSessionType {
  @Field(() => String, { description: 'Bearer token for the portal operations' }) token!: string;
  @Field(() => Boolean) verified!: boolean;
  @Field(() => Boolean, { description: 'true where the settings ask this debtor to verify' }) verificationRequired!: boolean;
  @Field(() => [PortalAuthenticationMethod], { description: 'the methods this debtor can verify with; empty when none can work' })
  methods!: PortalAuthenticationMethod[];
  @Field(() => String) debtorName!: string;
  @Field(() => String, { description: 'whose portal this is: the administration the invoices are from' }) administrationName!: string;
}

/** Root values are Invoice entities; amount, openAmount and documents are resolved in PortalResolver. */
@ObjectType('PortalInvoice', { simpleResolvers: true })
export class PortalInvoiceType {
  @Field(() => ID) id!: string;
  @Field(() => String) number!: string;
  @Field(() => DateScalar) issueDate!: string;
  @Field(() => DateScalar) dueDate!: string;
}

@ObjectType('PortalOtpChallenge', { simpleResolvers: true })
export class PortalOtpChallengeType {
  @Field(() => String, { description: 'the phone number the code went to, all but its last 2 digits masked' }) sentTo!: string;
  @Field(() => Date) expiresAt!: Date;
}
