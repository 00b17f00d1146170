// The customer portal's door: opening a debtor's link, the verification levels of the settings for business and
// private debtors, each method with its fallback, SMS codes through the real twilio client at a fake Twilio, and
// the limits that stop guessing.
import {
  AdministrationDetailDocument,
  DebtorPortalUrlDocument,
  InvoicesDocument,
  MeDocument,
  PortalInvoiceDocumentsDocument,
  PortalInvoicesDocument,
  PortalOpenDocument,
  PortalRequestOtpDocument,
  PortalVerifyOtpDocument,
  PortalVerifyPostcodeDocument,
  RotatePortalAccessDocument,
  UpdateSettingsDocument,
  type PortalAuthenticationLevel,
  type PortalAuthenticationMethod,
} from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { errorCode, expectData, expectError } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startFakeTwilio, type FakeTwilio } from './support/fake-twilio';
import { postGraphql, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let twilio: FakeTwilio;
let t: Tenants;
const debtors: Record<string, string> = {};

const PHONE_B = '+31612345678';
const PHONE_P = '+31687654321';

beforeAll(async () => {
  twilio = await startFakeTwilio();
  server = await startTestServer({ env: { ...twilio.env(), PORTAL_MAX_ATTEMPTS_PER_IP: '100000' } });
  t = await createTenants(server);
  const debtor = (externalId: string, type: 'BUSINESS' | 'PRIVATE', extra: Record<string, string> = {}) => ({ externalId, name: `Debtor ${externalId}`, type, email: `${externalId}@example.test`, ...extra });
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { debtor: debtor('B', 'BUSINESS', { phone: PHONE_B, postcode: '1234 AB', houseNumber: '12a' }) }),
    invoiceInput(2, { debtor: debtor('P', 'PRIVATE', { phone: PHONE_P, postcode: '5678CD', houseNumber: '7' }) }),
    invoiceInput(3, { debtor: debtor('S', 'PRIVATE', { postcode: '9999 ZZ', houseNumber: '1' }) }),
    invoiceInput(4, { debtor: debtor('N', 'PRIVATE') }),
    invoiceInput(5, { debtor: debtor('L', 'PRIVATE', { phone: '+31611112222' }) }),
  ]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9)]);
  for (const [administrationId, token] of [
    [t.a, t.owner.token],
    [t.b, t.otherOwner.token],
  ]) {
    const data = expectData(await server.gql(InvoicesDocument, { id: administrationId }, { token }));
    for (const { node } of data.administration!.invoices.edges) debtors[node.debtor.externalId] = node.debtor.id;
  }
});
afterAll(async () => {
  await server?.stop();
  await twilio?.close();
});

async function accessTokenOf(debtorId: string, token = t.viewer.token): Promise<string> {
  const url = expectData(await server.gql(DebtorPortalUrlDocument, { id: debtorId }, { token })).debtor!.portalUrl;
  return url.split('/').at(-1)!;
}

async function open(debtorKey: string) {
  return expectData(await server.gql(PortalOpenDocument, { accessToken: await accessTokenOf(debtors[debtorKey]) })).portalOpen;
}

