import "./styles/index.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/app.tsx";
import { EnvError } from "./app/env-error.tsx";
import { getEnvResult } from "./config/env.ts";

const root = document.getElementById("root");
if (root) {
  const env = getEnvResult();
  createRoot(root).render(<StrictMode>{env.ok ? <App /> : <EnvError problems={env.problems} />}</StrictMode>);
}
