// A debtor's link into the customer portal: PUBLIC_URL/portal/<access token>. The token is random, stored on the
// debtor, and replaced to end an old link. Why not a signed link: it would die with every change of the signing
// secret, and the debtors hold these links in emails for months.

/**
 * Two random UUIDs' hex digits (64 characters, 244 random bits), from PostgreSQL's built-in gen_random_uuid (no
 * extension). Written the way PostgreSQL prints it back, so the schema check finds the column as declared.
 */
export const PORTAL_ACCESS_TOKEN_SQL = `replace(((gen_random_uuid())::text || (gen_random_uuid())::text), '-'::text, ''::text)`;

export function portalUrlOf(publicUrl: string, accessToken: string): string {
  return `${publicUrl}/portal/${encodeURIComponent(accessToken)}`;
}
