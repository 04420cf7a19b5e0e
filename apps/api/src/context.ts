import type { Config } from "./env.ts";
import type { Services } from "./services/services.ts";

export interface AuthUser {
  id: string;
  email: string | null;
  /** app_metadata.role from the verified token ("admin" for the console's admins). */
  role?: string | null;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    services: Services;
    user: AuthUser;
    /** The caller's verified Supabase access token (requireUser), for reads as that user (RLS). */
    accessToken: string;
  };
}
