# A batch-scheduler pattern: ask for a round of trials, submit one job per trial, each job
# tells its result to the shared state file; repeat until the budget is spent.
set -euo pipefail
cat > tune.json <<'JSON'
{"seed": 7, "budget": 24,
 "space": {"lr":     {"type": "float", "low": 0.0001, "high": 1.0, "log": true},
           "layers": {"type": "int", "low": 1, "high": 6},
           "act":    {"type": "choice", "choices": ["relu", "tanh"]}}}
JSON

# What one array task runs (with Slurm: the body of an sbatch array script).
job() {
    local trial=$1 id lr layers act loss
    read -r id lr layers act < <(python3 -c 'import json, sys
t = json.loads(sys.argv[1]); p = t["params"]
print(t["id"], p["lr"], p["layers"], p["act"])' "$trial")
    loss=$(python3 train.py "$lr" "$layers" "$act" | awk '{print $NF}')
    arqonhpo-cli tell --state state.json --id "$id" --value "$loss"
}

round=0
while trials=$(arqonhpo-cli ask --state state.json --config tune.json -n 4); do
    round=$((round + 1))
    while read -r trial; do
        job "$trial" &                  # sbatch --array=... in a real cluster
    done <<< "$trials"
    wait                                # the scheduler's dependency on the whole array
done
echo "rounds: $round"
arqonhpo-cli report state.json --top 3
