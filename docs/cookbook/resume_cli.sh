# Kill a CLI run with SIGKILL halfway, resume it, compare with an unbroken run.
set -euo pipefail
cat > study.json <<'JSON'
{"seed": 5, "budget": 30,
 "space": {"lr": {"type": "float", "low": 0.0001, "high": 1.0, "log": true},
           "depth": {"type": "int", "low": 2, "high": 12}}}
JSON
# --resume on a journal that does not exist yet starts it, so one command line serves the
# first run and every restart.
RUN="arqonhpo-cli -q run --config study.json --resume --journal"
OBJECTIVE="python3 slow_objective.py {lr} {depth}"

$RUN journal.jsonl -- $OBJECTIVE > /dev/null &   # the run we are going to kill
pid=$!
until [ "$(cat journal.jsonl 2>/dev/null | grep -c '"tell"')" -ge 10 ]; do
    sleep 0.05
done
kill -9 "$pid"                                  # no chance to clean up
wait "$pid" || echo "killed the run after at least 10 results (exit status $?)"

$RUN journal.jsonl -- $OBJECTIVE > best.json    # the same command continues the run
$RUN uninterrupted.jsonl -- $OBJECTIVE > best-uninterrupted.json
cmp best.json best-uninterrupted.json &&
    echo "same best trial as a run that never stopped:"
cat best.json