async function settle(level: PortalAuthenticationLevel, primary: PortalAuthenticationMethod | null = 'POSTCODE_HOUSE_NUMBER', secondary: PortalAuthenticationMethod | null = null) {
  expectData(
    await server.gql(
      UpdateSettingsDocument,
      { administrationId: t.a, input: { portalAuthenticationLevel: level, portalPrimaryMethod: primary, portalSecondaryMethod: secondary } },
      { token: t.owner.token },
    ),
  );
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Requests a code and waits for its SMS at the fake Twilio; returns the code. */
async function requestCode(token: string, phone: string): Promise<string> {
  const before = twilio.accepted.length;
  expectData(await server.gql(PortalRequestOtpDocument, {}, { token }));
  await twilio.waitForAccepted(before + 1);
  return twilio.latestCode(phone);
}

/** Past every counting window (attempts, codes) and code lifetime; sessions must be opened again after it. */
const passWindows = () => server.clock.set(new Date(server.clock.now().getTime() + 16 * 60_000));

describe('portalOpen', () => {
  beforeAll(() => settle('NONE'));

  it("gives a session for the link's debtor, with the administration's and the debtor's names", async () => {
    const session = await open('B');
    expect(session).toMatchObject({ verified: false, verificationRequired: false, methods: ['POSTCODE_HOUSE_NUMBER'], debtorName: 'Debtor B', administrationName: 'Tenant A' });
    const invoices = expectData(await server.gql(PortalInvoicesDocument, {}, { token: session.token })).portalInvoices;
    expect(invoices.map((i) => i.number)).toEqual(['2026-0001']);
  });

  it('refuses a token that is no link: malformed, of a made-up debtor, or with a wrong signature', async () => {
    const real = await accessTokenOf(debtors.B);
    for (const accessToken of ['', 'nope', `${real.slice(0, 32)}${'0'.repeat(64)}`, `${'f'.repeat(32)}${real.slice(32)}`, `${real}00`]) {
      const result = await server.gql(PortalOpenDocument, { accessToken });
      expectError(result, 'NOT_FOUND');
      expect(result.errors![0].message).toMatch(/link is not valid/);
    }
  });

  it('is refused to a caller signed in as a user', async () => {
    expectError(await server.gql(PortalOpenDocument, { accessToken: await accessTokenOf(debtors.B) }, { token: t.owner.token }), 'FORBIDDEN');
  });

  it('a rotated link opens nothing, and the sessions it opened end at once', async () => {
    const oldToken = await accessTokenOf(debtors.L);
    const session = expectData(await server.gql(PortalOpenDocument, { accessToken: oldToken })).portalOpen;
    expectData(await server.gql(PortalInvoicesDocument, {}, { token: session.token }));
    expectData(await server.gql(RotatePortalAccessDocument, { debtorId: debtors.L }, { token: t.admin.token }));
    expectError(await server.gql(PortalOpenDocument, { accessToken: oldToken }), 'NOT_FOUND');
    const ended = await server.gql(PortalInvoicesDocument, {}, { token: session.token });
    expectError(ended, 'UNAUTHENTICATED');
    expect(ended.errors![0].message).toMatch(/link was replaced/);
    const fresh = expectData(await server.gql(PortalOpenDocument, { accessToken: await accessTokenOf(debtors.L) })).portalOpen;
    expectData(await server.gql(PortalInvoicesDocument, {}, { token: fresh.token }));
  });
});

describe('opening the link again', () => {
  beforeAll(() => settle('SENSITIVE_INFORMATION'));

  it("keeps a verified session verified (a reload), but not one made with a link that was replaced since", async () => {
    const session = await open('S');
    const verified = expectData(await server.gql(PortalVerifyPostcodeDocument, { postcode: '9999ZZ', houseNumber: '1' }, { token: session.token })).portalVerifyPostcode;
    const reopened = expectData(await server.gql(PortalOpenDocument, { accessToken: await accessTokenOf(debtors.S) }, { token: verified.token })).portalOpen;
    expect(reopened.verified).toBe(true);
    expectData(await server.gql(RotatePortalAccessDocument, { debtorId: debtors.S }, { token: t.admin.token }));
    const afterRotation = expectData(await server.gql(PortalOpenDocument, { accessToken: await accessTokenOf(debtors.S) }, { token: verified.token })).portalOpen;
    expect(afterRotation.verified).toBe(false);
  });
});

describe('two kinds of token', () => {
  it('a portal session token is FORBIDDEN on user operations; a user token is FORBIDDEN on portal operations', async () => {
    const session = await open('B');
    expectError(await server.gql(MeDocument, {}, { token: session.token }), 'FORBIDDEN');
    expectError(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: session.token }), 'FORBIDDEN');
    expectError(await server.gql(InvoicesDocument, { id: t.a }, { token: session.token }), 'FORBIDDEN');
    for (const token of [t.owner.token, t.viewer.token]) {
      expectError(await server.gql(PortalInvoicesDocument, {}, { token }), 'FORBIDDEN');
      expectError(await server.gql(PortalVerifyPostcodeDocument, { postcode: '1234AB', houseNumber: '12a' }, { token }), 'FORBIDDEN');
      expectError(await server.gql(PortalRequestOtpDocument, {}, { token }), 'FORBIDDEN');
    }
    expectError(await server.gql(PortalInvoicesDocument, {}), 'UNAUTHENTICATED');
  });
});

