/**
 * Planting a world item's dirt (WorldItem.dirt) the same way in every stand-in system: a stable hash
 * to pick the breakage variant, full-width names as typed into old forms, and the reduced enterprise
 * reference (only the organisation code, only the name). How a system stores the result is its own.
 */
import type { EnterpriseRef } from '../../src/domain/canonical.js';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';

export type Dirt = NonNullable<WorldItem['dirt']>;
export type RefStyle = Dirt['refStyle'];
/** credit code, organisation code, name — null where the reference does not carry it */
export type RefTriple = [string | null, string | null, string | null];

/** FNV-1a, 32 bit: stable across runs, so the same item always gets the same breakage. */
export function fnv1a(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Full-width letters, digits and brackets and an extra space (`gap`) after two characters: how names were typed into old forms. */
export function fullWidthName(name: string, gap = ' '): string {
  const wide = name.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  return wide.length > 4 && !/\s/.test(wide) ? `${wide.slice(0, 2)}${gap}${wide.slice(2)}` : wide;
}

export interface DirtOptions {
  /** the space full-width names get (default an ASCII space) */
  gap?: string;
  /** orgCode style on a reference with neither code: keep the reference as it is (default: nothing is kept) */
  orgCodeNeedsACode?: boolean;
}

/** The reference reduced as the dirt says, or null when the dirt does not apply (keep it as the record has it). */
export function dirtyRef(ref: EnterpriseRef | null | undefined, style: RefStyle, o: DirtOptions = {}): RefTriple | null {
  const r = ref ?? {};
  if (style === 'orgCode' && (!o.orgCodeNeedsACode || r.orgCode || r.creditCode)) {
    return [null, r.orgCode ?? (r.creditCode ? orgCodeOfCreditCode(r.creditCode) : null), null];
  }
  if (style === 'name' && r.name) return [null, null, r.name];
  if (style === 'fullWidthName' && r.name)
    return [null, null, /[\uff01-\uff5e\u3000]/.test(r.name) ? r.name : fullWidthName(r.name, o.gap)];
  return null;
}

/** The reference as a system carries it: the dirty reduction, or every part the record has. */
export function refValues(ref: EnterpriseRef | null | undefined, style: RefStyle, o?: DirtOptions): RefTriple {
  return dirtyRef(ref, style, o) ?? [ref?.creditCode ?? null, ref?.orgCode ?? null, ref?.name ?? null];
}

/**
 * Breakage natural to a system, per table three [column, value] variants; the item's hash picks one.
 * Returns the row with that column's value replaced (the values follow `columns`).
 */
export function breakValues<V>(id: string, columns: readonly string[], variants: readonly (readonly [string, V])[], values: V[]): V[] {
  const [column, value] = variants[fnv1a(id) % variants.length]!;
  const i = columns.indexOf(column);
  if (i < 0) throw new Error(`breakage names no column '${column}'`);
  values[i] = value;
  return values;
}
