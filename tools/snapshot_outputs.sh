#!/usr/bin/env bash
# Writes mtqa's JSON for the seed article and data/samples/ (rules tier, and every signal on tiny
# models) into DIR, so two trees can be compared byte for byte:
#   tools/snapshot_outputs.sh /tmp/before; (change the code); tools/snapshot_outputs.sh /tmp/after
#   diff -r /tmp/before /tmp/after
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/snapshot_outputs.sh DIR}
mtqa=${MTQA:-.venv/bin/mtqa}
tiny=${TINY_DIR:-.tiny-models}
mkdir -p "$out"
[ -f "$tiny/mtqa-tiny.json" ] || [ -d "$tiny/backtranslate" ] || "$mtqa" models build-tiny "$tiny" >/dev/null
for input in data/seed-article.txt data/samples; do
  name=$(basename "$input" .txt)
  "$mtqa" flags "$input" --all --format json --signals rules --models-dir "$tiny" -o "$out/$name.rules.json" || true
  "$mtqa" flags "$input" --all --format json --models-dir "$tiny" --no-cache -o "$out/$name.tiny.json" || true
  "$mtqa" score "$input" --format jsonl --models-dir "$tiny" --no-cache -o "$out/$name.tiny.jsonl" || true
done
ls -l "$out"