type Access = 'open' | 'FORBIDDEN';
interface Expectation {
  required: boolean;
  data: Access;
  documents: Access;
  documentsVerified: Access;
}

// The seed's table: what an unverified and a verified debtor may see at each level.
const LEVELS: Record<PortalAuthenticationLevel, { BUSINESS: Expectation; PRIVATE: Expectation }> = {
  NONE: {
    BUSINESS: { required: false, data: 'open', documents: 'open', documentsVerified: 'open' },
    PRIVATE: { required: false, data: 'open', documents: 'open', documentsVerified: 'open' },
  },
  EVERY_PAGE: {
    BUSINESS: { required: true, data: 'FORBIDDEN', documents: 'FORBIDDEN', documentsVerified: 'open' },
    PRIVATE: { required: true, data: 'FORBIDDEN', documents: 'FORBIDDEN', documentsVerified: 'open' },
  },
  SENSITIVE_INFORMATION: {
    BUSINESS: { required: true, data: 'open', documents: 'FORBIDDEN', documentsVerified: 'open' },
    PRIVATE: { required: true, data: 'open', documents: 'FORBIDDEN', documentsVerified: 'open' },
  },
  SENSITIVE_INFORMATION_PRIVATE_ONLY: {
    BUSINESS: { required: false, data: 'open', documents: 'open', documentsVerified: 'open' },
    PRIVATE: { required: true, data: 'open', documents: 'FORBIDDEN', documentsVerified: 'open' },
  },
  SENSITIVE_INFORMATION_NOT_ACCESSIBLE: {
    BUSINESS: { required: false, data: 'open', documents: 'FORBIDDEN', documentsVerified: 'FORBIDDEN' },
    PRIVATE: { required: false, data: 'open', documents: 'FORBIDDEN', documentsVerified: 'FORBIDDEN' },
  },
};

const accessOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }): Access => {
  if (!result.errors) return 'open';
  expect(errorCode(result as never)).toBe('FORBIDDEN');
  return 'FORBIDDEN';
};

describe.each(Object.keys(LEVELS) as PortalAuthenticationLevel[])('level %s', (level) => {
  beforeAll(() => settle(level));

  it.each([
    ['BUSINESS', 'B', { postcode: '1234AB', houseNumber: '12A' }],
    ['PRIVATE', 'P', { postcode: '5678 cd', houseNumber: '7' }],
  ] as const)('a %s debtor sees what the level allows, before and after verifying', async (type, key, address) => {
    const expected = LEVELS[level][type];
    const session = await open(key);
    expect({ verified: session.verified, verificationRequired: session.verificationRequired }).toEqual({ verified: false, verificationRequired: expected.required });
    const data = await server.gql(PortalInvoicesDocument, {}, { token: session.token });
    expect(accessOf(data)).toBe(expected.data);
    if (data.errors) expect(data.errors[0].message).toMatch(/Verify first to see this portal: your postcode and house number/);
    const documents = await server.gql(PortalInvoiceDocumentsDocument, {}, { token: session.token });
    expect(accessOf(documents)).toBe(expected.documents);
    // A refusal is the whole answer, never an empty list passed off as the truth.
    if (documents.errors) expect(documents.data?.portalInvoices ?? null).toBeNull();
    else expect(documents.data!.portalInvoices[0].documents).toEqual([]);

    const verified = expectData(await server.gql(PortalVerifyPostcodeDocument, address, { token: session.token })).portalVerifyPostcode;
    expect(verified).toMatchObject({ verified: true, verificationRequired: expected.required });
    expect(accessOf(await server.gql(PortalInvoicesDocument, {}, { token: verified.token }))).toBe('open');
    const after = await server.gql(PortalInvoiceDocumentsDocument, {}, { token: verified.token });
    expect(accessOf(after)).toBe(expected.documentsVerified);
    if (after.errors) expect(after.errors[0].message).toMatch(/not available in this portal/);
  });
});

