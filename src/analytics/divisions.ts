/**
 * The GB/T 2260 division table (shipped with the project, loaded by the RiskAnalytics migration): a
 * few thousand rows of reference data, read once per store and kept in memory.
 */
import type { DataSource } from 'typeorm';

export interface DivisionRow {
  code: string;
  name: string;
  level: 'PROVINCE' | 'CITY' | 'COUNTY';
  parent_code: string | null;
}

export interface Divisions {
  get(code: string): DivisionRow | undefined;
  /** 湖北省武汉市武昌区: names from the province down (the placeholder 市辖区 left out) */
  fullName(code: string): string;
  /** a 2-, 4- or 6-digit region code as the 6-digit division code it names */
  resolve(region: string): DivisionRow | undefined;
}

const cache = new WeakMap<DataSource, Promise<Divisions>>();

export function divisions(ds: DataSource): Promise<Divisions> {
  let p = cache.get(ds);
  if (!p) {
    p = load(ds);
    cache.set(ds, p);
    p.catch(() => cache.delete(ds));
  }
  return p;
}

async function load(ds: DataSource): Promise<Divisions> {
  const rows: DivisionRow[] = await ds.query(`SELECT code, name, level, parent_code FROM division`);
  const by = new Map(rows.map((r) => [r.code, r]));
  const fullName = (code: string): string => {
    const names: string[] = [];
    for (let d = by.get(code); d; d = d.parent_code ? by.get(d.parent_code) : undefined) {
      if (d.name !== '市辖区' && d.name !== '县' && d.name !== '省直辖县级行政区划') names.unshift(d.name);
    }
    return names.join('');
  };
  return {
    get: (code) => by.get(code),
    fullName,
    resolve: (region) => (/^(\d{2}|\d{4}|\d{6})$/.test(region) ? by.get(region.padEnd(6, '0')) : undefined),
  };
}

export const ENTERPRISE_STATUS_ZH: Record<string, string> = { ACTIVE: '存续', REVOKED: '吊销', CANCELLED: '注销' };
