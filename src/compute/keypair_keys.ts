/**
 * Key material as nova reads and makes it (`nova/crypto.py`), for `keypairs.ts`:
 * - `generate_fingerprint`: an `ssh` public key is checked as python-cryptography's
 *   `load_ssh_public_key` checks it (`ssh-rsa`, `ssh-dss` of 1024 bits, `ssh-ed25519`,
 *   `ecdsa-sha2-nistp256/384/521` with the point on its curve, and their
 *   `-cert-v01@openssh.com` certificates); its fingerprint is the MD5 of the base64 after the
 *   first space, as `aa:bb:…`;
 * - `generate_x509_fingerprint`: an `x509` key is a PEM certificate whose DER structure is
 *   checked (the outer `Certificate` and `TBSCertificate` sequences, not each field's content);
 *   its fingerprint is the SHA-1 of the DER, as `aa:bb:…` (20 bytes);
 * - either refusal is nova's 400 `InvalidKeypair` with its message ({@link fingerprintOf});
 * - the key pairs of stacksim's generation helper (what nova's `generate_key_pair` and
 *   `generate_winrm_x509_cert` made before 2.92), drawn from the cloud's seeded generator:
 *   well-formed, not real cryptography ({@link madeUpKeypair}).
 *
 * Python's lenient base64 (`binascii.a2b_base64`) and the `pem` crate's strict one, which those
 * libraries decode with, are here too.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { isoAt, toBase64, type CloudState, type Tx } from '../core/index.js';
import { NovaError } from './errors.js';

// ------------------------------------------------------------------------------ base64 as Python decodes it

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/**
 * `binascii.a2b_base64` without `strict_mode` (Python 3.11): characters outside the alphabet are
 * skipped, a complete padding ends the data; null where Python raises `binascii.Error`.
 */
export function pyBase64Decode(input: Uint8Array): Uint8Array | null {
  const out: number[] = [];
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === 0x3d) {
      if (quad >= 2 && quad + ++pads >= 4) return Uint8Array.from(out);
      continue;
    }
    const v = B64_VALUE[c]!;
    if (v < 0) continue;
    pads = 0;
    if (quad === 0) {
      left = v;
      quad = 1;
    } else if (quad === 1) {
      out.push(((left << 2) | (v >> 4)) & 0xff);
      left = v & 0x0f;
      quad = 2;
    } else if (quad === 2) {
      out.push(((left << 4) | (v >> 2)) & 0xff);
      left = v & 0x03;
      quad = 3;
    } else {
      out.push(((left << 6) | v) & 0xff);
      quad = 0;
    }
  }
  return quad === 0 ? Uint8Array.from(out) : null;
}

/** `aa:bb:cc…` of a digest. */
function colons(digest: Uint8Array): string {
  return (bytesToHex(digest).match(/../g) ?? []).join(':');
}

// ------------------------------------------------------------------------------ ssh public keys

/** A reader of SSH wire-format fields; every read throws on short data. */
class SshReader {
  constructor(
    private readonly data: Uint8Array,
    private at = 0,
  ) {}
  get empty(): boolean {
    return this.at >= this.data.length;
  }
  u32(): number {
    if (this.at + 4 > this.data.length) throw new Error('Invalid data');
    const d = this.data;
    const n = ((d[this.at]! << 24) >>> 0) + (d[this.at + 1]! << 16) + (d[this.at + 2]! << 8) + d[this.at + 3]!;
    this.at += 4;
    return n;
  }
  u64(): void {
    if (this.at + 8 > this.data.length) throw new Error('Invalid data');
    this.at += 8;
  }
  str(): Uint8Array {
    const n = this.u32();
    if (n > this.data.length - this.at) throw new Error('Invalid data');
    const s = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return s;
  }
  mpint(): bigint {
    const s = this.str();
    if (s.length > 0 && s[0]! > 0x7f) throw new Error('Invalid data');
    return s.length === 0 ? 0n : BigInt(`0x${bytesToHex(s)}`);
  }
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);
const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** NIST curves (a = −3): field prime, `b`, coordinate bytes. */
const CURVES: Readonly<Record<string, { readonly p: bigint; readonly b: bigint; readonly bytes: number }>> = {
  nistp256: { p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n, b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn, bytes: 32 },
  nistp384: {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    bytes: 48,
  },
  nistp521: {
    p: 2n ** 521n - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    bytes: 66,
  },
};