describe('methods', () => {
  afterAll(() => passWindows());

  it('offers the primary method, the secondary where the primary cannot work, and says so when neither can', async () => {
    await settle('SENSITIVE_INFORMATION', 'SMS_OTP', 'POSTCODE_HOUSE_NUMBER');
    expect((await open('B')).methods).toEqual(['SMS_OTP']);
    expect((await open('S')).methods).toEqual(['POSTCODE_HOUSE_NUMBER']);
    const none = await open('N');
    expect(none).toMatchObject({ methods: [], verificationRequired: true });
    const refused = await server.gql(PortalInvoiceDocumentsDocument, {}, { token: none.token });
    expectError(refused, 'FORBIDDEN');
    expect(refused.errors![0].message).toMatch(/no verification method is available for you/);

    // A method that is not this debtor's is refused, even where its data would match.
    const business = await open('B');
    expectError(await server.gql(PortalVerifyPostcodeDocument, { postcode: '1234AB', houseNumber: '12a' }, { token: business.token }), 'FORBIDDEN');
    const fallback = await open('S');
    expectError(await server.gql(PortalRequestOtpDocument, {}, { token: fallback.token }), 'FORBIDDEN');
    expect(expectData(await server.gql(PortalVerifyPostcodeDocument, { postcode: '9999zz', houseNumber: '1' }, { token: fallback.token })).portalVerifyPostcode.verified).toBe(true);
  });

  it('compares postcode and house number normalised, and an addition is part of the number', async () => {
    await settle('SENSITIVE_INFORMATION', 'POSTCODE_HOUSE_NUMBER');
    const session = await open('B');
    for (const [postcode, houseNumber] of [
      ['1234 ab', '12a'],
      ['1234AB', '12 A'],
      [' 1234-ab ', '12-A'],
    ]) {
      expect(expectData(await server.gql(PortalVerifyPostcodeDocument, { postcode, houseNumber }, { token: session.token })).portalVerifyPostcode.verified).toBe(true);
    }
    for (const [postcode, houseNumber] of [
      ['1234AB', '12'],
      ['1234AB', '12b'],
      ['1234AC', '12a'],
      ['1234AB', '121'],
    ]) {
      const result = await server.gql(PortalVerifyPostcodeDocument, { postcode, houseNumber }, { token: session.token });
      expectError(result, 'BAD_USER_INPUT', 'postcode');
      expect(result.errors![0].message).toMatch(/do not match/);
    }
    expectError(await server.gql(PortalVerifyPostcodeDocument, { postcode: ' ', houseNumber: '12a' }, { token: session.token }), 'BAD_USER_INPUT', 'postcode');
  });
});

