# Tune a program from the shell: arqonhpo-cli runs it once per trial and reads its output.
set -euo pipefail
cat > tune.json <<'JSON'
{
  "seed": 7,
  "budget": 40,
  "space": {
    "lr":     {"type": "float", "low": 0.0001, "high": 1.0, "log": true},
    "layers": {"type": "int", "low": 1, "high": 6},
    "act":    {"type": "choice", "choices": ["relu", "tanh"]}
  }
}
JSON
arqonhpo-cli validate tune.json
# {name} is replaced by the trial's value; the last number the program prints is the loss.
arqonhpo-cli -q run --config tune.json --artifact run.json --timeout 60 \
    -- python3 train.py '{lr}' '{layers}' '{act}' > best.json
echo "best trial:"; cat best.json
arqonhpo-cli report run.json --top 3
