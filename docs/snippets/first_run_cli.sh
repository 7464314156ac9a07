set -euo pipefail
cat > tune.json <<'JSON'
{
  "seed": 0,
  "budget": 40,
  "space": {
    "lr":     {"type": "float", "low": 0.0001, "high": 1.0, "log": true},
    "layers": {"type": "int", "low": 1, "high": 8}
  }
}
JSON
# Runs `python3 objective.py <lr> <layers>` once per trial; the last number
# printed is the loss.
arqonhpo-cli -q run --config tune.json --artifact run.json \
    -- python3 objective.py '{lr}' '{layers}'
arqonhpo-cli report run.json --top 3
