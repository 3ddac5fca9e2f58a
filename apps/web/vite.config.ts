import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// The server (apps/server) serves dist/ with an SPA fallback; in development Vite proxies /api to it.
export default defineConfig({
  plugins: [
    react(),
    // A service worker precaches the app shell and every built asset (the verifier's chunks, the ZXing wasm), so
    // /verify opens and verifies with no network; navigations fall back to index.html, never for /api.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      manifest: {
        name: 'Sen',
        short_name: 'Sen',
        description: 'Sen – nền tảng ứng phó dịch bệnh',
        lang: 'vi',
        start_url: '/verify',
        display: 'standalone',
        theme_color: '#9b1c1c',
        background_color: '#ffffff',
        icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,woff2}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/docs/, /^\/health/],
        cleanupOutdatedCaches: true,
        // Take over the open page at once: a verifier loaded once is offline-ready without a second visit.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.SEN_API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/maplibre-gl')) return 'maplibre';
          if (id.includes('node_modules/@mantine')) return 'mantine';
          if (id.includes('node_modules/react-dom') || id.includes('node_modules/react/') || id.includes('node_modules/scheduler')) return 'react';
          if (id.includes('node_modules/@tanstack')) return 'tanstack';
          if (id.includes('node_modules/i18next') || id.includes('node_modules/react-i18next')) return 'i18n';
          return undefined;
        },
      },
    },
  },
});
