#!/usr/bin/env bash
# Regenerates the certificate fixtures of test/fixtures/workspace/ (the folder the integration and
# e2e tiers open in VS Code) with the openssl CLI. Only certificates are kept; the keys are thrown
# away. Tests never hard-code values from these files: they ask openssl for the expected ones.
set -euo pipefail
out="$(cd "$(dirname "$0")/../fixtures/workspace" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
  -days 36500 -subj '/C=DE/O=Certscope Fixtures/CN=Certscope Fixture Root CA' \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr \
  -subj '/C=DE/O=Certscope Fixtures/CN=fixture.certscope.test' 2>/dev/null
printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
  'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:fixture.certscope.test,IP:127.0.0.1' > leaf.ext
openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 0x1d2c3b4a5968778695a4 \
  -days 36500 -sha256 -extfile leaf.ext -out leaf.pem 2>/dev/null
cp root.pem "$out/root-ca.pem"
cp leaf.pem "$out/server.crt"
openssl x509 -in leaf.pem -outform DER -out "$out/server.der"
printf 'This is not a certificate.\nJust some text in a .crt file, to test error handling.\n' > "$out/garbage.crt"
echo "fixtures written to $out"
