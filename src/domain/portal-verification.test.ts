import { DebtorType } from '../entities/Debtor';
import { PortalAuthenticationLevel, PortalAuthenticationMethod } from '../entities/AdministrationSettings';
import { maskPhone, normaliseHouseNumber, normalisePostcode, usableMethods } from './portal-verification';

describe('postcode and house number', () => {
  it('ignore case, spaces and separators, but keep the addition part of the number', () => {
    expect(new Set(['1234 ab', '1234AB', ' 1234-Ab '].map(normalisePostcode))).toEqual(new Set(['1234AB']));
    expect(new Set(['12a', '12 A', '12-A', ' 12a '].map(normaliseHouseNumber)).size).toBe(1);
    expect(normaliseHouseNumber('12')).not.toBe(normaliseHouseNumber('12a'));
    expect(normaliseHouseNumber('12-1')).not.toBe(normaliseHouseNumber('121'));
    expect(normaliseHouseNumber('012')).toBe(normaliseHouseNumber('12'));
  });
});

describe('methods', () => {
  const settings = { level: PortalAuthenticationLevel.SENSITIVE_INFORMATION, primary: PortalAuthenticationMethod.SMS_OTP, secondary: PortalAuthenticationMethod.POSTCODE_HOUSE_NUMBER };
  const debtor = { type: DebtorType.PRIVATE, phone: null, postcode: null, houseNumber: null };
  it('take the primary, the secondary where the primary cannot work, or none', () => {
    expect(usableMethods(settings, { ...debtor, phone: '+31612345678', postcode: '1234AB', houseNumber: '1' })).toEqual(['SMS_OTP']);
    expect(usableMethods(settings, { ...debtor, postcode: '1234AB', houseNumber: '1' })).toEqual(['POSTCODE_HOUSE_NUMBER']);
    expect(usableMethods(settings, { ...debtor, postcode: '1234AB' })).toEqual([]);
    expect(usableMethods({ ...settings, primary: null, secondary: null }, { ...debtor, phone: '+31612345678' })).toEqual([]);
  });

  it('mask a phone number but its last two digits', () => {
    expect(maskPhone('+31 6 1234 5678')).toBe('*********78');
  });
});
