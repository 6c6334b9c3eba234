import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` sends API calls: a Trackveil server started with `npm start`. */
const API_TARGET = process.env.TRACKVEIL_API ?? 'http://localhost:8080';

const SERVER_PATHS = ['/api', '/track', '/tracker.js', '/tracker.min.js', '/test.html', '/health'];

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/dashboard',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The size that matters is printed by scripts/dashboard-size.mjs after the build (gzip).
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      SERVER_PATHS.map((path) => [
        path,
        {
          target: API_TARGET,
          changeOrigin: true,
          // The API accepts cookie-authenticated writes only from its own origin (CSRF check):
          // the dev server speaks for the page, so it says the page is the API's.
          configure: (proxy) => {
            proxy.on('proxyReq', (request) => {
              if (request.getHeader('origin') !== undefined)
                request.setHeader('origin', API_TARGET);
            });
          },
        },
      ]),
    ),
  },
});
