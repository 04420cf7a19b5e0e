import type { Config } from "./env.ts";
import type { Services } from "./services/services.ts";

export interface AuthUser {
  id: string;
  email: string | null;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    services: Services;
    user: AuthUser;
  };
}
