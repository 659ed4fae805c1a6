import { describe, expect, it } from 'vitest';
import { buildTree } from '../../../src/compliance/model.js';
import { chainDepthRule as rule } from '../../../src/compliance/rules/chain-depth.js';
import { BUILDER, GC, LABOUR, PROF, PROF2, contract, onContracts, policy, projectContext } from '../kit.js';

const fourLevels = () => [
  contract('C1', 'GENERAL', BUILDER, GC),
  contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1' }),
  contract('C3', 'PROFESSIONAL_SUBCONTRACT', PROF, PROF2, { parent: 'C2' }),
  contract('C4', 'LABOUR_SUBCONTRACT', PROF2, LABOUR, { parent: 'C3' }),
];

describe('CHAIN_TOO_DEEP', () => {
  it('counts non-labour layers only: a four-level tree with labour at the bottom is three layers deep', () => {
    const nodes = buildTree(fourLevels());
    expect(nodes.map((n) => [n.contract.contractNumber, n.depth, n.chainDepth])).toEqual([
      ['C1', 1, 1],
      ['C2', 2, 2],
      ['C3', 3, 3],
      ['C4', 4, 3],
    ]);
    expect(onContracts(rule, projectContext({ contracts: fourLevels() }))).toEqual([]);
  });

  it('flags layers beyond the configured maximum, with the whole chain as evidence', () => {
    const found = onContracts(rule, projectContext({ contracts: fourLevels(), policy: { ...policy, maxChainDepth: 2 } }));
    expect(found.map((f) => f.contractNumber)).toEqual(['C3']);
    expect(found[0]!.evidence.map((e) => e.sourceRecordId)).toEqual(['C1', 'C2', 'C3']);
    expect(found[0]!.parties.map((p) => p.role)).toEqual(['EMPLOYER', 'TRANSFERRING', 'TRANSFERRING', 'UNDERTAKING']);
  });

  it('names the legal basis recorded with the limit (policy data, issue 18.6)', () => {
    const settings = [{ key: 'max_chain_depth', value: 2, description: 'd', legalBasis: '《实施意见》（十四）' }];
    const [f] = onContracts(rule, projectContext({ contracts: fourLevels(), policy: { ...policy, maxChainDepth: 2, settings } }));
    expect(f!.messageZh).toContain('限值依据：《实施意见》（十四）');
  });

  it('survives a cycle in bad data', () => {
    const loop = [
      contract('A', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'B' }),
      contract('B', 'PROFESSIONAL_SUBCONTRACT', PROF, GC, { parent: 'A' }),
    ];
    expect(buildTree(loop)).toHaveLength(2);
  });
});
