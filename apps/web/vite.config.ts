import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { productionGuard } from "./build/production-guard-plugin.ts";
import { securityHeaders } from "./build/security-headers-plugin.ts";

export default defineConfig({
  plugins: [react(), productionGuard(), securityHeaders()],
  resolve: { alias: { "@": decodeURIComponent(new URL("./src", import.meta.url).pathname) } },
  build: { target: "es2022", sourcemap: false },
});
