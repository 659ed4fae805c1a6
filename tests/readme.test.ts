/**
 * The README is the user's guide: its first lines give the two commands, its configuration table lists every
 * variable the hub reads, it states the Node version, and it links nothing outside the repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config.js';
import { ROOT } from './support/hub-process.js';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const configTable = readme.split('<!-- config-table -->')[1]?.split('<!-- /config-table -->')[0] ?? '';

describe('README', () => {
  it('opens with the two commands, and .ci/run calls exactly its test command', () => {
    const head = readme.split('\n').slice(0, 6).join('\n');
    expect(head).toContain('npm install && npm start');
    expect(head).toContain('npm test');
    expect(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('lists every variable src/config.ts reads in its configuration table, and the connectors file variable', () => {
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(20);
    const missing = [...CONFIG_VARIABLES, 'CONNECTORS_CONFIG'].filter((v) => !configTable.includes(`\`${v}\``));
    expect(missing).toEqual([]);
  });

  it("states the Node versions it needs: the minimum of each release line package.json's engines accepts", () => {
    expect(readme).toMatch(/Node\.js 2\d\.\d+/);
    const engines: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node;
    const floors = [...engines.matchAll(/\^(\d+\.\d+)\.\d+/g)].map((m) => m[1]!);
    expect(floors.length).toBeGreaterThan(1);
    const needs = readme.split('\n').find((l) => l.startsWith('Needs **Node.js')) ?? '';
    for (const floor of floors) expect(needs).toContain(`${floor}+`);
  });

  it('links nothing outside the repository (only the hub on localhost, and paths inside the repository)', () => {
    const urls = readme.match(/https?:\/\/[^\s)`'"<>|]+/g) ?? [];
    expect(urls.filter((u) => !/^http:\/\/localhost(:\d+)?(\/|$)/.test(u))).toEqual([]);
    const relative = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!).filter((l) => !l.startsWith('http://localhost'));
    for (const l of relative) expect(fs.existsSync(path.join(ROOT, l.split('#')[0]!)), l).toBe(true);
    expect(readme).not.toMatch(/\.\.\/shared/);
  });
});
