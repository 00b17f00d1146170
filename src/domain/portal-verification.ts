// The customer portal's verification rules (the product page's table), as pure functions of the settings and the
// debtor: who must verify, for what, and by which method.
import { DebtorType } from '../entities/Debtor';
import { PortalAuthenticationLevel as Level, PortalAuthenticationMethod as Method } from '../entities/AdministrationSettings';

export interface PortalSettings {
  level: Level;
  primary: Method | null;
  secondary: Method | null;
}

export interface PortalDebtor {
  type: DebtorType;
  phone: string | null;
  postcode: string | null;
  houseNumber: string | null;
}

/** Whether anything in the portal asks this debtor to verify (the session shows it as verificationRequired). */
export function verificationRequired(settings: PortalSettings, debtor: PortalDebtor): boolean {
  switch (settings.level) {
    case Level.EVERY_PAGE:
    case Level.SENSITIVE_INFORMATION:
      return true;
    case Level.SENSITIVE_INFORMATION_PRIVATE_ONLY:
      return debtor.type === DebtorType.PRIVATE;
    case Level.NONE:
    case Level.SENSITIVE_INFORMATION_NOT_ACCESSIBLE:
      return false;
  }
}

function methodWorksFor(method: Method, debtor: PortalDebtor): boolean {
  if (method === Method.SMS_OTP) return !!debtor.phone?.trim();
  return !!debtor.postcode?.trim() && !!debtor.houseNumber?.trim();
}

/** The primary method, or the secondary where the primary cannot work for this debtor; empty when neither can. */
export function usableMethods(settings: PortalSettings, debtor: PortalDebtor): Method[] {
  for (const method of [settings.primary, settings.secondary]) {
    if (method && methodWorksFor(method, debtor)) return [method];
  }
  return [];
}

export type PortalNeed = 'data' | 'sensitive';

/**
 * Why this session may not see `need`, as a message for the debtor; null when it may. Data is everything in the
 * portal; sensitive data is invoice documents (PDF, UBL) and message attachments.
 */
export function refusal(settings: PortalSettings, debtor: PortalDebtor, verified: boolean, need: PortalNeed): string | null {
  if (need === 'sensitive' && settings.level === Level.SENSITIVE_INFORMATION_NOT_ACCESSIBLE) {
    return 'Documents and attachments are not available in this portal; contact the sender for a copy';
  }
  const gated = settings.level === Level.EVERY_PAGE || (need === 'sensitive' && verificationRequired(settings, debtor));
  if (!gated || verified) return null;
  const methods = usableMethods(settings, debtor);
  const what = need === 'data' ? 'this portal' : 'documents and attachments';
  if (methods.length === 0) return `Verification is needed for ${what}, but no verification method is available for you; contact the sender`;
  return `Verify first to see ${what}: ${methods.map(describeMethod).join(' or ')}`;
}

function describeMethod(method: Method): string {
  return method === Method.SMS_OTP ? 'a code sent by SMS (portalRequestOtp, portalVerifyOtp)' : 'your postcode and house number (portalVerifyPostcode)';
}

/** "1234 ab" and "1234AB" are one postcode: case and every non-alphanumeric character are ignored. */
export function normalisePostcode(postcode: string): string {
  return postcode.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/**
 * "12a", "12 A" and "12-A" are one house number, and "12" is another: the number with its addition, upper case,
 * without separators. Compared as a whole, so a missing or extra addition never matches.
 */
export function normaliseHouseNumber(houseNumber: string): string {
  // The number and its addition apart: "12-1" (number 12, addition 1) is not "121".
  const match = /^\s*(\d+)(.*)$/.exec(houseNumber);
  if (!match) return houseNumber.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return `${Number(match[1])}|${match[2].toUpperCase().replace(/[^0-9A-Z]/g, '')}`;
}

/** A phone number shown without giving it away: every digit but the last two masked. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`;
}
