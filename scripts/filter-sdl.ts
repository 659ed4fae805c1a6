/**
 * Writes schema/analytics-where.generated.graphql from the filter table (src/analytics/filters.ts).
 *   tsx scripts/filter-sdl.ts           write it (part of `npm run codegen`)
 *   tsx scripts/filter-sdl.ts --check   fail when the checked-in file is not what the table renders (`codegen:check`)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILTER_SDL_FILE, renderFilterSdl } from '../src/analytics/filter-sdl.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(ROOT, FILTER_SDL_FILE);
const sdl = renderFilterSdl();

if (process.argv.includes('--check')) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current !== sdl) {
    console.error(`${FILTER_SDL_FILE} is not what src/analytics/filters.ts renders: run \`npm run codegen\``);
    process.exit(1);
  }
} else if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== sdl) {
  fs.writeFileSync(file, sdl);
}
