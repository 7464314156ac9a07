# Kill a CLI run with SIGKILL halfway, resume it, and compare with a run that never stopped.
set -euo pipefail
cat > study.json <<'JSON'
{"seed": 5, "budget": 30,
 "space": {"lr": {"type": "float", "low": 0.0001, "high": 1.0, "log": true},
           "depth": {"type": "int", "low": 2, "high": 12}}}
JSON
run() {
    arqonhpo-cli -q run --config study.json --journal "$1" --resume \
        -- python3 slow_objective.py '{lr}' '{depth}'
}

run journal.jsonl > /dev/null &          # the run we are going to kill
pid=$!
until [ "$(grep -c '"tell"' journal.jsonl 2>/dev/null)" -ge 10 ]; do sleep 0.05; done
kill -9 "$pid"; wait "$pid" || true     # no chance to clean up
echo "killed the run after at least 10 results"

run journal.jsonl > best.json           # the same command line continues the run
run uninterrupted.jsonl > best-uninterrupted.json
cmp best.json best-uninterrupted.json && echo "same best trial as a run that never stopped:"
cat best.json
