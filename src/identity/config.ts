/** Keystone options stacksim reads, with Zed's defaults unless noted. */
import { check } from '../core/index.js';

/** Identity configuration (kept in the state, so an exported cloud keeps it). */
export interface IdentityConfig {
  /** `[token] expiration`: seconds a token lives (Zed: 3600). */
  readonly token_expiration: number;
  /**
   * `[identity] password_hash_rounds`: PBKDF2 iterations. stacksim's default is 1000, not
   * bcrypt's cost 12: a slow hash would make property tests crawl.
   */
  readonly password_hash_rounds: number;
  /** `[security_compliance] lockout_failure_attempts` (Zed: unset, no lockout). */
  readonly lockout_failure_attempts: number | null;
  /** `[security_compliance] lockout_duration` seconds (Zed: 1800). */
  readonly lockout_duration: number;
  /** `[security_compliance] password_expires_days` (Zed: unset, passwords never expire). */
  readonly password_expires_days: number | null;
  /**
   * Emit `identity.authenticate` notifications. Zed's `notification_opt_out` lists
   * `identity.authenticate.*`, so the default is false.
   */
  readonly notify_authenticate: boolean;
}

/** Zed's defaults (and stacksim's hash cost). */
export const IDENTITY_DEFAULTS: IdentityConfig = Object.freeze({
  token_expiration: 3600,
  password_hash_rounds: 1000,
  lockout_failure_attempts: null,
  lockout_duration: 1800,
  password_expires_days: null,
  notify_authenticate: false,
});

/** Checks `createCloud({ identity })`. */
export function checkIdentityConfig(input: unknown, field = 'options.identity'): IdentityConfig {
  if (input === undefined) return IDENTITY_DEFAULTS;
  const o = check.record(input, field);
  check.onlyKeys(o, Object.keys(IDENTITY_DEFAULTS), field);
  return {
    token_expiration: check.optional(o.token_expiration, `${field}.token_expiration`, (x, f) => check.integer(x, f, 1), IDENTITY_DEFAULTS.token_expiration),
    password_hash_rounds: check.optional(o.password_hash_rounds, `${field}.password_hash_rounds`, (x, f) => check.integer(x, f, 1, 10_000_000), IDENTITY_DEFAULTS.password_hash_rounds),
    lockout_failure_attempts: o.lockout_failure_attempts === undefined || o.lockout_failure_attempts === null ? null : check.integer(o.lockout_failure_attempts, `${field}.lockout_failure_attempts`, 1),
    lockout_duration: check.optional(o.lockout_duration, `${field}.lockout_duration`, (x, f) => check.integer(x, f, 1), IDENTITY_DEFAULTS.lockout_duration),
    password_expires_days: o.password_expires_days === undefined || o.password_expires_days === null ? null : check.integer(o.password_expires_days, `${field}.password_expires_days`, 1),
    notify_authenticate: check.optional(o.notify_authenticate, `${field}.notify_authenticate`, check.boolean, false),
  };
}
