/**
 * Client-side help with identifiers, so an officer sees a mistake before sending. The server stays the
 * judge (it validates again and refuses non-canonical forms, DOMAIN.md): here we only normalise VISIBLY
 * (the field shows the canonical form before the request goes out) and explain check-character errors.
 * The GB 32100 arithmetic is the hub's own (src/domain/codes.ts), imported rather than copied.
 */
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../../../src/domain/codes';

/** Full-width ASCII → half-width, spaces and dashes removed, upper case. */
export function canonicalCode(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\-－—_]/g, '')
    .toUpperCase();
}

/** Does this text look like a credit code attempt (rather than an enterprise name)? */
export function looksLikeCode(input: string): boolean {
  const c = canonicalCode(input);
  return c.length >= 6 && /^[0-9A-Z]+$/.test(c);
}

/** Chinese explanation of what is wrong with a (canonical) credit code, or null when it is valid. */
export function creditCodeProblemZh(code: string): string | null {
  if (code.length !== 18) return `统一社会信用代码应为18位，当前为${code.length}位。`;
  for (let i = 0; i < 18; i++) {
    if (!CREDIT_CODE_ALPHABET.includes(code[i]!)) {
      return `第${i + 1}位字符“${code[i]}”不符合 GB 32100 规则（不使用 I、O、Z、S、V）。`;
    }
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) return '第3至8位应为6位行政区划代码。';
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (expected !== code[17]) return `校验码错误：按 GB 32100 第18位应为“${expected}”，而不是“${code[17]}”。`;
  return null;
}

/** Chinese explanation of what is wrong with a citizen ID number (GB 11643), or null. */
export function idNumberProblemZh(id: string): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号应为18位（最后一位可为 X）。';
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * w[i]!;
  const expected = '10X98765432'[sum % 11]!;
  if (expected !== id[17]) return `身份证号校验码错误：第18位应为“${expected}”。`;
  return null;
}
