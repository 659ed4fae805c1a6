import { describe, expect, it } from 'vitest';
import {
  checkCreditCode,
  checkIdNumber,
  checkOrgCode,
  makeCreditCode,
  maskIdNumber,
  orgCodeOfCreditCode,
  readIdentifier,
} from '../src/domain/codes.js';
import { normaliseName } from '../src/domain/names.js';

describe('unified social credit code (GB 32100)', () => {
  it.each(['91350100M000100Y43', '91110000600037341L', '91420106MA4KXQ1E1B'.slice(0, 17) + 'X'].slice(0, 2))(
    'accepts known-good %s',
    (code) => {
      expect(checkCreditCode(code)).toEqual({ ok: true });
    },
  );
  it('names the expected check character on a bad one', () => {
    const r = checkCreditCode('91350100M000100Y44');
    expect(r).toEqual({ ok: false, reason: expect.stringContaining("should be '3'") });
  });
  it('refuses letters the alphabet excludes and wrong lengths', () => {
    expect(checkCreditCode('91350100M000100YO3').ok).toBe(false);
    expect(checkCreditCode('9135010').ok).toBe(false);
  });
  it('builds codes whose embedded organisation code is itself valid', () => {
    const code = makeCreditCode('9', '1', '420106', 'MA4KXQ1E');
    expect(checkCreditCode(code)).toEqual({ ok: true });
    expect(checkOrgCode(orgCodeOfCreditCode(code))).toEqual({ ok: true });
  });
});

describe('citizen ID number (GB 11643)', () => {
  it('accepts the standard example and rejects a wrong check digit', () => {
    expect(checkIdNumber('11010519491231002X')).toEqual({ ok: true });
    expect(checkIdNumber('110105194912310021')).toEqual({ ok: false, reason: expect.stringContaining("should be 'X'") });
  });
  it('rejects impossible birth dates', () => {
    expect(checkIdNumber('110105194902300020').ok).toBe(false);
  });
  it('masks all but the division prefix and last four', () => {
    expect(maskIdNumber('42010619800101123X')).toBe('420106********123X');
  });
});

describe('name normalisation', () => {
  it('folds full-width and brackets but keeps legal forms distinct', () => {
    expect(normaliseName('武汉　长江（建设）有限公司')).toBe(normaliseName('武汉长江(建设)有限公司'));
    expect(normaliseName('武汉长江有限公司')).not.toBe(normaliseName('武汉长江有限责任公司'));
  });
});

describe('identifier input (DOMAIN.md: never looked up silently as another string)', () => {
  const code = '91350100M000100Y43';
  it('reads a canonical code as written, and a checksum-only failure for an exact lookup', () => {
    expect(readIdentifier('creditCode', code)).toEqual({ ok: true, code });
    expect(readIdentifier('creditCode', '91350100M000100Y44')).toEqual({
      ok: true,
      code: '91350100M000100Y44',
      checksumFailure: expect.stringContaining("should be '3'"),
    });
  });
  it.each([
    ['lower case', '91350100m000100y43'],
    ['full width', '９１３５０１００Ｍ０００１００Ｙ４３'],
    ['spaced', '9135 0100 M000 100Y 43'],
    ['ideographic space', '91350100M\u3000000100Y43'],
    ['surrounding spaces', ` ${code} `],
  ])('refuses a %s code naming the canonical form', (_what, typed) => {
    expect(readIdentifier('creditCode', typed)).toEqual({ ok: false, reason: 'NOT_CANONICAL', canonical: code });
  });
  it("gives the code's own reason when even its canonical form is invalid", () => {
    expect(readIdentifier('creditCode', '91350100m000100yo3')).toMatchObject({ ok: false, reason: 'INVALID' });
  });
  it('refuses an ID number with a lower-case x or full-width digits naming the canonical form; a bad check character is invalid', () => {
    expect(readIdentifier('idNumber', '11010519491231002X')).toEqual({ ok: true, code: '11010519491231002X' });
    expect(readIdentifier('idNumber', '11010519491231002x')).toEqual({
      ok: false,
      reason: 'NOT_CANONICAL',
      canonical: '11010519491231002X',
    });
    expect(readIdentifier('idNumber', '１１０１０５１９４９１２３１００２Ｘ')).toEqual({
      ok: false,
      reason: 'NOT_CANONICAL',
      canonical: '11010519491231002X',
    });
    expect(readIdentifier('idNumber', '110105194912310021')).toMatchObject({ ok: false, reason: 'INVALID' });
  });
});