/** The public fields of one key format (`_SSHFormat*.load_public`), checked as python-cryptography checks them. */
function readPublic(kind: string, r: SshReader): void {
  if (kind === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    if (n < 3n) throw new Error('n must be >= 3.');
    if (e < 3n || e >= n) throw new Error('e must be >= 3 and < n.');
    if ((e & 1n) === 0n) throw new Error('e must be odd.');
  } else if (kind === 'ssh-dss') {
    const p = r.mpint();
    const q = r.mpint();
    const g = r.mpint();
    r.mpint();
    if (bitLength(p) !== 1024) throw new Error('SSH supports only 1024 bit DSA keys');
    if (![160, 224, 256].includes(bitLength(q))) throw new Error('q must be exactly 160, 224, or 256 bits long');
    if (!(1n < g && g < p)) throw new Error("g, p don't satisfy 1 < g < p.");
  } else if (kind === 'ssh-ed25519') {
    if (r.str().length !== 32) throw new Error('An Ed25519 public key is 32 bytes long');
  } else {
    const curveName = kind.slice('ecdsa-sha2-'.length);
    const curve = CURVES[curveName]!;
    const name = text(r.str());
    const point = r.str();
    if (name !== curveName) throw new Error('Curve name mismatch');
    if (point.length === 0 || point[0] !== 4) throw new Error('Need uncompressed point');
    if (point.length !== 1 + 2 * curve.bytes) throw new Error('Invalid EC key.');
    const x = BigInt(`0x${bytesToHex(point.subarray(1, 1 + curve.bytes))}`);
    const y = BigInt(`0x${bytesToHex(point.subarray(1 + curve.bytes))}`);
    const { p, b } = curve;
    if (x >= p || y >= p || (y * y - (x * x * x - 3n * x + b)) % p !== 0n) throw new Error('Invalid EC key.');
  }
}

