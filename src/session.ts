/**
 * A Session: what a keystoneauth session is to an OpenStack client — a token, and every service
 * API reached with it. Each call validates the token afresh (401 once it expired, was revoked,
 * or lost its roles) and is decided by policy.
 */
import type { Kernel, PolicyService } from './core/index.js';
import { IdentityApi, authenticate, validateToken, type LoginRequest, type TokenView } from './identity/index.js';
import { PlacementApi } from './scheduler/index.js';
import { ObjectApi } from './object/index.js';
import { ImageApi } from './image/index.js';

/** Scope of a rescoped session. */
export interface ScopeRequest {
  readonly project?: string;
  readonly project_domain?: string;
  readonly domain?: string;
  readonly system?: boolean | 'all';
  readonly unscoped?: boolean;
}

/** Authenticates (one atomic call) and returns the token id, or throws the 401 after recording the attempt. */
export function login(kernel: Kernel, request: LoginRequest): string {
  const outcome = kernel.transact('identity.authenticate', (tx) => authenticate(tx, request));
  if (!outcome.ok) {
    outcome.error.requestId ??= kernel.lastRequestId;
    throw outcome.error;
  }
  return outcome.token.id;
}

/**
 * A client session bound to one Keystone token (`cloud.login(...)`). `cloud.admin` and
 * `cloud.systemAdmin` are sessions that authenticate again when their token stops validating,
 * as keystoneauth's password plugin does.
 */
export class Session {
  /** Keystone v3. */
  readonly identity: IdentityApi;
  /** Placement 1.39 (Zed's rules are system-scoped: use a system-scoped session). */
  readonly placement: PlacementApi;
  /** Object Storage (Swift v1), behind keystoneauth: the project's account `AUTH_<project_id>`. */
  readonly object: ObjectApi;
  /** Image service (Glance v2, API 2.16): Zed's rules are project-scoped. */
  readonly image: ImageApi;
  private tokenId: string;

  /** @internal use `cloud.login`. */
  constructor(
    private readonly kernel: Kernel,
    private readonly policy: PolicyService,
    token: string,
    private readonly reauthenticateWith?: LoginRequest,
  ) {
    this.tokenId = token;
    const caller = { tokenId: () => this.currentToken() };
    this.identity = new IdentityApi(kernel, () => policy.engine(), caller);
    this.placement = new PlacementApi(kernel, () => policy.engine(), caller);
    this.object = new ObjectApi(kernel, caller);
    this.image = new ImageApi(kernel, () => policy.engine(), caller);
  }

  private currentToken(): string {
    if (this.reauthenticateWith !== undefined) {
      const s = this.kernel.view();
      if (!validateToken(s, this.tokenId, s.meta.clock.now).ok) this.tokenId = login(this.kernel, this.reauthenticateWith);
    }
    return this.tokenId;
  }

  /** The token string (what `X-Auth-Token` would carry). */
  get token(): string {
    return this.currentToken();
  }

  /** The token's body: user, scope, roles, catalog, expiry (`GET /v3/auth/tokens`). */
  tokenInfo(): TokenView {
    return this.identity.getToken();
  }

  /** A new session with a token for another scope, obtained with this one (`methods: ['token']`). */
  rescope(scope: ScopeRequest): Session {
    return new Session(this.kernel, this.policy, login(this.kernel, { ...scope, token: this.currentToken() }));
  }

  /** Revokes this session's token. */
  logout(): void {
    this.identity.revokeToken(this.currentToken());
  }
}
