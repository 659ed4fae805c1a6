/**
 * The GB/T 2260 division table (shipped with the project, loaded by the RiskAnalytics migration): a
 * few thousand rows of reference data, read once at start and kept in memory (AnalyticsState, services.ts).
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
  /** divisions by name, best match first (see `Query.divisions` in schema/analytics.graphql) */
  search(text: string, limit: number): DivisionRow[];
}

export async function loadDivisions(ds: DataSource): Promise<Divisions> {
  const rows: DivisionRow[] = await ds.query(`SELECT code, name, level, parent_code FROM division`);
  const by = new Map(rows.map((r) => [r.code, r]));
  const fullName = (code: string): string => {
    const names: string[] = [];
    for (let d = by.get(code); d; d = d.parent_code ? by.get(d.parent_code) : undefined) {
      if (d.name !== '市辖区' && d.name !== '县' && d.name !== '省直辖县级行政区划') names.unshift(d.name);
    }
    return names.join('');
  };
  const PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划']);
  const LEVEL_ORDER = { PROVINCE: 0, CITY: 1, COUNTY: 2 } as const;
  const search = (text: string, limit: number): DivisionRow[] => {
    const q = text.replace(/\s+/g, '');
    if (!q) return [];
    const ranked: { d: DivisionRow; rank: number }[] = [];
    for (const d of rows) {
      if (PLACEHOLDERS.has(d.name)) continue;
      const full = fullName(d.code);
      const rank = d.name === q || full === q ? 0 : d.name.startsWith(q) ? 1 : full.includes(q) ? 2 : -1;
      if (rank >= 0) ranked.push({ d, rank });
    }
    ranked.sort((a, b) => a.rank - b.rank || LEVEL_ORDER[a.d.level] - LEVEL_ORDER[b.d.level] || (a.d.code < b.d.code ? -1 : 1));
    return ranked.slice(0, limit).map((r) => r.d);
  };
  return {
    search,
    get: (code) => by.get(code),
    fullName,
    resolve: (region) => (/^(\d{2}|\d{4}|\d{6})$/.test(region) ? by.get(region.padEnd(6, '0')) : undefined),
  };
}

export const ENTERPRISE_STATUS_ZH: Record<string, string> = { ACTIVE: '存续', REVOKED: '吊销', CANCELLED: '注销' };
