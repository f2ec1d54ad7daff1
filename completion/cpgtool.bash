# SPDX-License-Identifier: BSD-3-Clause
# bash completion for cpgtool(1)
# shellcheck shell=bash

# The groups of the running cluster; nothing, quietly, without one.
_cpgtool_groups() {
	timeout 2 cpgtool members 2>/dev/null | cut -d' ' -f1 | sort -u
}

# _cpgtool_command I VALUED: past word I (the command's name), an operand
# and then COMMAND: complete command names there; VALUED lists the
# options that take a value (it is not an operand)
_cpgtool_command() {
	local i=$1 n=0 w
	for ((i = i + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ " ${2//[$'\t\n']/ } " == *" $w "* ]]; then
			((i++))
		elif [[ $w != -* ]]; then
			((n++))
		fi
	done
	if ((n >= 1)) && [[ $cur != -* || $n -ge 2 ]]; then
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		return 0
	fi
	return 1
}

_cpgtool() {
	local cur prev cmd i opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		join | send | watch | members | top | lock | ask | serve | quorum)
			cmd=${COMP_WORDS[i]}
			break ;;
		metrics | check)
			cmd=${COMP_WORDS[i]}
			break ;;
		esac
	done

	# serve's -j is --jobs, everyone else's --json
	if [[ $cmd == serve && $prev == -j ]]; then
		return
	fi
	case $prev in
	-e | --encoding)
		mapfile -t COMPREPLY < <(compgen -W 'text base64 hex' -- "$cur")
		return ;;
	-E | --events)
		mapfile -t COMPREPLY < <(compgen -W 'message confchg totem' \
			-- "${cur##*,}")
		return ;;
	-f | --file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-c | --count | -t | --timeout | -m | --wait-members | -w | --wait | \
		-i | --interval | -F | --format | --max-backlog | \
		--wait-for-corosync | -l | --limit | --kill-after | --replies | \
		--nodes | --ack-timeout | --jobs | --exec-timeout | \
		--max-reply | --max-queue | --exec)
		return ;;
	--warning | --critical)
		return ;;
	--textfile)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	esac

	local out='-j --json -F --format -e --encoding -T --timestamps
		-x --exclude-self -E --events'
	local run='-t --timeout --wait-for-corosync'
	local stay='-r --reconnect --max-backlog'
	local input='-0 --null --whole -f --file'
	local exec='--exec --exec-timeout'
	case $cmd in
	'')
		opts='-h --help -j --json -V --version'
		[[ $cur == -* ]] ||
			opts='join send watch members top lock ask serve quorum
				metrics check' ;;
	join)
		opts="-h --help -c --count --intrusive $input $out $run $stay" ;;
	send)
		opts="-h --help -m --wait-members -v --verbose --intrusive $input
			$out $run" ;;
	watch)
		opts="-h --help -c --count --intrusive --quorum -N --names
			$out $run $stay $exec" ;;
	members)
		opts="-h --help -w --wait --watch -i --interval -N --names
			-j --json -T --timestamps --max-backlog $run $exec" ;;
	top)
		opts="-h --help -1 --once -i --interval $run"
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return ;;
	quorum)
		opts="-h --help -j --json -N --names -T --timestamps --watch
			--max-backlog $run $exec"
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return ;;
	metrics)
		opts="-h --help --textfile --watch -i --interval $run"
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return ;;
	check)
		opts="-h --help -w --warning -c --critical --nodes --quorum
			-t --timeout -V --version" ;;
	ask)
		opts="-h --help -f --file --first --replies --nodes --ack-timeout
			--max-reply -q --quiet -N --names -j --json -e --encoding
			-T --timestamps --intrusive $run" ;;
	serve)
		opts="-h --help -j --jobs --exec-timeout --kill-after
			--max-reply --max-queue -v --verbose -r --reconnect
			--intrusive $run"
		# past GROUP, the words are COMMAND's
		_cpgtool_command "$i" "-j --jobs --exec-timeout --kill-after
			--max-reply --max-queue -t --timeout --wait-for-corosync" &&
			return ;;
	lock)
		opts="-h --help -j --json -T --timestamps -l --limit
			-n --nonblock -v --verbose --kill-after --no-quorum
			--show -N --names $run"
		# past NAME, the words are COMMAND's
		_cpgtool_command "$i" "-l --limit -t --timeout --kill-after
			--wait-for-corosync" && return ;;
	esac
	if [[ -n $cmd && $cur != -* ]]; then
		# not compgen -W: it would strip the backslash of crmd\x00;
		# each name is quoted for the shell, so it reads back exactly
		local g
		COMPREPLY=()
		while read -r g; do
			[[ $g == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$g")")
		done < <(_cpgtool_groups)
		return
	fi
	# shellcheck disable=SC2086
	mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}

complete -F _cpgtool cpgtool
