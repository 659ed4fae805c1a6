/**
 * Enterprise name normalisation for linking records that carry only a name.
 * Folds full-width to half-width, unifies brackets and drops white space; legal forms
 * (有限公司 vs 有限责任公司) are kept distinct because they are distinct names.
 */
export function toHalfWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x3000) out += ' ';
    else if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else out += ch;
  }
  return out;
}

export function normaliseName(name: string): string {
  return toHalfWidth(name.normalize('NFKC'))
    .replace(/[（【〔［]/g, '(')
    .replace(/[）】〕］]/g, ')')
    .replace(/\s+/g, '')
    .toUpperCase();
}

/** Upper-case, half-width, trimmed form of a code typed by a person or sent by a source. */
export function normaliseCode(code: string): string {
  return toHalfWidth(code).replace(/\s+/g, '').toUpperCase();
}
