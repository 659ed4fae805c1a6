/**
 * The national identifiers every department's records carry, checked the same way whatever the wire:
 * GB 32100 unified credit code, GB 11714 organisation code, GB 11643 citizen ID number. The rules
 * themselves are in src/domain/codes.ts; these are the zod refinements the mappings share.
 */
import { z } from 'zod';
import { checkCreditCode, checkIdNumber, checkOrgCode } from '../../src/domain/codes.js';

const STRUCTURE_CREDIT = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const issue = (ctx: z.RefinementCtx, message: string) => ctx.addIssue({ code: 'custom', message });

/** Credit code shape; a failing check character alone is tolerated (really issued codes do fail it), the structure is not. */
export function refineCreditCode(s: string, ctx: z.RefinementCtx): void {
  if (!STRUCTURE_CREDIT.test(s)) {
    const c = checkCreditCode(s);
    issue(ctx, c.ok ? 'malformed credit code' : c.reason);
  }
}

export function refineOrgCode(s: string, ctx: z.RefinementCtx): void {
  const c = checkOrgCode(s);
  if (!c.ok) issue(ctx, c.reason);
}

export function refineIdNumber(s: string, ctx: z.RefinementCtx): void {
  const c = checkIdNumber(s);
  if (!c.ok) issue(ctx, c.reason);
}

export const creditCodeField = z.string().superRefine(refineCreditCode);
export const orgCodeField = z.string().superRefine(refineOrgCode);
export const idNumberField = z.string().superRefine(refineIdNumber);
