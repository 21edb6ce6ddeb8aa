/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The API lives on the Rust server (`cloop serve`); in development Vite proxies /api to it.
// Point it elsewhere with CLOOP_API=http://127.0.0.1:8090 npm run dev.
const apiTarget = process.env.CLOOP_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    // Element Plus on demand: components and their CSS are imported where they are used, and
    // ElMessage / ElMessageBox / ElNotification are auto-imported with their styles.
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'src/auto-imports.d.ts',
    }),
    Components({
      resolvers: [ElementPlusResolver()],
      dts: 'src/components.d.ts',
      // Our own components are imported explicitly; only Element Plus is resolved.
      dirs: [],
    }),
  ],
  resolve: {
    alias: {
      '@shared': fileURLToPath(new URL('./src/shared', import.meta.url)),
      '@console': fileURLToPath(new URL('./src/console', import.meta.url)),
      '@portal': fileURLToPath(new URL('./src/portal', import.meta.url)),
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      input: {
        console: fileURLToPath(new URL('./index.html', import.meta.url)),
        portal: fileURLToPath(new URL('./portal.html', import.meta.url)),
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/__tests__/**/*.test.ts', 'src/**/*.test.ts'],
    css: false,
    server: {
      deps: {
        // Element Plus ships ESM that imports CSS; let Vite transform it in tests.
        inline: ['element-plus'],
      },
    },
  },
})