const SSH_KINDS = ['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];
const CERT_SUFFIX = '-cert-v01@openssh.com';

/** `load_ssh_public_key`: throws where python-cryptography raises. */
function loadSshPublicKey(data: Uint8Array): void {
  // _SSH_PUBKEY_RC = \A(\S+)[ \t]+(\S+)  (bytes: \S is anything but ASCII whitespace)
  const ws = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
  let i = 0;
  while (i < data.length && !ws(data[i]!)) i++;
  if (i === 0) throw new Error('Invalid line format');
  const keyType = text(data.subarray(0, i));
  let j = i;
  while (j < data.length && (data[j] === 0x20 || data[j] === 0x09)) j++;
  if (j === i) throw new Error('Invalid line format');
  let k = j;
  while (k < data.length && !ws(data[k]!)) k++;
  if (k === j) throw new Error('Invalid line format');
  const withCert = keyType.endsWith(CERT_SUFFIX);
  const kind = withCert ? keyType.slice(0, -CERT_SUFFIX.length) : keyType;
  if (!SSH_KINDS.includes(kind)) throw new Error(`Unsupported key type: ${keyType}`);
  const blob = pyBase64Decode(data.subarray(j, k));
  if (blob === null) throw new Error('Invalid key format');
  const r = new SshReader(blob);
  if (text(r.str()) !== keyType) throw new Error('Invalid key format');
  if (withCert) r.str(); // nonce
  readPublic(kind, r);
  if (withCert) {
    r.u64(); // serial
    r.u32(); // type
    for (let n = 0; n < 2; n++) r.str(); // key id, principals
    r.u64();
    r.u64(); // valid after, before
    for (let n = 0; n < 5; n++) r.str(); // critical options, extensions, reserved, signature key, signature
  }
  if (!r.empty) throw new Error('Corrupt data: unparsed data');
}

/** `crypto.generate_fingerprint`: the MD5 fingerprint of an OpenSSH public key line, or null where nova answers `InvalidKeypair`. */
export function sshFingerprint(publicKey: string): string | null {
  try {
    if (/[\uD800-\uDFFF]/u.test(publicKey.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) return null; // .encode('utf-8') fails
    loadSshPublicKey(utf8ToBytes(publicKey));
    const body = publicKey.split(' ')[1];
    if (body === undefined || /[^\x00-\x7f]/.test(body)) return null;
    const bytes = pyBase64Decode(utf8ToBytes(body));
    return bytes === null ? null : colons(md5(bytes));
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------------ x509 certificates

/** python-cryptography's PEM failure text. */
const PEM_FAILURE = 'Unable to load PEM file. See https://cryptography.io/en/latest/faq/#why-can-t-i-import-my-pem-file for more details. ';

/** An ASN.1 parse failure (the `asn1` crate's `ParseError`). */
class Asn1Error extends Error {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'Asn1Error';
}

/** The `asn1` crate's tag text: `Tag { value: 0, constructed: false, class: Universal }`. */
function tagText(tag: number): string {
  const cls = ['Universal', 'Application', 'ContextSpecific', 'Private'][tag >> 6]!;
  return `Tag { value: ${tag & 0x1f}, constructed: ${(tag & 0x20) !== 0}, class: ${cls} }`;
}

/** One DER element: its tag and the bounds of its value. */
interface Der {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** Reads the DER element at `at` (definite, minimal lengths; low tag numbers). */
function derAt(d: Uint8Array, at: number, limit: number): Der {
  if (at + 2 > limit) throw new Asn1Error('ShortData');
  const tag = d[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error('InvalidTag');
  let len = d[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Asn1Error('InvalidLength');
    if (start + n > limit) throw new Asn1Error('ShortData');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + d[start + i]!;
    if (len < 128 || (n > 1 && d[start] === 0)) throw new Asn1Error('InvalidLength');
    start += n;
  }
  if (start + len > limit) throw new Asn1Error('ShortData');
  return { tag, start, end: start + len };
}

/** The elements of a constructed value, each expected tag in turn (`null`: any), optional ones by `?`. */
function expectSequence(d: Uint8Array, outer: Der, expected: readonly (number | readonly [number, '?'])[]): Der[] {
  const out: Der[] = [];
  let at = outer.start;
  for (const e of expected) {
    const optional = Array.isArray(e);
    const want = optional ? e[0] : (e as number);
    if (at >= outer.end) {
      if (optional) continue;
      throw new Asn1Error('ShortData');
    }
    const el = derAt(d, at, outer.end);
    if (el.tag !== want) {
      if (optional) continue;
      throw new Asn1Error(`UnexpectedTag { actual: ${tagText(el.tag)} }`);
    }
    out.push(el);
    at = el.end;
  }
  if (at !== outer.end) throw new Asn1Error('ExtraData');
  return out;
}

/** `Certificate` and `TBSCertificate` (RFC 5280) at the top level; throws {@link Asn1Error}. */
function checkCertificate(der: Uint8Array): void {
  const SEQ = 0x30;
  const outer = derAt(der, 0, der.length);
  if (outer.tag !== SEQ) throw new Asn1Error(`UnexpectedTag { actual: ${tagText(outer.tag)} }`);
  if (outer.end !== der.length) throw new Asn1Error('ExtraData');
  const [tbs] = expectSequence(der, outer, [SEQ, SEQ, 0x03]);
  expectSequence(der, tbs!, [[0xa0, '?'], 0x02, SEQ, SEQ, SEQ, SEQ, SEQ, [0x81, '?'], [0x82, '?'], [0xa3, '?']]);
}

/** Strict base64 (the `base64` crate's `STANDARD`, as the `pem` crate decodes): the bytes, or the crate's error text. */
function strictBase64(s: string): Uint8Array | string {
  const bytes = utf8ToBytes(s.replace(/={1,2}$/, ''));
  for (let i = 0; i < bytes.length; i++) if (B64_VALUE[bytes[i]!]! < 0) return `InvalidData(InvalidByte(${i}, ${bytes[i]}))`;
  if (bytes.length % 4 === 1) return 'InvalidData(InvalidLength)';
  const padded = new Uint8Array(bytes.length + ((4 - (bytes.length % 4)) % 4)).fill(0x3d);
  padded.set(bytes);
  return pyBase64Decode(padded) ?? 'InvalidData(InvalidLength)';
}

/** `crypto.generate_x509_fingerprint`: the SHA-1 fingerprint of a PEM certificate, or nova's `InvalidKeypair` reason. */
export function x509Fingerprint(pem: string): { readonly fingerprint: string } | { readonly error: string } {
  const fail = (m: string) => ({ error: `failed to generate X509 fingerprint. Error message: ${m}` });
  const sections = [...pem.matchAll(/-----BEGIN ([^\n]*?)-----\s*([\s\S]*?)-----END ([^\n]*?)-----/g)];
  if (sections.length === 0) return fail(`${PEM_FAILURE}MalformedFraming`);
  const decoded: { tag: string; der: Uint8Array }[] = [];
  for (const m of sections) {
    if (m[1] !== m[3]) return fail(`${PEM_FAILURE}MismatchedTags(${JSON.stringify(m[1])}, ${JSON.stringify(m[3])})`);
    const body = m[2]!.split('\n').map((l) => l.replace(/\s+$/, '')).join('');
    const der = strictBase64(body);
    if (typeof der === 'string') return fail(`${PEM_FAILURE}${der}`);
    decoded.push({ tag: m[1]!, der });
  }
  const cert = decoded.find((s) => s.tag === 'CERTIFICATE' || s.tag === 'X509 CERTIFICATE');
  if (cert === undefined) return fail('Valid PEM but no BEGIN CERTIFICATE/END CERTIFICATE delimiters. Are you sure this is a certificate?');
  try {
    checkCertificate(cert.der);
  } catch (e) {
    if (e instanceof Asn1Error) return fail(`error parsing asn1 value: ParseError { kind: ${e.message} }`);
    throw e;
  }
  return { fingerprint: colons(sha1(cert.der)) };
}

// ------------------------------------------------------------------------------ nova's fingerprint

/** nova's fingerprint of a public key of a type, or 400 `InvalidKeypair`. */
export function fingerprintOf(type: 'ssh' | 'x509', publicKey: string): string {
  if (type === 'ssh') {
    const fp = sshFingerprint(publicKey);
    if (fp === null) throw new NovaError(400, 'compute.keypair.invalid', 'InvalidKeypair', 'Keypair data is invalid: failed to generate fingerprint', { field: 'public_key' });
    return fp;
  }
  const r = x509Fingerprint(publicKey);
  if ('error' in r) throw new NovaError(400, 'compute.keypair.invalid', 'InvalidKeypair', `Keypair data is invalid: ${r.error}`, { field: 'public_key' });
  return r.fingerprint;
}

// ------------------------------------------------------------------------------ made-up key pairs (stacksim's generation helper)

const u32be = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const sshString = (b: Uint8Array | number[] | string): number[] => {
  const bytes = typeof b === 'string' ? [...utf8ToBytes(b)] : [...b];
  return [...u32be(bytes.length), ...bytes];
};
/** PEM text of DER / binary data, 64 (or `width`) characters a line. */
function pemOf(label: string, bytes: Uint8Array, width = 64): string {
  const b64 = toBase64(bytes);
  const lines = b64.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A DER element. */
function der(tag: number, content: readonly number[]): number[] {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [tag, ...len, ...content];
}
const seq = (...parts: number[][]): number[] => der(0x30, parts.flat());
const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70];

/** `YYMMDDHHMMSSZ` (UTCTime before 2050) or `YYYYMMDDHHMMSSZ` (GeneralizedTime) of an ISO instant. */
function derTime(iso: string): number[] {
  const digits = iso.replace(/[-:T]/g, '').replace(/\..*$/, '').replace(/Z$/, '');
  const year = Number(digits.slice(0, 4));
  return year < 2050 ? der(0x17, [...utf8ToBytes(`${digits.slice(2)}Z`)]) : der(0x18, [...utf8ToBytes(`${digits}Z`)]);
}

/** A made-up ed25519 key pair for a user, drawn from the cloud's seed: public and private texts of the type. */
export function madeUpKeypair(tx: Tx, userId: string, type: 'ssh' | 'x509'): { publicKey: string; privateKey: string } {
  const seed = tx.random.bytes(32);
  const pub = tx.random.bytes(32);
  if (type === 'ssh') {
    const blob = [...sshString('ssh-ed25519'), ...sshString(pub)];
    const check = [...tx.random.bytes(4)];
    const comment = 'Generated-by-Nova';
    const priv = [...check, ...check, ...sshString('ssh-ed25519'), ...sshString(pub), ...sshString([...seed, ...pub]), ...sshString(comment)];
    for (let pad = 1; priv.length % 8 !== 0; pad++) priv.push(pad);
    const body = [...utf8ToBytes('openssh-key-v1\0'), ...sshString('none'), ...sshString('none'), ...sshString(''), ...u32be(1), ...sshString(blob), ...sshString(priv)];
    return { publicKey: `ssh-ed25519 ${toBase64(Uint8Array.from(blob))} ${comment}`, privateKey: pemOf('OPENSSH PRIVATE KEY', Uint8Array.from(body), 70) };
  }
  // a self-signed X.509 v3 certificate for CN=<user_id>, ten years from now, ed25519
  const s = tx.draft as CloudState;
  const epoch = s.meta.clock.epoch;
  const name = seq(der(0x31, seq(der(0x06, [0x55, 0x04, 0x03]), der(0x0c, [...utf8ToBytes(userId)]))));
  const serial = [0x01, ...tx.random.bytes(7)];
  const tbs = seq(
    der(0xa0, der(0x02, [0x02])),
    der(0x02, serial),
    seq(ED25519_OID),
    name,
    seq(derTime(isoAt(epoch, tx.now())), derTime(isoAt(epoch, tx.now() + 3650 * 86_400))),
    name,
    seq(seq(ED25519_OID), der(0x03, [0x00, ...pub])),
  );
  const cert = seq(tbs, seq(ED25519_OID), der(0x03, [0x00, ...tx.random.bytes(64)]));
  const pkcs8 = seq(der(0x02, [0x00]), seq(ED25519_OID), der(0x04, der(0x04, [...seed])));
  return { publicKey: pemOf('CERTIFICATE', Uint8Array.from(cert)), privateKey: pemOf('PRIVATE KEY', Uint8Array.from(pkcs8)) };
}
