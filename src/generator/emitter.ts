/** Collects one enterprise's (or project's) world items with stable source record ids and dirt. */
import { departmentPackage } from '../../connectors/registry.js';
import type { CanonicalRecord, Department } from '../domain/canonical.js';
import { addDays, Rng } from './random.js';
import type { WorldItem } from './world.js';

const KIND_CODE: Record<CanonicalRecord['kind'], string> = {
  enterprise: 'QY',
  person: 'RY',
  role: 'ZW',
  credential: 'ZZ',
  penalty: 'CF',
  hidden_danger: 'YH',
  accident: 'SG',
  inspection: 'JC',
  vehicle: 'CL',
  transport_violation: 'WF',
  project: 'XM',
  contract: 'HT',
  insurance_policy: 'BX',
  list_entry: 'MD',
};

/** Rates of realistic dirt in background records (planted scenarios choose theirs). */
export const DIRT_RATES = { orgCode: 0.03, name: 0.02, fullWidthName: 0.01, malformed: 0.004 };

export interface AddOptions {
  dirt?: WorldItem['dirt'];
  /** days before today the source last modified it (default: drawn) */
  updatedDaysAgo?: number;
  /** fixed id instead of the generated one */
  id?: string;
}

export class Emitter {
  readonly items: WorldItem[] = [];
  private readonly counters = new Map<string, number>();

  /**
   * @param owner stable tag of what is being generated (e.g. `E000123` or `P000045-2`)
   * @param noisy whether dirt is drawn for records given no explicit dirt (background data)
   */
  constructor(
    private readonly today: string,
    private readonly rng: Rng,
    private readonly owner: string,
    private readonly noisy: boolean,
    private readonly filter?: (d: Department) => boolean,
  ) {}

  add(department: Department, record: CanonicalRecord, opts: AddOptions = {}): string {
    const key = `${department}|${record.kind}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    const id = opts.id ?? `${departmentPackage(department).recordPrefix}${KIND_CODE[record.kind]}-${this.owner}-${n}`;
    // draws happen whether or not the department is kept, so every seeder sees the same world
    const daysAgo = opts.updatedDaysAgo ?? this.rng.int(1, 700);
    const secondOfDay = this.rng.int(0, 86_399);
    const drawn = opts.dirt ?? (this.noisy ? this.drawDirt(record) : undefined);
    const dirt = drawn && (drawn.malformed || drawn.refStyle) ? drawn : undefined;
    if (this.filter && !this.filter(department)) return id;
    const updatedAt = new Date(Date.parse(`${addDays(this.today, -daysAgo)}T00:00:00+08:00`) + secondOfDay * 1000).toISOString();
    this.items.push({ department, sourceRecordId: id, record, updatedAt, ...(dirt ? { dirt } : {}) });
    return id;
  }

  private drawDirt(record: CanonicalRecord): WorldItem['dirt'] | undefined {
    const r = this.rng.next();
    if (record.kind === 'enterprise' || record.kind === 'person') return r < DIRT_RATES.malformed / 2 ? { malformed: true } : undefined;
    const hasRef = 'enterprise' in record || record.kind === 'project' || record.kind === 'contract';
    let acc = DIRT_RATES.malformed;
    if (r < acc) return { malformed: true };
    if (!hasRef || record.kind === 'project' || record.kind === 'contract') return undefined;
    if (r < (acc += DIRT_RATES.orgCode)) return { refStyle: 'orgCode' };
    if (r < (acc += DIRT_RATES.name)) return { refStyle: 'name' };
    if (r < (acc += DIRT_RATES.fullWidthName)) return { refStyle: 'fullWidthName' };
    return undefined;
  }
}
