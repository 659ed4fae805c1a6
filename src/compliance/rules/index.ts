/** Every compliance rule, in the order findings are reported. Adding a rule means adding it here. */
import type { Rule } from '../model.js';
import { chainDepthRule } from './chain-depth.js';
import { blacklistedPartyRule } from './joint-punishment.js';
import { liabilityInsuranceRule } from './liability-insurance.js';
import { mainStructureRule } from './main-structure.js';
import { qualificationBorrowingRule } from './qualification-borrowing.js';
import { qualificationExpiredRule } from './qualification-expired.js';
import { qualificationGradeRule } from './qualification-grade.js';
import { qualificationMissingRule } from './qualification-missing.js';
import { resubcontractRule } from './resubcontract.js';
import { safetyAgreementRule } from './safety-agreement.js';
import { safetyDirectorRule } from './safety-director.js';
import { safetyEngineerRatioRule } from './safety-engineer-ratio.js';
import { noSafetyLicenceRule } from './safety-licence.js';
import { specialOperationRule } from './special-operation.js';
import { wholeTransferRule } from './whole-transfer.js';

export const RULES: readonly Rule[] = [
  qualificationMissingRule,
  qualificationGradeRule,
  qualificationExpiredRule,
  noSafetyLicenceRule,
  wholeTransferRule,
  mainStructureRule,
  resubcontractRule,
  chainDepthRule,
  qualificationBorrowingRule,
  safetyAgreementRule,
  blacklistedPartyRule,
  safetyDirectorRule,
  safetyEngineerRatioRule,
  liabilityInsuranceRule,
  specialOperationRule,
];
