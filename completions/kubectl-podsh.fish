# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_podsh_global_optspecs
    string join \n kubeconfig= context= n/namespace= c/command= keep-going playground no-color read-only request-timeout= h/help V/version
end

function __fish_kubectl_podsh_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_podsh_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_podsh_using_subcommand
    set -l cmd (__fish_kubectl_podsh_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -l context -d 'The kubeconfig context to start in' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -s n -l namespace -d 'The namespace to start in' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -s c -l command -d 'Run these lines (separated by `;` or newlines) instead of reading a terminal' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -l request-timeout -d 'Give up on a single server request after this long (default 60s; 0: never)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -l keep-going -d 'In a script, run every line even after one fails (still exit 1 at the end)'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -l playground -d 'Start the built-in simulated cluster and open the shell on it'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -l no-color -d 'Never colour the prompt or messages'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -l read-only -d 'Refuse every line that would change a cluster (`readonly off` lifts it)'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -s h -l help -d 'Print help'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -f -a "sim" -d 'Run the simulated Kubernetes API server'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -f -a "completion" -d 'Print a shell completion script for kubectl-podsh'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -f -a "__complete" -d 'Completion candidates for `kubectl podsh <TAB>` (kubectl\'s plugin completion protocol)'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l listen -d 'Address to listen on (port 0 picks a free one)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l kubeconfig-out -d 'Write a kubeconfig for the simulator here (context `sim`)' -r -F
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l pods -d 'Running pods to pre-create (in `default`, or spread over --namespaces)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l namespaces -d 'Spread the pre-created pods over N namespaces: default, scale-2 ... scale-N' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l nodes -d 'Simulated nodes' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l token -d 'Bearer token clients must present (random by default)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l forbid -d 'Refuse VERB on RESOURCE with 403, as a restricted RBAC role would (e.g. list:namespaces)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l schedule-delay-ms -d 'Delay before a new pod is scheduled, in milliseconds' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l pull-delay-ms -d 'Simulated image pull time, in milliseconds' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l kill-delay-ms -d 'Time containers take to stop after a graceful delete, in milliseconds' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l backoff-ms -d 'First restart / image pull back-off, in milliseconds (doubles up to --backoff-max-ms)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l backoff-max-ms -d 'Longest back-off, in milliseconds' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l node-lost-ms -d 'Time from losing a node until its pods are marked Failed, in milliseconds' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l fault-rate -d 'Answer this share of requests with 500, 503 or 429 + Retry-After (e.g. 0.2)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l latency-ms -d 'Delay every request by N milliseconds, plus up to JITTER more (e.g. 20:20)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l drop-watches-every -d 'Cut watch and followed-log streams off this long after they start (e.g. 2s)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l stall-rate -d 'Accept this share of requests and never answer them (e.g. 0.02)' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -l fault-seed -d 'Seed for the faults\' dice, to repeat a run exactly' -r
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand sim" -s h -l help -d 'Print help'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand __complete" -s h -l help -d 'Print help'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand help; and not __fish_seen_subcommand_from sim completion __complete help" -f -a "sim" -d 'Run the simulated Kubernetes API server'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand help; and not __fish_seen_subcommand_from sim completion __complete help" -f -a "completion" -d 'Print a shell completion script for kubectl-podsh'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand help; and not __fish_seen_subcommand_from sim completion __complete help" -f -a "__complete" -d 'Completion candidates for `kubectl podsh <TAB>` (kubectl\'s plugin completion protocol)'
complete -c kubectl-podsh -n "__fish_kubectl_podsh_using_subcommand help; and not __fish_seen_subcommand_from sim completion __complete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
