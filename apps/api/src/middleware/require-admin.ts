// The console's admins: the verified token must say app_metadata.role = "admin" AND the database
// must still say so (public.user_is_admin), so a revoked admin is refused at once, not at their
// next token refresh. Everyone else gets 403 forbidden on every admin route.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { callRpc } from "../services/call-rpc.ts";
import { requireUser } from "./require-user.ts";

const forbidden = (why: string) => new ApiError("forbidden", why);

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) =>
  requireUser(c, async () => {
    const { user, services } = c.var;
    if (user.role !== "admin") {
      throw forbidden("This page is for admins: an admin runs `pnpm admin:grant --email <your email>` for you");
    }
    if (!(await callRpc(services.db, "user_is_admin", { p_user_id: user.id }))) {
      throw forbidden("Your admin role was revoked");
    }
    await next();
  }),
);
