/**
 * The request pipeline every session call goes through: what keystonemiddleware's `auth_token`
 * and the service's policy enforcer do in front of each OpenStack API. It validates the caller's
 * token once per call (401 when it expired, was revoked, or lost its roles), builds oslo.context's
 * policy credentials, and hands the service a {@link Request}: the state, the token, the
 * credentials and the enforcer. A write runs as one transaction on that request.
 */
import { sealCredentials, type CloudState, type Kernel, type Memo, type QuotaRegistry, type PolicyCredentials, type PolicyEngine, type PolicyTarget, type Tx } from '../core/index.js';
import { AuthenticationFailed, credentialsOf, validateToken, type ValidToken } from './tokens.js';
import type { TokenRow } from './types.js';

/** Where a session's token comes from: the token it holds, and how to get a new one when it stops validating. */
export interface TokenSource {
  /** The token string (`X-Auth-Token`). */
  current(): string;
  /**
   * The token as it was issued to this holder. A token id names one token only in the history
   * it was issued in: after `restore`, the same id may be issued again, to someone else, and
   * must not let this holder in as them.
   */
  issued?(): Pick<TokenRow, 'id' | 'user_id' | 'seq' | 'audit_ids'>;
  /** Authenticates again (keystoneauth's password plugin does when a token expires); absent for a fixed token. */
  renew?(): string;
}

/** One call as a service sees it once the pipeline let it through. */
export interface Request<T extends ValidToken | null = ValidToken> {
  /** The state to read: the committed state for a read, the call's draft inside a write. */
  readonly s: CloudState;
  /** The validated token (null for an anonymous request). */
  readonly token: T;
  /** oslo.context's policy values of the token (empty for an anonymous request). */
  readonly creds: PolicyCredentials;
  /** The cloud's policy engine (this cloud's rules and options). */
  readonly policy: PolicyEngine;
  /** oslo.policy's `enforce`: 403 when the rule says no. */
  enforce(rule: string, target?: PolicyTarget): void;
  /** Whether the rule allows it. */
  authorize(rule: string, target?: PolicyTarget): boolean;
}

const NO_CREDENTIALS = Object.freeze({}) as PolicyCredentials;

/**
 * A session's way in. `T` is `ValidToken` for a session, `null` for anonymous requests
 * (`cloud.anonymous`, where only ACLs decide).
 */
export class RequestPipeline<T extends ValidToken | null = ValidToken> {
  constructor(
    private readonly kernel: Kernel,
    private readonly engine: () => PolicyEngine,
    /** Null: anonymous requests carry no token. */
    private readonly source: TokenSource | null,
  ) {}

  /** The state as it is now (the open draft inside a call), without validating anything: for read-backs. */
  view(): CloudState {
    return this.kernel.view();
  }

  /** The kernel's derived data (for pure functions that take a memo, such as Neutron's reachability). */
  memo(): Memo {
    return this.kernel.memo;
  }

  /** The cloud's quota registry (a service's quota API reads limits and usage through it). */
  quotas(): QuotaRegistry {
    return this.kernel.quotas;
  }

  /** The cloud's policy engine, without validating anything. */
  policy(): PolicyEngine {
    return this.engine();
  }

  /** The token (validated, renewed first when the session may re-authenticate); for reads. */
  read(): Request<T> {
    return this.request(this.authenticate(), this.kernel.view());
  }

  /**
   * Runs `fn` as one atomic call named `operation` (`image.create_image`). The token is validated
   * once, before the transaction opens: the draft starts as the state it was validated on.
   */
  write<R>(operation: string, fn: (tx: Tx, request: Request<T>) => R): R {
    const outcome = this.validate();
    return this.kernel.transact(operation, (tx) => {
      // a refused token fails inside the call, so its 401 carries a request id and a trace
      if (outcome.error !== undefined) throw outcome.error;
      return fn(tx, this.request(outcome.token, tx.draft as CloudState));
    });
  }

  /** Validates the token against the current state, once; a re-authenticating session renews it first. */
  private authenticate(): T {
    const outcome = this.validate();
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.token;
  }

  private validate(): { readonly token: T; readonly error?: undefined } | { readonly token?: undefined; readonly error: Error } {
    if (this.source === null) return { token: null as T };
    let result = this.check(this.source.current());
    if (!result.ok && this.source.renew !== undefined) {
      result = this.check(this.source.renew()); // its own commit: validate against the state after it
    }
    return result.ok ? { token: result as T } : { error: result.error };
  }

  /** Validates `tokenId` against the current state, as the very token this holder was issued. */
  private check(tokenId: string): ReturnType<typeof validateToken> {
    const s = this.kernel.view();
    const result = validateToken(s, tokenId, s.meta.clock.now);
    const issued = this.source?.issued?.();
    if (!result.ok || issued === undefined || issued.id !== tokenId) return result;
    const t = result.token;
    if (t.user_id === issued.user_id && t.seq === issued.seq && t.audit_ids[0] === issued.audit_ids[0]) return result;
    // the same id issued again in another history (a restore rewound the generator): not this holder's token
    return { ok: false, error: new AuthenticationFailed('Could not find token.', 'identity.token.not_found') };
  }

  private request(token: T, s: CloudState): Request<T> {
    const creds = token === null ? NO_CREDENTIALS : credentialsFor(s, token);
    return new CallRequest(s, token, creds, this.engine());
  }
}

/** The credentials of each validation {@link validateToken} remembered (a frozen one), sealed. */
const CREDENTIALS = new WeakMap<ValidToken, PolicyCredentials>();

/**
 * oslo.context's policy values of a validated token. A remembered validation is handed out again
 * while nothing it was read from changed, so its credentials are built and sealed once: the same
 * object call after call lets the policy engine and the services' contexts keep what they derive
 * from it (`credentialsOf` reads nothing but the validation).
 */
function credentialsFor(s: CloudState, token: ValidToken): PolicyCredentials {
  if (!Object.isFrozen(token)) return credentialsOf(s, token) as unknown as PolicyCredentials;
  let creds = CREDENTIALS.get(token);
  if (creds === undefined) CREDENTIALS.set(token, (creds = sealCredentials(credentialsOf(s, token) as unknown as PolicyCredentials)));
  return creds;
}

/** A request: methods on the prototype, so a call allocates one small object. */
class CallRequest<T extends ValidToken | null> implements Request<T> {
  constructor(
    readonly s: CloudState,
    readonly token: T,
    readonly creds: PolicyCredentials,
    readonly policy: PolicyEngine,
  ) {}

  enforce(rule: string, target: PolicyTarget = {}): void {
    this.policy.enforce(rule, this.creds, target);
  }

  authorize(rule: string, target: PolicyTarget = {}): boolean {
    return this.policy.authorize(rule, this.creds, target);
  }
}
