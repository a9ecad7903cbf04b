// Builds the web UI into the directory the C++ build embeds (AMITY_WEB_OUT, or dist/ when run by
// hand). File names carry content hashes; the server serves /assets/* as immutable.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: process.env.AMITY_WEB_OUT ?? 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    // Every asset is a file: the Content-Security-Policy allows no data: URLs.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  // `npm run dev` against a running server (`make run`: :8080, or AMITY_API=http://127.0.0.1:PORT).
  server: { proxy: { '/api': process.env.AMITY_API ?? 'http://127.0.0.1:8080' } },
});
