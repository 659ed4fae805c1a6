/** Every compliance rule, in the order findings are reported. Adding a rule means adding it here. */
import type { Rule } from '../model.js';
import { chainDepthRule } from './chain-depth.js';
import { jointPunishmentRule } from './joint-punishment.js';
import { liabilityInsuranceRule } from './liability-insurance.js';
import { mainStructureRule } from './main-structure.js';
import { qualificationBorrowingRule } from './qualification-borrowing.js';
import { qualificationRule } from './qualification.js';
import { resubcontractRule } from './resubcontract.js';
import { safetyAgreementRule } from './safety-agreement.js';
import { safetyDirectorRule } from './safety-director.js';
import { safetyEngineerRatioRule } from './safety-engineer-ratio.js';
import { safetyLicenceRule } from './safety-licence.js';
import { specialOperationRule } from './special-operation.js';
import { wholeTransferRule } from './whole-transfer.js';

export const RULES: readonly Rule[] = [
  qualificationRule,
  safetyLicenceRule,
  wholeTransferRule,
  mainStructureRule,
  resubcontractRule,
  chainDepthRule,
  qualificationBorrowingRule,
  safetyAgreementRule,
  jointPunishmentRule,
  safetyDirectorRule,
  safetyEngineerRatioRule,
  liabilityInsuranceRule,
  specialOperationRule,
];
