/** Verified bearer tokens are remembered until they expire: a remembered token still expires, and nothing unverified is ever remembered. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenVerifier, issueToken } from '../src/security/tokens.js';

const SECRET = 'token-cache-test-secret-0123456789abcdef';

afterEach(() => {
  vi.useRealTimers();
});

describe('TokenVerifier remembers verified tokens', () => {
  it('answers a remembered token with its claims until its expiry, then refuses it as expired', async () => {
    const verifier = await TokenVerifier.create({ secret: SECRET });
    const token = await issueToken(SECRET, { subject: 'officer-1', roles: ['licensing_officer'], department: 'HOUSING' }, '1h');
    const first = await verifier.verify(token);
    expect(first).toMatchObject({ subject: 'officer-1', roles: ['licensing_officer'], department: 'HOUSING', via: 'jwt' });
    const again = await verifier.verify(token);
    expect(again).toEqual(first);
    // a request changing its copy changes nobody else's
    again.roles.push('admin');
    expect((await verifier.verify(token)).roles).toEqual(['licensing_officer']);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(first.expiresAt!.getTime() + 1000);
    await expect(verifier.verify(token)).rejects.toThrow(/expired/);
  });

  it('never lets a remembered token vouch for a tampered or foreign one', async () => {
    const verifier = await TokenVerifier.create({ secret: SECRET });
    const token = await issueToken(SECRET, { subject: 'officer-2', roles: ['inspector'] }, '1h');
    await verifier.verify(token);
    const [h, p, sig] = token.split('.');
    const tamperedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), roles: ['admin'] }),
    ).toString('base64url');
    await expect(verifier.verify(`${h}.${tamperedPayload}.${sig}`)).rejects.toThrow(/not valid/);
    const foreign = await issueToken('another-secret-0123456789abcdef-xyz', { subject: 'officer-2', roles: ['admin'] }, '1h');
    await expect(verifier.verify(foreign)).rejects.toThrow(/not valid/);
    // refused tokens are not remembered either
    await expect(verifier.verify(foreign)).rejects.toThrow(/not valid/);
  });
});
