#!/bin/sh
# Fresh secrets for docker-compose.yml:   deploy/make-secrets.sh > deploy/secrets.env
# (deploy/.gitignore keeps that file out of the repository; keep a copy: SPORTELLO_SECRET_KEY
# opens the stored secrets, the Garage key the files.)
set -eu
hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
pg=$(hex 24)
cat <<ENV
SPORTELLO_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
POSTGRES_PASSWORD=$pg
PGPASSWORD=$pg
GARAGE_RPC_SECRET=$(hex 32)
GARAGE_ADMIN_TOKEN=$(hex 32)
AWS_ACCESS_KEY_ID=GK$(hex 12)
AWS_SECRET_ACCESS_KEY=$(hex 32)
TURN_SECRET=$(hex 32)
ENV
