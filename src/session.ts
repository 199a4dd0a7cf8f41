/**
 * A Session: what a keystoneauth session is to an OpenStack client — a token, and every service
 * API reached with it. Each call validates the token once (401 once it expired, was revoked,
 * or lost its roles) and is decided by policy.
 */
import { check, defineParts, type AnyServiceDescriptor, type Kernel, type PolicyService } from './core/index.js';
import { RequestPipeline, authenticate, type LoginRequest, type TokenRow, type TokenSource, type TokenView } from './identity/index.js';
import { SERVICES, type SessionApis } from './services.js';

const SERVICE_LIST: readonly AnyServiceDescriptor[] = SERVICES;

/** Scope of a rescoped session. */
export interface ScopeRequest {
  readonly project?: string;
  readonly project_domain?: string;
  readonly domain?: string;
  readonly system?: boolean | 'all';
  readonly unscoped?: boolean;
}

/**
 * Authenticates (one atomic call, with its own request id) and returns the token issued, or
 * throws the 401 after recording the attempt.
 */
export function login(kernel: Kernel, request: LoginRequest): TokenRow {
  return kernel.call('identity.authenticate', () => {
    const outcome = kernel.transact('identity.authenticate', (tx) => authenticate(tx, request));
    if (!outcome.ok) throw outcome.error;
    return outcome.token;
  });
}

/**
 * A client session bound to one Keystone token (`cloud.login(...)`), with every service's API
 * (`session.identity`, `session.placement`, `session.object`, `session.image`, … one per service
 * of `src/services.ts`). Each call goes through the session's request pipeline: the token is
 * validated once per call and the call is decided by policy. `cloud.admin` and
 * `cloud.systemAdmin` are sessions that authenticate again when their token stops validating,
 * as keystoneauth's password plugin does.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-unsafe-declaration-merging
export interface Session extends SessionApis {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Session {
  /** The token this session was issued (its id is what `X-Auth-Token` carries), or the id it was given. */
  private issued: TokenRow | string;
  private readonly reauthenticates: boolean;
  private readonly requests: RequestPipeline;

  /** @internal use `cloud.login`. */
  constructor(
    private readonly kernel: Kernel,
    private readonly policy: PolicyService,
    token: TokenRow | string,
    reauthenticateWith?: LoginRequest,
  ) {
    this.issued = token;
    this.reauthenticates = reauthenticateWith !== undefined;
    // a token id given by someone else (`X-Auth-Token`) names whoever the state says it names
    const source: TokenSource =
      typeof token === 'string'
        ? { current: () => token }
        : {
            current: () => (this.issued as TokenRow).id,
            issued: () => this.issued as TokenRow,
            ...(reauthenticateWith !== undefined ? { renew: () => (this.issued = login(kernel, reauthenticateWith)).id } : {}),
          };
    this.requests = new RequestPipeline(kernel, () => policy.engine(), source);
    for (const service of SERVICE_LIST) if (service.session) defineParts(this, service.session(this.requests), kernel);
  }

  /** The token string (what `X-Auth-Token` would carry), renewed first by a re-authenticating session. */
  get token(): string {
    if (this.reauthenticates) this.kernel.call('identity.token', () => this.requests.read());
    return typeof this.issued === 'string' ? this.issued : this.issued.id;
  }

  /** The token's body: user, scope, roles, catalog, expiry (`GET /v3/auth/tokens`). */
  tokenInfo(): TokenView {
    return this.identity.getToken();
  }

  /** A new session with a token for another scope, obtained with this one (`methods: ['token']`). */
  rescope(scope: ScopeRequest): Session {
    return new Session(this.kernel, this.policy, login(this.kernel, { ...check.record(scope, 'scope'), token: this.token }));
  }

  /** Revokes this session's token. */
  logout(): void {
    this.identity.revokeToken(this.token);
  }
}
