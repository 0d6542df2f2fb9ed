#!/usr/bin/env bash
# Creates optout's two secrets in AWS Secrets Manager, once per account and region, and prints
# the parameter values for `sam deploy`. Both are kept outside the stack on purpose: deleting or
# replacing the stack must never lose them (a new address-hash key re-keys the whole table; new
# link keys break every link already mailed).
#   scripts/create-secrets.sh [name-prefix]     (default prefix: optout)
# Rotate link keys later by adding a key and making it active, keeping the old ones:
#   {"active":"k2","keys":{"k1":"<old>","k2":"<new base64 32 bytes>"}}
set -euo pipefail
prefix="${1:-optout}"
key() { openssl rand -base64 32; }

hash_arn=$(aws secretsmanager create-secret --name "$prefix/address-hash-key" \
  --description "optout address-hash key (base64, 32 bytes). Never change: it keys the suppression table." \
  --secret-string "$(key)" --query ARN --output text)
link_arn=$(aws secretsmanager create-secret --name "$prefix/link-keys" \
  --description "optout link signing keys: {active, keys{id: base64 32 bytes}}" \
  --secret-string "{\"active\":\"k1\",\"keys\":{\"k1\":\"$(key)\"}}" --query ARN --output text)

echo "AddressHashKeySecretArn=$hash_arn"
echo "LinkKeysSecretArn=$link_arn"
