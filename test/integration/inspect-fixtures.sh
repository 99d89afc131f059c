#!/usr/bin/env bash
# Regenerates test/fixtures/workspace/pki/ (inspection fixtures for the integration and e2e tiers)
# with the openssl CLI: root -> intermediate -> broker (with its key), a revoked device certificate
# and the intermediate's CRL revoking it, an expired certificate (2020-2021), a bundle in the wrong
# order, a DER copy and a PEM block inside a Kubernetes-style YAML file. Everything else is valid
# for 100 years, so the tests do not rot. The keys are test fixtures only (never used elsewhere).
set -euo pipefail
out="$(cd "$(dirname "$0")/../fixtures/workspace/pki" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
days=36500
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ec root.key
openssl req -x509 -new -key root.key -out root.crt -days $days -subj '/O=Certscope Fixtures/CN=Fixture PKI Root' \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' -addext 'subjectKeyIdentifier=hash'

issue() { # name subject extensions issuer
  ec "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  printf '%b\n' "[ext]\n$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$4.crt" -CAkey "$4.key" -days $days -sha256 -set_serial "0x$(openssl rand -hex 12)" \
    -extfile "$1.ext" -extensions ext -out "$1.crt" 2>/dev/null
}
issue intermediate '/O=Certscope Fixtures/CN=Fixture PKI Intermediate' \
  'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid' root
issue broker '/CN=broker.certscope.test' \
  'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:broker.certscope.test,IP:127.0.0.1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid' intermediate
issue device-revoked '/CN=device-revoked' \
  'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nauthorityKeyIdentifier=keyid' intermediate

# Expired certificate and CRL through `openssl ca` (the only openssl 3.0 way to set past dates).
mkdir ca; : > ca/index.txt; echo 1000 > ca/serial; echo 01 > ca/crlnumber
cat > ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = ca/index.txt
serial = ca/serial
crlnumber = ca/crlnumber
new_certs_dir = ca
default_md = sha256
policy = any
copy_extensions = none
crl_extensions = crlext
[any]
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
[crlext]
authorityKeyIdentifier = keyid
CNF
ec expired.key
openssl req -new -key expired.key -subj '/CN=device-expired' -out expired.csr
openssl ca -batch -config ca.cnf -cert intermediate.crt -keyfile intermediate.key -in expired.csr -out expired.crt \
  -startdate 20200101000000Z -enddate 20210101000000Z -extensions leaf -notext 2>/dev/null
serial="$(openssl x509 -in device-revoked.crt -noout -serial | cut -d= -f2)"
printf 'R\t21000101000000Z\t240101000000Z,keyCompromise\t%s\tunknown\t/CN=device-revoked\n' "$serial" >> ca/index.txt
openssl ca -gencrl -config ca.cnf -cert intermediate.crt -keyfile intermediate.key -crldays $days -out intermediate.crl 2>/dev/null

rm -f "$out"/*
cp root.crt intermediate.crt broker.crt broker.key device-revoked.crt expired.crt intermediate.crl "$out/"
openssl x509 -in intermediate.crt -outform DER -out "$out/intermediate.der"
openssl pkcs12 -export -in broker.crt -inkey broker.key -passout pass:fixture -out "$out/broker.p12"
cat root.crt intermediate.crt broker.crt > "$out/fullchain-wrong-order.pem"
{
  printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: broker-tls\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n'
  sed 's/^/    /' broker.crt
  printf '  note: the key is mounted from elsewhere\n'
} > "$out/k8s-secret.yaml"
# PEM inside a JSON string and a .env value (newlines escaped as \n).
esc="$(awk '{printf "%s\\n", $0}' broker.crt)"
printf '{\n  "broker": {\n    "host": "broker.certscope.test",\n    "certificate": "%s"\n  }\n}\n' "$esc" > "$out/config.json"
printf 'BROKER_HOST=broker.certscope.test\nBROKER_CERT="%s"\n' "$esc" > "$out/broker.env"
# Bad input: binary junk named .pem, and a bundle whose second block is truncated base64.
head -c 3000 /dev/urandom | tr '\055' '\000' > "$out/junk-binary.pem"
{ cat broker.crt; printf -- '-----BEGIN CERTIFICATE-----\nMIIBtruncated\n-----END CERTIFICATE-----\n'; } > "$out/broken-block.pem"
echo "fixtures written to $out"
