/** Tokens for tests and the bench: a fixed HS256 secret the test hub is configured with, and tokens minted for any role. */
import type { Role } from '../../src/security/roles.js';
import { issueToken } from '../../src/security/tokens.js';

/** HUB_JWT_SECRET of every test hub (tests/support/hub-world.ts and store-level test servers). */
export const TEST_JWT_SECRET = 'test-only-hub-secret-0123456789abcdef';

export function mintToken(
  roles: Role[],
  o: {
    department?: string | null;
    subject?: string;
    ttl?: string | number;
    secret?: string;
    office?: string | null;
    name?: string | null;
  } = {},
): Promise<string> {
  return issueToken(
    o.secret ?? TEST_JWT_SECRET,
    {
      subject: o.subject ?? `test-${roles.join('+')}`,
      roles,
      department: o.department ?? null,
      office: o.office ?? null,
      name: o.name ?? null,
    },
    (o.ttl ?? '1h') as string,
  );
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
