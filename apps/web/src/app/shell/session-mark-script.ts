// Inlined at the end of /library's <head> (build/prerender-plugin.ts, ShellPage.headScript; the
// CSP allows it by its hash), it runs before #root is parsed. #root holds a visitor's render (the
// locked state, painted from the HTML); a browser holding a Supabase session is marked here, and
// the page's CSS keeps that render hidden (styles/index.css) until the shell script
// (shell-script.ts) has swapped in the render with a session and removed the mark: a member never
// sees a visitor's page, even if the browser paints before the whole HTML is parsed.
import { hasSavedSession } from "@/features/auth/saved-session.ts";

if (hasSavedSession(() => window.localStorage)) document.documentElement.dataset.ghSession = "saved";
