#!/bin/sh
# Regenerates the TLS test fixtures in this folder with the openssl command-line tool. The PEM
# files are committed, so tests never need openssl at run time; run this only to change them.
# Validity is 100 years (36500 days) except expired.pem, whose dates lie in the past. RSA keys
# because every backend (OpenSSL, SChannel, Wine's SChannel over GnuTLS) verifies them.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

key() { openssl genrsa -out "$1" 2048 2>/dev/null; }

# ca NAME SUBJECT: a self-signed CA certificate and its key.
ca() {
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -sha256 -days 36500 -subj "$2" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -out "$1.pem"
}

# leaf NAME CA SAN [openssl ca date options]: a server certificate for SAN signed by CA.
leaf() {
    name=$1 issuer=$2 san=$3
    shift 3
    key "$name.key"
    openssl req -new -key "$name.key" -subj "/CN=greet test server" -out "$work/$name.csr"
    cat >"$work/$name.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = ext
[any]
commonName = supplied
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $san
CNF
    : >"$work/index.txt"
    openssl rand -hex 16 >"$work/serial"
    openssl ca -batch -notext -config "$work/$name.cnf" -cert "$issuer.pem" -keyfile "$issuer.key" \
        -in "$work/$name.csr" -out "$name.pem" "$@" 2>/dev/null
}

ca ca "/CN=greet test CA"
ca "$work/other-ca" "/CN=greet unknown test CA"
leaf server ca "DNS:localhost,IP:127.0.0.1,IP:::1" -days 36500
leaf wronghost ca "DNS:wrong.example,IP:192.0.2.1" -days 36500
leaf expired ca "DNS:localhost,IP:127.0.0.1,IP:::1" -startdate 20000101000000Z -enddate 20010101000000Z
leaf unknown "$work/other-ca" "DNS:localhost,IP:127.0.0.1,IP:::1" -days 36500
rm -f ca.key
