/**
 * THE single place that decides whether a caller sees a person's ID number in clear. Access control
 * (roles, purpose, audit of every disclosure) comes with a later issue; until then everyone gets the
 * masked value. When it lands, decrypt `person.id_encrypted` here, only here, and audit it.
 */
import type { HubContext } from '../server/context.js';
import type { PersonView } from './store.js';

export function idNumberFor(_ctx: HubContext, person: PersonView): string {
  return person.idMasked;
}
