#!/bin/sh
# One-shot set-up of the Garage node of docker-compose.yml: the layout (one node, zone dc1),
# the bucket and the key Sportello uses (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from
# deploy/secrets.env, imported, never generated here). Safe to run again.
set -eu
BUCKET="${GARAGE_BUCKET:-sportello}"
CAPACITY="${GARAGE_CAPACITY:-100G}"

i=0
until node=$(garage node id -q 2>/dev/null); do
  i=$((i + 1)); [ "$i" -lt 60 ] || { echo "Garage does not answer" >&2; exit 1; }
  sleep 1
done
node="${node%%@*}"

if garage layout show | grep -q "^Current cluster layout version: 0"; then
  garage layout assign -z dc1 -c "$CAPACITY" "$node"
  garage layout apply --version 1
fi
garage bucket info "$BUCKET" >/dev/null 2>&1 || garage bucket create "$BUCKET"
garage key info "$AWS_ACCESS_KEY_ID" >/dev/null 2>&1 \
  || garage key import --yes -n sportello "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
garage bucket allow --read --write --owner "$BUCKET" --key "$AWS_ACCESS_KEY_ID"
echo "Garage ready: bucket $BUCKET, key $AWS_ACCESS_KEY_ID"
