# SPDX-License-Identifier: BSD-3-Clause
# fish completion for cpgtool(1)

function __cpgtool_groups
	timeout 2 cpgtool members 2>/dev/null | cut -d' ' -f1 | sort -u
end

set -l cmds join send watch members top lock ask serve quorum metrics check
complete -c cpgtool -f
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a join -d 'join a group, send stdin, print all'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a send -d 'send and wait until delivered'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a watch -d 'print messages and membership'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a members -d 'list the members of groups'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a top -d 'the groups live, full-screen'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a lock -d 'run a command on one node at a time'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a ask -d 'ask every serve in a group, collect the replies'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a serve -d 'answer ask by running a command'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a quorum -d "this node's view of the quorum"
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a metrics -d 'the CPG state for Prometheus'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -a check -d 'a monitoring plugin: members, quorum'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -s h -l help -d 'show help'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -s j -l json -d 'print JSON Lines'
complete -c cpgtool -n "not __fish_seen_subcommand_from $cmds" -s V -l version -d 'show the version'

complete -c cpgtool -n "__fish_seen_subcommand_from join send watch members lock ask serve" -a '(__cpgtool_groups)'
complete -c cpgtool -n "__fish_seen_subcommand_from $cmds" -s h -l help -d 'show help'
complete -c cpgtool -n "__fish_seen_subcommand_from $cmds" -s t -l timeout -x -d 'give up after SECONDS'
complete -c cpgtool -n "__fish_seen_subcommand_from $cmds" -l wait-for-corosync -x -d 'retry connecting for SECONDS'

set -l ex "__fish_seen_subcommand_from watch members quorum"
complete -c cpgtool -n $ex -l exec -x -d 'run COMMAND for each event'
complete -c cpgtool -n $ex -l exec-timeout -x -d 'stop a handler after SECONDS'

set -l ev "__fish_seen_subcommand_from join send watch"
complete -c cpgtool -n $ev -s j -l json -d 'print JSON Lines'
complete -c cpgtool -n $ev -s F -l format -x -d 'print messages as FMT'
complete -c cpgtool -n $ev -s e -l encoding -x -a 'text base64 hex' -d 'payload encoding'
complete -c cpgtool -n $ev -s T -l timestamps -d 'add the receive time'
complete -c cpgtool -n $ev -s x -l exclude-self -d 'hide own messages'
complete -c cpgtool -n $ev -s E -l events -x -a 'message confchg totem' -d 'events to print'
complete -c cpgtool -n $ev -l intrusive -d "join even a cluster daemon's group"

set -l stay "__fish_seen_subcommand_from join watch"
complete -c cpgtool -n $stay -s c -l count -x -d 'exit after N messages'
complete -c cpgtool -n $stay -s r -l reconnect -d 'ride out a corosync restart'
complete -c cpgtool -n $stay -l max-backlog -x -d 'unwritten output allowed'

set -l wa "__fish_seen_subcommand_from watch"
complete -c cpgtool -n $wa -l quorum -d "add this node's quorum events"
complete -c cpgtool -n $wa -s N -l names -d 'add node names to quorum events'

set -l in "__fish_seen_subcommand_from join send"
complete -c cpgtool -n $in -s 0 -l null -d 'messages end with NUL'
complete -c cpgtool -n $in -l whole -d 'all input is one message'
complete -c cpgtool -n $in -s f -l file -r -F -d 'read messages from FILE'

complete -c cpgtool -n "__fish_seen_subcommand_from send" -s m -l wait-members -x -d 'wait for N other members'
complete -c cpgtool -n "__fish_seen_subcommand_from send" -s v -l verbose -d 'print own messages as delivered'

set -l mem "__fish_seen_subcommand_from members"
complete -c cpgtool -n $mem -s w -l wait -x -d 'wait until N members'
complete -c cpgtool -n $mem -l watch -d 'print each membership change'
complete -c cpgtool -n $mem -s i -l interval -x -d 'polling interval'
complete -c cpgtool -n $mem -s N -l names -d 'add node names and addresses'
complete -c cpgtool -n $mem -s j -l json -d 'print JSON Lines'
complete -c cpgtool -n $mem -s T -l timestamps -d 'add the time to --watch events'
complete -c cpgtool -n $mem -l max-backlog -x -d 'events waiting for --exec allowed'

