/**
 * The side-by-side baseline of issue 20: PostGraphile 4 (npm `postgraphile`) serving the hub's own
 * store, in a Node process of its own (the hub runs in the bench's), answering the all-departments profile from the same
 * tables: the enterprise, its persons, and each department's lists (the `department` column as a
 * condition), first 10 of each with totals, newest first where the hub sorts so. No authentication,
 * access policy, masking, provenance or cursors of the hub's: a plain database-to-GraphQL layer.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'postgraphile-server');

/**
 * Starts PostGraphile in a child process (its own folder and node_modules: PostGraphile 4 needs graphql 15,
 * the hub 16, and two graphql instances in one process refuse each other's types); installs it there first
 * if needed. One Node process like the hub, which runs in the bench's own process.
 */
export async function startPostGraphile(databaseUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  if (!fs.existsSync(path.join(dir, 'node_modules', 'postgraphile'))) {
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm ci in ${dir} failed`);
  }
  const child = spawn(process.execPath, ['--v8-pool-size=1', path.join(dir, 'server.mjs'), databaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`PostGraphile exited with ${code}`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await done;
    },
  };
}

const list = (field: string, department: string, nodes: string, orderBy?: string) =>
  `${field}(condition: { department: "${department}" }, first: 10${orderBy ? `, orderBy: ${orderBy}` : ''}) { totalCount nodes { ${nodes} } }`;

/** The hub's ENTERPRISE_ALL_DEPARTMENTS, field for field where the tables hold it. */
export const POSTGRAPHILE_PROFILE = /* GraphQL */ `
query PostGraphileProfile($code: String!) {
  enterpriseByCreditCode(creditCode: $code) {
    creditCode name status industryCode divisionCode legalRepresentative registeredCapital establishedDate
    persons: enterprisePersonRolesByCreditCode(first: 20) { totalCount nodes { role personByPersonKey { name idMasked } } }
    marketPenalties: ${list('penaltiesByCreditCode', 'MARKET', 'decisionNumber decisionDate amount', 'DECISION_DATE_DESC')}
    marketLists: ${list('listEntriesByCreditCode', 'MARKET', 'list startDate endDate removedDate', 'START_DATE_DESC')}
    housingCredentials: ${list('credentialsByCreditCode', 'HOUSING', 'credentialKind number grade validTo status')}
    housingProjects: ${list('projectsByBuilderCreditCode', 'HOUSING', 'projectCode name scale', 'PROJECT_CODE_ASC')}
    housingContracts: ${list('contractsByContractorCreditCode', 'HOUSING', 'contractNumber contractKind value safetyAgreementSigned', 'SIGNED_ON_DESC')}
    housingLists: ${list('listEntriesByCreditCode', 'HOUSING', 'list startDate', 'START_DATE_DESC')}
    emergencyCredentials: ${list('credentialsByCreditCode', 'EMERGENCY', 'credentialKind number validTo status')}
    hiddenDangers: ${list('hiddenDangersByCreditCode', 'EMERGENCY', 'level status deadline closedDate', 'FOUND_DATE_DESC')}
    emergencyPenalties: ${list('penaltiesByCreditCode', 'EMERGENCY', 'decisionNumber amount', 'DECISION_DATE_DESC')}
    emergencyAccidents: ${list('accidentsByCreditCode', 'EMERGENCY', 'occurredOn level deaths', 'OCCURRED_ON_DESC')}
    insurancePolicies: ${list('insurancePoliciesByCreditCode', 'EMERGENCY', 'policyNumber validFrom validTo', 'VALID_TO_DESC')}
    emergencyLists: ${list('listEntriesByCreditCode', 'EMERGENCY', 'list startDate', 'START_DATE_DESC')}
    transportCredentials: ${list('credentialsByCreditCode', 'TRANSPORT', 'credentialKind number')}
    vehicles: ${list('vehiclesByCreditCode', 'TRANSPORT', 'plateNumber vehicleKind monitoringOnline', 'PLATE_NUMBER_ASC')}
    violations: ${list('transportViolationsByCreditCode', 'TRANSPORT', 'plateNumber violationKind occurredAt', 'OCCURRED_AT_DESC')}
    transportPenalties: ${list('penaltiesByCreditCode', 'TRANSPORT', 'decisionNumber', 'DECISION_DATE_DESC')}
    inspections: ${list('inspectionsByCreditCode', 'FIRE', 'inspectedOn result findings keyFireSafetyUnit', 'INSPECTED_ON_DESC')}
    firePenalties: ${list('penaltiesByCreditCode', 'FIRE', 'decisionNumber penaltyType', 'DECISION_DATE_DESC')}
    fireAccidents: ${list('accidentsByCreditCode', 'FIRE', 'occurredOn level', 'OCCURRED_ON_DESC')}
    fireLists: ${list('listEntriesByCreditCode', 'FIRE', 'list', 'START_DATE_DESC')}
  }
  personCredentials: allCredentials(condition: { registeredCreditCode: $code, department: "HOUSING" }, first: 10) {
    totalCount nodes { credentialKind number personByPersonKey { name idMasked } } }
  lastSyncs: allSyncRuns(condition: { status: "SUCCEEDED" }, orderBy: FINISHED_AT_DESC, first: 5) { nodes { connector finishedAt } }
}`;
