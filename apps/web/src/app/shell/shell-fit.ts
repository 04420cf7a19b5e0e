// Whether a prerendered page (its #root's data-shell-* attributes, written by
// build/prerender-plugin.ts) is what the app renders first at this URL. The static-assets Worker
// answers every unknown path with index.html (the landing's shell), and some queries change the
// first render, so the inline script checks before the shell may stay on screen.

export interface ShellAttributes {
  /** The path the shell was rendered for (`/`, `/library`). */
  shell?: string | undefined;
  /** Query parameters the shell's render assumed present, comma-separated (`session_id`). */
  shellRequires?: string | undefined;
  /** Query parameters that change the first render, comma-separated (`checkout`). */
  shellVaries?: string | undefined;
}

const list = (value: string | undefined) => (value ? value.split(",").filter(Boolean) : []);

export function shellFits(shell: ShellAttributes, url: { pathname: string; search: string; hash: string }): boolean {
  if (shell.shell === undefined) return false;
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path !== shell.shell) return false;
  // A #hash scrolls and marks the navigation's "Pricing" link: not the shell's first render.
  if (url.hash !== "" && url.hash !== "#") return false;
  const query = new URLSearchParams(url.search);
  return list(shell.shellRequires).every((p) => query.has(p)) && !list(shell.shellVaries).some((p) => query.has(p));
}