set -l lk "__fish_seen_subcommand_from lock"
complete -c cpgtool -n $lk -s j -l json -d 'print JSON Lines'
complete -c cpgtool -n $lk -s T -l timestamps -d 'add the time to events'
complete -c cpgtool -n $lk -s l -l limit -x -d 'up to N holders at once'
complete -c cpgtool -n $lk -s n -l nonblock -d 'exit 5 at once if held'
complete -c cpgtool -n $lk -s v -l verbose -d 'acquired, released, lost on stderr'
complete -c cpgtool -n $lk -l kill-after -x -d 'SIGKILL a lost COMMAND after SECONDS'
complete -c cpgtool -n $lk -l no-quorum -d 'grant without quorum'
complete -c cpgtool -n $lk -l show -d 'print the holders and waiters'
complete -c cpgtool -n $lk -s N -l names -d 'with --show, add node names'
complete -c cpgtool -n $lk -a '(__fish_complete_subcommand --fcs-skip=2)'

set -l ak "__fish_seen_subcommand_from ask"
complete -c cpgtool -n $ak -s f -l file -r -F -d 'the request is FILE'
complete -c cpgtool -n $ak -l first -d 'exit after the first reply'
complete -c cpgtool -n $ak -l replies -x -d 'exit after N replies'
complete -c cpgtool -n $ak -l nodes -x -d 'only the servers on these nodes (ids or names)'
complete -c cpgtool -n $ak -l ack-timeout -x -d 'silent this long: not a server'
complete -c cpgtool -n $ak -l max-reply -x -d 'print this much of each reply'
complete -c cpgtool -n $ak -s q -l quiet -d 'no summary line'
complete -c cpgtool -n $ak -s N -l names -d 'add node names'
complete -c cpgtool -n $ak -s j -l json -d 'print JSON Lines'
complete -c cpgtool -n $ak -s e -l encoding -x -a 'text base64 hex' -d 'payload encoding'
complete -c cpgtool -n $ak -s T -l timestamps -d 'add the receive time'
complete -c cpgtool -n $ak -l intrusive -d "join even a cluster daemon's group"

set -l sv "__fish_seen_subcommand_from serve"
complete -c cpgtool -n $sv -s j -l jobs -x -d 'run up to N commands at once'
complete -c cpgtool -n $sv -l exec-timeout -x -d 'stop COMMAND after SECONDS'
complete -c cpgtool -n $sv -l kill-after -x -d 'SIGKILL a stopped COMMAND after SECONDS'
complete -c cpgtool -n $sv -l max-reply -x -d 'keep this much of the output'
complete -c cpgtool -n $sv -l max-queue -x -d 'requests that may wait'
complete -c cpgtool -n $sv -s v -l verbose -d 'a line per request on stderr'
complete -c cpgtool -n $sv -s r -l reconnect -d 'ride out a corosync restart'
complete -c cpgtool -n $sv -l intrusive -d "join even a cluster daemon's group"
complete -c cpgtool -n $sv -a '(__fish_complete_subcommand --fcs-skip=3)'

set -l tp "__fish_seen_subcommand_from top"
complete -c cpgtool -n $tp -s 1 -l once -d 'print one snapshot as text'
complete -c cpgtool -n $tp -s i -l interval -x -d 'how often to look at the groups'

set -l qu "__fish_seen_subcommand_from quorum"
complete -c cpgtool -n $qu -s j -l json -d 'print JSON'
complete -c cpgtool -n $qu -s N -l names -d 'add node names and addresses'
complete -c cpgtool -n $qu -s T -l timestamps -d 'add the time to --watch events'
complete -c cpgtool -n $qu -l watch -d 'print each change'
complete -c cpgtool -n $qu -l max-backlog -x -d 'unwritten output allowed'

set -l me "__fish_seen_subcommand_from metrics"
complete -c cpgtool -n $me -l textfile -x -a '(__fish_complete_directories)' -d 'write DIR/cpgtool.prom'
complete -c cpgtool -n $me -l watch -d 'with --textfile, rewrite it on every change'
complete -c cpgtool -n $me -s i -l interval -x -d 'how often --watch asks'

set -l ck "__fish_seen_subcommand_from check"
complete -c cpgtool -n $ck -a '(__cpgtool_groups)'
complete -c cpgtool -n $ck -s w -l warning -x -d 'WARNING outside RANGE'
complete -c cpgtool -n $ck -s c -l critical -x -d 'CRITICAL outside RANGE'
complete -c cpgtool -n $ck -l nodes -x -d 'CRITICAL when one has no member'
complete -c cpgtool -n $ck -l quorum -d 'CRITICAL without quorum'
complete -c cpgtool -n $ck -s V -l version -d 'show the version'
