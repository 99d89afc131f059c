#!/bin/sh
# Regenerates the sample PKI in this folder (or in the folder given as $1) with the openssl CLI.
# Every *.key here is a DEMO key, published on purpose: never use these files for anything real.
#   root CA -> intermediate CA -> server (localhost, 127.0.0.1) and client (device-001)
#   crl.pem            intermediate's CRL revoking one extra certificate (revoked.crt)
#   bundle-wrong-order.pem   root, leaf, intermediate (what users often paste)
#   chain.pem          server + intermediate + root in the right order
#   expired.crt        a server certificate that expired in 2021
#   server.csr, bundle.p7b, server.p12 (password "demo"), keys in several formats
set -eu
OUT=${1:-$(dirname "$0")}
mkdir -p "$OUT"
cd "$OUT"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cat > "$W/ca.cnf" <<CNF
[ca]
default_ca = ca_section
[ca_section]
dir = $W
database = $W/index.txt
new_certs_dir = $W
serial = $W/serial
crlnumber = $W/crlnumber
default_md = sha256
policy = any
copy_extensions = copy
default_crl_days = 36500
crl_extensions = crl_ext
[any]
commonName = supplied
organizationName = optional
countryName = optional
[crl_ext]
authorityKeyIdentifier = keyid:always
[v3_root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:http://127.0.0.1:8080/root.crl
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://127.0.0.1:8081,caIssuers;URI:http://127.0.0.1:8080/intermediate.crt
crlDistributionPoints = URI:http://127.0.0.1:8080/intermediate.crl
certificatePolicies = 2.23.140.1.2.1
tlsfeature = status_request
[v3_client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:device-001@example.com,URI:urn:device:001
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

touch "$W/index.txt"; echo 1000 > "$W/serial"; echo 01 > "$W/crlnumber"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out root.key 2>/dev/null
openssl req -new -x509 -key root.key -subj "/C=DE/O=Certscope Demo/CN=Certscope Demo Root CA" -days 7300 \
  -config "$W/ca.cnf" -extensions v3_root -sha384 -out root.crt
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out intermediate.key 2>/dev/null
openssl req -new -key intermediate.key -subj "/C=DE/O=Certscope Demo/CN=Certscope Demo Intermediate CA" -out "$W/inter.csr"
openssl ca -batch -config "$W/ca.cnf" -cert root.crt -keyfile root.key -extensions v3_inter -days 3650 \
  -in "$W/inter.csr" -out "$W/inter.pem" 2>/dev/null
openssl x509 -in "$W/inter.pem" -out intermediate.crt

# The intermediate signs leaves: a fresh database so its CRL lists only its own certificates.
: > "$W/index.txt"; echo 2000 > "$W/serial"
issue() { # name subject extensions [ca-args...]
  name=$1; subj=$2; ext=$3; shift 3
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" 2>/dev/null
  openssl req -new -key "$name.key" -subj "$subj" -out "$W/$name.csr"
  openssl ca -batch -config "$W/ca.cnf" -cert intermediate.crt -keyfile intermediate.key -extensions "$ext" "$@" \
    -in "$W/$name.csr" -out "$W/$name.pem" 2>/dev/null
  openssl x509 -in "$W/$name.pem" -out "$name.crt"
}
issue server "/CN=localhost" v3_server -days 825
cp "$W/server.csr" server.csr
issue client "/CN=device-001" v3_client -days 825
issue expired "/CN=old.example" v3_server -startdate 20200101000000Z -enddate 20210101000000Z
issue revoked "/CN=lost-device" v3_client -days 825
openssl ca -batch -config "$W/ca.cnf" -cert intermediate.crt -keyfile intermediate.key -revoke revoked.crt -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config "$W/ca.cnf" -cert intermediate.crt -keyfile intermediate.key -gencrl -out crl.pem 2>/dev/null

cat server.crt intermediate.crt root.crt > chain.pem
cat root.crt server.crt intermediate.crt > bundle-wrong-order.pem
openssl crl2pkcs7 -nocrl -certfile chain.pem -outform DER -out bundle.p7b
openssl pkcs12 -export -inkey server.key -in server.crt -certfile intermediate.crt -name server -passout pass:demo -out server.p12
rm -f expired.key revoked.key
