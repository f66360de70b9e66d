import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The operator console: served by the Kessai server at /console/ from console/dist.
// Vite 8 compiles TSX itself (oxc); no React plugin is needed for a production build.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  publicDir: 'public',
  logLevel: 'warn',
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev:console` against a Kessai server on :3000.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
