/** The five departments' resolver modules (each extends Enterprise with its section and lists). */
import type { Resolvers } from '../generated/graphql.js';
import { emergencyResolvers } from './emergency/resolvers.js';
import { fireResolvers } from './fire/resolvers.js';
import { housingResolvers } from './housing/resolvers.js';
import { marketResolvers } from './market/resolvers.js';
import { transportResolvers } from './transport/resolvers.js';

const SECTION_TYPES = {
  MARKET: 'MarketSection', HOUSING: 'HousingSection', EMERGENCY: 'EmergencySection', TRANSPORT: 'TransportSection', FIRE: 'FireSection',
} as const;

const sectionInterface: Resolvers = {
  DepartmentSection: { __resolveType: (s) => SECTION_TYPES[s.department] },
};

export const DEPARTMENT_MODULES: Resolvers[] = [sectionInterface, marketResolvers, housingResolvers, emergencyResolvers, transportResolvers, fireResolvers];
