// The console's build: a static SPA in console/dist, served by the hub (src/server/console.ts).
// No external requests at run time: no CDN, no web fonts; assets are hashed files under /assets/.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // the CSP forbids inline scripts and data: fonts; keep every asset a file
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
  // during development (`npx vite console`) API calls go to a hub on :4000
  server: {
    proxy: Object.fromEntries(['/api', '/graphql', '/checks', '/export'].map((p) => [p, 'http://localhost:4000'])),
  },
});
