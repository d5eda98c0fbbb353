import { hostname } from "node:os";

// setTimeout() silently turns larger delays into 1 ms, so cap the delays here.
const MAX_TIMER_MS = 2_147_483_647;

export interface Config {
  /** Address to bind; the Deployment sets 0.0.0.0 inside the pod. */
  readonly host: string;
  /** Port to bind; 0 lets the OS pick a free one (used by tests). */
  readonly port: number;
  /** The version this build was deployed as, echoed by /version. */
  readonly version: string;
  /** Pod name, echoed by /version so callers can see which replica answered. */
  readonly podName: string;
  /** Simulated warm-up: /readyz reports "starting" for this long. */
  readonly startupDelayMs: number;
  /** Hard limit for the graceful drain after SIGTERM/SIGINT. */
  readonly drainTimeoutMs: number;
  /**
   * For tests only, 0 (off) by default: this share (0 to 100, at most 2
   * decimals) of requests to "/" is answered 500, so a release analysis can be
   * shown a failing version. Probes, /version and /metrics never fail.
   */
  readonly faultErrorPercent: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Reads the configuration from the environment. Unset or empty variables take
 * their defaults; every invalid one is reported (not just the first) so a bad
 * manifest can be fixed in one go.
 */
export function loadConfig(env: Env): ConfigResult {
  const errors: string[] = [];

  const int = (name: string, fallback: number, max: number, allowed: string) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    // Digits only: rejects "-1", "1e3", " 80", "0x50" that Number() would take.
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value <= max)) {
      errors.push(`${name}='${raw}' is invalid: expected ${allowed}`);
      return fallback;
    }
    return value;
  };
  const percent = (name: string, allowed: string) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return 0;
    // Plain decimals only, as for int(); more than 2 decimals would promise a
    // precision the fault schedule does not have.
    const value = /^\d{1,3}(\.\d{1,2})?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value <= 100)) {
      errors.push(`${name}='${raw}' is invalid: expected ${allowed}`);
      return 0;
    }
    return value;
  };
  const str = (name: string, fallback: string) => {
    const raw = env[name];
    return raw === undefined || raw === "" ? fallback : raw;
  };

  const ms = `a whole number of milliseconds from 0 to ${String(MAX_TIMER_MS)}`;
  const config: Config = {
    host: str("HOST", "127.0.0.1"),
    port: int("PORT", 8080, 65_535, "an integer from 0 to 65535 (0 picks a free port)"),
    version: str("APP_VERSION", "dev"),
    podName: str("POD_NAME", hostname()),
    startupDelayMs: int("STARTUP_DELAY_MS", 1000, MAX_TIMER_MS, ms),
    drainTimeoutMs: int("DRAIN_TIMEOUT_MS", 20_000, MAX_TIMER_MS, ms),
    faultErrorPercent: percent("FAULT_ERROR_PERCENT", "a number from 0 to 100 with at most 2 decimals, e.g. 20 or 0.5 (0 turns it off)"),
  };

  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}