describe('SMS codes', () => {
  beforeAll(() => settle('SENSITIVE_INFORMATION', 'SMS_OTP'));
  beforeEach(() => passWindows());

  it('sends a 6-digit code through Twilio to the masked number, and a right code verifies the session', async () => {
    const session = await open('B');
    const before = twilio.accepted.length;
    const challenge = expectData(await server.gql(PortalRequestOtpDocument, {}, { token: session.token })).portalRequestOtp;
    expect(challenge).toEqual({ sentTo: '*********78', expiresAt: new Date(server.clock.now().getTime() + 600_000).toISOString() });
    const [sms] = (await twilio.waitForAccepted(before + 1)).slice(before);
    expect(sms).toMatchObject({ to: PHONE_B, from: twilio.env().TWILIO_FROM, body: expect.stringMatching(/^\d{6} is your code for the payment portal of Tenant A/) });
    const code = /^(\d{6})/.exec(sms.body)![1];

    // Neither the code nor the SMS text stays readable in the database.
    const sql = server.runtime.orm.em.getConnection();
    const [stored] = await sql.execute(`select code_hash from portal_otp_codes where debtor_id = ? order by created_at desc limit 1`, [debtors.B]);
    expect(stored.code_hash).not.toContain(code);
    const sent = await eventually(async () => {
      const [row] = await sql.execute(`select sealed_body, summary, status, provider_id from sms_messages where provider_id = ?`, [sms.sid]);
      return row;
    });
    expect(sent).toEqual({ sealed_body: null, summary: 'portal verification code', status: 'SENT', provider_id: sms.sid });

    const wrong = code === '000000' ? '000001' : '000000';
    const refused = await server.gql(PortalVerifyOtpDocument, { code: wrong }, { token: session.token });
    expectError(refused, 'BAD_USER_INPUT', 'code');
    expect(refused.errors![0].message).toMatch(/not correct; 4 tries left/);
    const verified = expectData(await server.gql(PortalVerifyOtpDocument, { code }, { token: session.token })).portalVerifyOtp;
    expect(verified.verified).toBe(true);
    expectData(await server.gql(PortalInvoiceDocumentsDocument, {}, { token: verified.token }));
    // Used once: the same code again finds nothing to check.
    expectError(await server.gql(PortalVerifyOtpDocument, { code }, { token: session.token }), 'BAD_USER_INPUT', 'code');
  });

  it('refuses a code after 10 minutes', async () => {
    const session = await open('P');
    const code = await requestCode(session.token, PHONE_P);
    server.clock.set(new Date(server.clock.now().getTime() + 601_000));
    const expired = await server.gql(PortalVerifyOtpDocument, { code }, { token: session.token });
    expectError(expired, 'BAD_USER_INPUT', 'code');
    expect(expired.errors![0].message).toMatch(/expired/);
  });

  it('gives a code 5 tries; then even the right code needs a new one', async () => {
    const session = await open('P');
    const code = await requestCode(session.token, PHONE_P);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) expectError(await server.gql(PortalVerifyOtpDocument, { code: wrong }, { token: session.token }), 'BAD_USER_INPUT');
    const spent = await server.gql(PortalVerifyOtpDocument, { code }, { token: session.token });
    expectError(spent, 'BAD_USER_INPUT');
    expect(spent.errors![0].message).toMatch(/request a new one/);
  });

  it('sends at most 3 codes per 15 minutes to a debtor, and a new code replaces the one before', async () => {
    const session = await open('P');
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push(await requestCode(session.token, PHONE_P));
    const limited = await server.gql(PortalRequestOtpDocument, {}, { token: session.token });
    expectError(limited, 'TOO_MANY_REQUESTS');
    expect(limited.errors![0].message).toMatch(/At most 3 codes per 15 minutes; the next can be requested after \d{4}-/);
    if (codes[0] !== codes[2]) expectError(await server.gql(PortalVerifyOtpDocument, { code: codes[0] }, { token: session.token }), 'BAD_USER_INPUT');
    expect(expectData(await server.gql(PortalVerifyOtpDocument, { code: codes[2] }, { token: session.token })).portalVerifyOtp.verified).toBe(true);
  });

  it('locks a debtor out after 10 failed attempts, with the time to try again, whatever the method', async () => {
    const session = await open('P');
    const code = await requestCode(session.token, PHONE_P);
    const wrong = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 10; i++) expect(errorCode(await server.gql(PortalVerifyOtpDocument, { code: wrong }, { token: session.token }))).toBe('BAD_USER_INPUT');
    const locked = await server.gql(PortalVerifyOtpDocument, { code }, { token: session.token });
    expectError(locked, 'TOO_MANY_REQUESTS');
    const retryAt = /try again after (\S+)$/.exec(locked.errors![0].message)![1];
    expect(new Date(retryAt).getTime()).toBeGreaterThan(server.clock.now().getTime());
    // A new session is the same debtor: still locked.
    const again = await open('P');
    expectError(await server.gql(PortalVerifyOtpDocument, { code }, { token: again.token }), 'TOO_MANY_REQUESTS');
    server.clock.set(new Date(retryAt));
    const after = await open('P');
    const fresh = await requestCode(after.token, PHONE_P);
    expect(expectData(await server.gql(PortalVerifyOtpDocument, { code: fresh }, { token: after.token })).portalVerifyOtp.verified).toBe(true);
  });

  it('tries an SMS again after a Twilio 5xx, and gives up on a 4xx without keeping the text', async () => {
    const session = await open('P');
    const sql = server.runtime.orm.em.getConnection();
    // The clock stands still in this file: rows are told apart by status.
    const smsWith = (status: string, attempts: number) =>
      eventually(async () => (await sql.execute(`select status, attempts, error, sealed_body from sms_messages where debtor_id = ? and status = ? and attempts = ?`, [debtors.P, status, attempts]))[0]);
    twilio.failNext(1, 503);
    await requestCode(session.token, PHONE_P);
    expect(await smsWith('SENT', 2)).toMatchObject({ attempts: 2, sealed_body: null });

    twilio.failNext(1, 400);
    const requests = twilio.requests;
    expectData(await server.gql(PortalRequestOtpDocument, {}, { token: session.token }));
    expect(await smsWith('FAILED', 1)).toMatchObject({ attempts: 1, sealed_body: null, error: expect.stringMatching(/Twilio answered 400/) });
    expect(twilio.requests).toBe(requests + 1);
  });

  it('lets aliases in one document try no more than one request does, and refuses a document of 100 outright', async () => {
    const session = await open('B');
    const code = await requestCode(session.token, PHONE_B);
    const wrong = code === '111111' ? '222222' : '111111';
    const aliased = (count: number) =>
      `mutation { ${Array.from({ length: count }, (_, i) => `a${i}: portalVerifyOtp(code: "${i === count - 1 ? code : wrong}") { verified }`).join(' ')} }`;
    const attemptsOnCode = async () =>
      (await server.runtime.orm.em.getConnection().execute(`select attempts from portal_otp_codes where debtor_id = ? order by created_at desc limit 1`, [debtors.B]))[0].attempts as number;

    const hundred = await postGraphql<Record<string, unknown>>(server.url, { query: aliased(100) }, { token: session.token });
    expect(hundred.data).toBeUndefined();
    expect(JSON.stringify(hundred.errors)).toMatch(/alias/i);
    expect(await attemptsOnCode()).toBe(0);

    // Mutations run one after another, and a refused one (its result is non-null) ends the document: the right
    // code in the last alias is never tried.
    const twelve = await postGraphql<Record<string, unknown>>(server.url, { query: aliased(12) }, { token: session.token });
    expect(twelve.data).toBeNull();
    expect(twelve.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['a0'], 'BAD_USER_INPUT']]);
    expect(await attemptsOnCode()).toBe(1);
  });
});

