#!/usr/bin/python3
"""Nova's verdicts on public keys for tests/compute/keypairs.test.ts, from Nova's own code
(python3-nova 26.2.2 `nova/crypto.py` `generate_fingerprint` / `generate_x509_fingerprint`,
python3-cryptography 38 `load_ssh_public_key` / `load_pem_x509_certificate`):

    /usr/bin/python3 tests/compute/make_keypairs_golden.py   # rewrites tests/compute/keypairs_golden.json

Each case is `[type, public_key, fingerprint or null, message or null]`: the fingerprint nova
stores, or the `InvalidKeypair` message it answers (400). Keys are made fresh by
python3-cryptography and ssh-keygen (a certificate), so the file changes at each run; commit one.
"""
import base64
import json
import os
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.oid import NameOID
import datetime

from nova import crypto, exception

OUT = 'tests/compute/keypairs_golden.json'


def ssh(key, comment=' test@stacksim'):
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return line + comment


def sshstr(b):
    return len(b).to_bytes(4, 'big') + b


def mpint(n):
    if n == 0:
        return sshstr(b'')
    b = n.to_bytes((n.bit_length() + 8) // 8, 'big')
    return sshstr(b)


def line(kind, blob, comment=' x'):
    return kind + ' ' + base64.b64encode(blob).decode() + comment


def verdict(kind, text):
    try:
        fp = crypto.generate_fingerprint(text) if kind == 'ssh' else crypto.generate_x509_fingerprint(text)
        return [kind, text, fp, None]
    except exception.InvalidKeypair as e:
        return [kind, text, None, e.format_message()]


def cases():
    out = []
    r2048 = rsa.generate_private_key(65537, 2048)
    r1024 = rsa.generate_private_key(3, 1024)
    ed = ed25519.Ed25519PrivateKey.generate()
    p256 = ec.generate_private_key(ec.SECP256R1())
    p384 = ec.generate_private_key(ec.SECP384R1())
    p521 = ec.generate_private_key(ec.SECP521R1())
    d1024 = dsa.generate_private_key(1024)
    good = [ssh(r2048), ssh(r1024, ''), ssh(ed), ssh(p256), ssh(p384), ssh(p521), ssh(d1024)]
    for g in good:
        out.append(verdict('ssh', g))
    k = ssh(ed, '')
    kind, body = k.split(' ')
    out += [verdict('ssh', t) for t in [
        k + '\n', k + ' a comment with spaces', '  ' + k, kind + '\t' + body, kind + '  ' + body,
        k + '\r\n', kind + ' ' + body[:20] + '\n' + body[20:], kind + ' ' + body.rstrip('='),
        kind + ' ' + body[:-4], kind + ' ' + body + 'AAAA', kind + ' ' + body[:10] + '!' + body[10:],
        '', 'ssh-ed25519', 'ssh-ed25519 ', 'ssh-foo ' + body, 'ssh-rsa ' + body, 'garbage', 'ssh-ed25519 !!!!',
        'ssh-ed25519 ' + body + 'é', 'ssh-ed25519 AAAA', 'é ' + body,
    ]]
    # hand-made blobs: each a rule of load_ssh_public_key
    pt = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    out += [verdict('ssh', t) for t in [
        line('ssh-ed25519', sshstr(b'ssh-ed25519') + sshstr(pt[:31])),
        line('ssh-ed25519', sshstr(b'ssh-ed25519') + sshstr(pt) + b'\x00'),
        line('ssh-ed25519', sshstr(b'ssh-ed25519') + sshstr(pt)),
        line('ssh-ed25519', sshstr(b'ssh-ed25519') + pt),
        line('ssh-rsa', sshstr(b'ssh-rsa') + mpint(4) + mpint(r2048.public_key().public_numbers().n)),
        line('ssh-rsa', sshstr(b'ssh-rsa') + mpint(1) + mpint(r2048.public_key().public_numbers().n)),
        line('ssh-rsa', sshstr(b'ssh-rsa') + mpint(65537) + mpint(2)),
        line('ssh-rsa', sshstr(b'ssh-rsa') + mpint(65537) + sshstr(b'\x80\x01')),
        line('ssh-rsa', sshstr(b'ssh-rsa') + mpint(65537) + mpint(65537 * 2 + 1)),
        line('ssh-rsa', sshstr(b'ssh-rsa') + mpint(65537)),
    ]]
    nums = p256.public_key().public_numbers()
    raw = p256.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    comp = p256.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    bad_y = raw[:-1] + bytes([raw[-1] ^ 1])
    out += [verdict('ssh', t) for t in [
        line('ecdsa-sha2-nistp256', sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp256') + sshstr(raw)),
        line('ecdsa-sha2-nistp256', sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp256') + sshstr(bad_y)),
        line('ecdsa-sha2-nistp256', sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp256') + sshstr(comp)),
        line('ecdsa-sha2-nistp256', sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp384') + sshstr(raw)),
        line('ecdsa-sha2-nistp384', sshstr(b'ecdsa-sha2-nistp384') + sshstr(b'nistp384') + sshstr(raw)),
        line('ecdsa-sha2-nistp256', sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp256') + sshstr(raw[:-1])),
        line('ecdsa-sha2-nistp256', sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp256') + sshstr(b'')),
    ]]
    pn = d1024.public_key().public_numbers()
    d2048 = dsa.generate_parameters(2048).parameter_numbers()
    out += [verdict('ssh', t) for t in [
        line('ssh-dss', sshstr(b'ssh-dss') + mpint(pn.parameter_numbers.p) + mpint(pn.parameter_numbers.q) + mpint(pn.parameter_numbers.g) + mpint(pn.y)),
        line('ssh-dss', sshstr(b'ssh-dss') + mpint(d2048.p) + mpint(d2048.q) + mpint(d2048.g) + mpint(5)),
        line('ssh-dss', sshstr(b'ssh-dss') + mpint(pn.parameter_numbers.p) + mpint(pn.parameter_numbers.q) + mpint(1) + mpint(pn.y)),
        line('ssh-dss', sshstr(b'ssh-dss') + mpint(pn.parameter_numbers.p) + mpint(5) + mpint(pn.parameter_numbers.g) + mpint(pn.y)),
    ]]
    # OpenSSH certificates, made by ssh-keygen
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', os.path.join(d, 'ca')], check=True)
        for t in ('ed25519', 'rsa', 'ecdsa'):
            subprocess.run(['ssh-keygen', '-q', '-t', t, '-N', '', '-f', os.path.join(d, t)], check=True)
            subprocess.run(['ssh-keygen', '-q', '-s', os.path.join(d, 'ca'), '-I', 'stacksim', os.path.join(d, t + '.pub')], check=True, capture_output=True)
            with open(os.path.join(d, t + '-cert.pub')) as f:
                out.append(verdict('ssh', f.read().strip()))
    # x509
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'demo')])
    now = datetime.datetime(2023, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1234).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    edkey = ed25519.Ed25519PrivateKey.generate()
    edcert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(edkey.public_key())
              .serial_number(5).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
              .sign(edkey, None)).public_bytes(serialization.Encoding.PEM).decode()
    pub = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    body = ''.join(pem.splitlines()[1:-1])
    out += [verdict('x509', t) for t in [
        pem, edcert, pem.strip(), 'junk before\n' + pem, pem + pem, pub + pem, pem.replace('\n', '\r\n'),
        '', 'garbage', pub, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n',
        '-----BEGIN CERTIFICATE-----\n' + body[:-8] + '\n-----END CERTIFICATE-----\n',
        '-----BEGIN CERTIFICATE-----\n' + body + '\n-----END CERTIFICATE-----',
    ]]
    return out


if __name__ == '__main__':
    with open(OUT, 'w') as f:
        f.write('[\n' + ',\n'.join(json.dumps(c, ensure_ascii=False) for c in cases()) + '\n]\n')
    print(f'wrote {OUT}')
