# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_arqonhpo_cli_global_optspecs
    string join \n v/verbose q/quiet h/help V/version
end

function __fish_arqonhpo_cli_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_arqonhpo_cli_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_arqonhpo_cli_using_subcommand
    set -l cmd (__fish_arqonhpo_cli_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "run" -d 'Run a program once per trial and tune its output'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "ask" -d 'Hand out the next trial(s) from a state file, as JSON lines on stdout'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "tell" -d 'Report a trial\'s result to a state file'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "validate" -d 'Check a config file and explain every problem'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "schema" -d 'Print the JSON Schema of the config or artifact format'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "report" -d 'Summarize a run from its artifact, journal or state file'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "dashboard" -d 'Serve a live web page of one or more runs (artifacts, journals or state files)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -s c -l config -d 'The config file (JSON; see `arqonhpo-cli schema config`)' -r -F
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -s j -l jobs -d 'Trials evaluated at the same time' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -l journal -d 'Append every event to this JSON-lines journal as it happens' -r -F
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -l timeout -d 'Fail a trial that runs longer than this many seconds (its whole process tree is killed)' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -l artifact -d 'Write the run\'s artifact (config, every trial, classification, best) here at the end' -r -F
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -l metric -d 'Read the objective from `NAME: <number>`, `NAME=<number>` or a JSON field `NAME` in the program\'s output (the last one printed), instead of the last number printed' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -l max-failures-in-a-row -d 'Stop the run when this many trials in a row fail with the same reason (a typo in the command fails every trial); 0 runs the whole budget regardless' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -l deterministic -d 'Reproducible parallel run: the trials depend only on the config, the seed and the values, not on which job finishes first (sets the config\'s `parallel.lag` to --jobs; a job may wait for a slower one)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -l resume -d 'Continue the run recorded in --journal (it is created when missing)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand run" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand ask" -s s -l state -d 'The state file (created on the first call)' -r -F
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand ask" -s c -l config -d 'The config, needed when the state file does not exist yet (checked against it when it does)' -r -F
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand ask" -s n -l count -d 'How many trials to hand out (fewer when the budget runs out)' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand ask" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand ask" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand ask" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand ask" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -s s -l state -d 'The state file written by `ask`' -r -F
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -l id -d 'The trial id printed by `ask`' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -l value -d 'The objective value (lower is better)' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -l reason -d 'Why the trial failed (with --failed)' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -l failed -d 'The trial failed'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand tell" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand validate" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand validate" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand validate" -s h -l help -d 'Print help'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand validate" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand schema" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand schema" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand schema" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand report" -l top -d 'How many of the best trials to list' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand report" -l plot -d 'Also draw the convergence plot (best value so far per trial) as SVG to this file' -r -F
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand report" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand report" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand report" -s h -l help -d 'Print help'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand report" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand dashboard" -l port -d 'The port to listen on (0: any free port)' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand dashboard" -l host -d 'The address to listen on. Without it the page is served on 127.0.0.1 only and requests addressed to other host names are refused; an address outside loopback (such as 0.0.0.0) lets anyone who can reach it read the runs' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand dashboard" -l poll-ms -d 'How often the files are checked for new trials, in milliseconds' -r
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand dashboard" -s v -l verbose -d 'More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand dashboard" -s q -l quiet -d 'Less log output (-q: warnings and errors only, -qq: errors only)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand dashboard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand dashboard" -s V -l version -d 'Print version'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "run" -d 'Run a program once per trial and tune its output'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "ask" -d 'Hand out the next trial(s) from a state file, as JSON lines on stdout'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "tell" -d 'Report a trial\'s result to a state file'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "validate" -d 'Check a config file and explain every problem'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "schema" -d 'Print the JSON Schema of the config or artifact format'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "report" -d 'Summarize a run from its artifact, journal or state file'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "dashboard" -d 'Serve a live web page of one or more runs (artifacts, journals or state files)'
complete -c arqonhpo-cli -n "__fish_arqonhpo_cli_using_subcommand help; and not __fish_seen_subcommand_from run ask tell validate schema report dashboard help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
