// GraphQL shape of an online payment started from the customer portal.
import { Field, ObjectType } from 'type-graphql';
import type { Payment } from '../../entities/Payment';
import { PaymentType } from './ledger';

@ObjectType('PaymentCheckout', { simpleResolvers: true })
export class PaymentCheckoutType {
  @Field(() => PaymentType) payment!: Payment;
  /** The provider's checkout page (Mollie's, or the built-in test provider's). */
  @Field(() => String) checkoutUrl!: string;
}