describe('limits per address', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ env: { PORTAL_MAX_ATTEMPTS_PER_IP: '3', PORTAL_MAX_ATTEMPTS_PER_DEBTOR: '100' }, clock: server.clock });
  });
  afterAll(() => small?.stop());

  it('limits failed link openings and verification attempts per caller address', async () => {
    for (let i = 0; i < 3; i++) expectError(await small.gql(PortalOpenDocument, { accessToken: 'f'.repeat(96) }), 'NOT_FOUND');
    const limited = await small.gql(PortalOpenDocument, { accessToken: 'f'.repeat(96) });
    expectError(limited, 'TOO_MANY_REQUESTS');
    expect(limited.errors![0].message).toMatch(/try again after/);
  });

  it('counts verification attempts per caller address too, across debtors', async () => {
    const tenants = await createTenants(small);
    await importAndWait(small, tenants.owner.token, tenants.a, [
      invoiceInput(1, { debtor: { externalId: 'X', name: 'X', type: 'PRIVATE', postcode: '1000AA', houseNumber: '1' } }),
    ]);
    expectData(await small.gql(UpdateSettingsDocument, { administrationId: tenants.a, input: { portalAuthenticationLevel: 'SENSITIVE_INFORMATION', portalPrimaryMethod: 'POSTCODE_HOUSE_NUMBER' } }, { token: tenants.owner.token }));
    const list = expectData(await small.gql(InvoicesDocument, { id: tenants.a }, { token: tenants.owner.token }));
    const url = expectData(await small.gql(DebtorPortalUrlDocument, { id: list.administration!.invoices.edges[0].node.debtor.id }, { token: tenants.owner.token })).debtor!.portalUrl;
    small.clock.set(new Date(small.clock.now().getTime() + 16 * 60_000));
    const session = expectData(await small.gql(PortalOpenDocument, { accessToken: url.split('/').at(-1)! })).portalOpen;
    for (let i = 0; i < 3; i++) expectError(await small.gql(PortalVerifyPostcodeDocument, { postcode: '1000AB', houseNumber: '1' }, { token: session.token }), 'BAD_USER_INPUT');
    expectError(await small.gql(PortalVerifyPostcodeDocument, { postcode: '1000AA', houseNumber: '1' }, { token: session.token }), 'TOO_MANY_REQUESTS');
  });
});
