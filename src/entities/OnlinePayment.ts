// What an ONLINE payment is for while the debtor pays it, and the built-in test provider's own payments.
import { BigIntType, Entity, Filter, Index, ManyToOne, PrimaryKey, Property, type Opt, type Rel } from '@mikro-orm/core';
import { Administration } from './Administration';
import { Invoice } from './Invoice';
import { Payment } from './Payment';
import { newId, tenantFilter } from './base';

/**
 * The invoices a debtor chose to pay online and the open amount of each at the start. Allocations (money applied to
 * invoices) are written only once the provider says PAID; until then these rows say what the payment is for.
 */
@Entity({ tableName: 'online_payment_invoices' })
@Filter(tenantFilter)
export class OnlinePaymentInvoice {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Payment, { deleteRule: 'cascade' })
  @Index()
  payment!: Rel<Payment>;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade' })
  @Index()
  invoice!: Rel<Invoice>;

  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;
}

/**
 * A payment at the built-in test provider (no MOLLIE_API_KEY), in PostgreSQL so that any process serves its checkout
 * page and answers the webhook's status question. Shaped after Mollie's payment resource; not tenant-owned: it
 * belongs to the provider, which knows nothing of administrations.
 */
@Entity({ tableName: 'test_provider_payments' })
export class TestProviderPayment {
  /** `tr_test_` and random characters, like Mollie's ids. */
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;

  @Property({ type: 'text' })
  currency!: string;

  @Property({ type: 'text' })
  description!: string;

  /** open, paid, failed, canceled (Mollie's words). */
  @Property({ type: 'text' })
  status!: string;

  @Property({ type: new BigIntType('bigint') })
  amountRefunded: Opt<bigint> = 0n;

  @Property({ type: 'text' })
  redirectUrl!: string;

  @Property({ type: 'text' })
  webhookUrl!: string;

  @Property({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
