# SPDX-License-Identifier: BSD-3-Clause
# cpgtool: see README. CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are yours,
# from the environment or the command line; they come after the
# project's own (CPGT_*), so they add to them and can override them:
#   make CFLAGS=-O3 PREFIX=/usr DESTDIR=/tmp/pkg install
# WERROR=1 makes warnings errors: the default in a git checkout, 0 in a
# release tarball, so that a newer compiler's new warning does not stop
# a packager's build; make check and CI force it on.

PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# under PREFIX like the rest: bash-completion looks in every
# $XDG_DATA_DIRS/bash-completion/completions (/usr/local/share's too),
# while Debian's bash-completion.pc names /usr/share's whatever the prefix
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
# the example systemd units and --exec handler: documentation
EXAMPLESDIR ?= $(PREFIX)/share/doc/cpgtool/examples
EXAMPLES = controller-gone systemd/cpgtool-standby@.service \
	systemd/cpgtool-controller-gone.service \
	fence-check
# for operators: metrics for Prometheus, and rules to alert on them
EXAMPLES += systemd/cpgtool-metrics.service cpgtool-alerts.yml

# The version, from one place: git describe in a checkout with a release
# tag (v0.2.0), else the VERSION file, which make dist writes into the
# tarball. make VERSION=x overrides it.
ifneq ($(wildcard .git),)
GIT_VERSION := $(shell git describe --tags --match 'v[0-9]*' --dirty \
	2>/dev/null | sed 's/^v//')
WERROR ?= 1
else
WERROR ?= 0
endif
VERSION := $(or $(GIT_VERSION),$(shell cat VERSION))

CFLAGS ?= -O2 -g
# top's screen: ncursesw where it is, plain ncurses where it is not
CURSES_PC := $(shell $(PKG_CONFIG) --exists ncursesw 2>/dev/null && \
	echo ncursesw || echo ncurses)
LIBS_PC = libcpg libcmap libcfg libvotequorum $(CURSES_PC)
WARNINGS = -Wall -Wextra -Wformat=2
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
CPGT_CPPFLAGS = -D_GNU_SOURCE -DCPGTOOL_VERSION=\"$(VERSION)\"
CPGT_CFLAGS = -std=gnu11 $(WARNINGS) \
	$(shell $(PKG_CONFIG) --cflags $(LIBS_PC))
CPGT_LDFLAGS =
CPGT_LDLIBS = $(shell $(PKG_CONFIG) --libs $(LIBS_PC)) -lm

# make SANITIZE=1: AddressSanitizer and UBSan, failing on the first report
ifeq ($(SANITIZE),1)
CPGT_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
CPGT_LDFLAGS += -fsanitize=address,undefined
endif

COMPILE = $(CC) $(CPGT_CPPFLAGS) $(CPPFLAGS) $(CPGT_CFLAGS) $(CFLAGS)
LINK = $(CC) $(CPGT_CFLAGS) $(CFLAGS) $(CPGT_LDFLAGS) $(LDFLAGS)

# The sources, by folder: cpgtool.c and cmd/ at the top, then a folder
# for each row of HACKING's map, top down. A .c file dropped into one
# is built and linked without naming it here; a header is found by its
# bare name (#include "sess.h") from any folder. A module left at the
# top still builds, and make lint says where it belongs.
MODDIRS = run corosync output options rules loop io base
SRCS = $(sort $(wildcard *.c)) $(sort $(wildcard cmd/*.c)) \
	$(foreach d,$(MODDIRS),$(sort $(wildcard $(d)/*.c)))
INCS = $(addprefix -I,cmd $(MODDIRS))
CPGT_CPPFLAGS += $(INCS)
# the lock's rules are three files (lockpi.h), built together for the
# simulator's mutants
LOCKP_SRCS = rules/lockp.c rules/locksync.c rules/locktrust.c
LOCKP_OBJS = $(LOCKP_SRCS:%.c=$(O)/%.o)
# O: where objects and the binary go; the sanitize flavour uses .san
O = .
OBJS = $(SRCS:%.c=$(O)/%.o)
# the headers each object was built from, as the compiler found them
DEPS = $(OBJS:.o=.d)

# Every object but main's and the commands': what the unit tests link,
# whichever files the modules live in.
LIBOBJS = $(filter-out $(O)/cpgtool.o $(O)/cmd/%.o,$(OBJS))
UNIT_TESTS = $(patsubst %.c,$(O)/%,$(wildcard tests/unit/*_test.c))

all: $(O)/cpgtool cpgtool.1.out

# Rebuild when the flags or the version change, not only the sources:
# the stamp is rewritten only when its content differs.
$(O)/.flags: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(COMPILE) | $(LINK) $(CPGT_LDLIBS) $(LDLIBS)' | \
		cmp -s - $@ || printf '%s\n' '$(COMPILE) | $(LINK) $(CPGT_LDLIBS) $(LDLIBS)' >$@

.version: FORCE
	@printf '%s\n' '$(VERSION)' | cmp -s - $@ || \
		printf '%s\n' '$(VERSION)' >$@

$(O)/cpgtool: $(OBJS)
	$(LINK) -o $@ $(OBJS) $(CPGT_LDLIBS) $(LDLIBS)

# -MMD: the compiler writes the headers an object includes into its .d
# file (read below); -MP: a header that is gone does not stop the build.
$(O)/%.o: %.c $(O)/.flags
	@mkdir -p $(@D)
	$(COMPILE) -MMD -MP -c -o $@ $<

-include $(DEPS)

# a unit test: its one file, linked with the modules it tests; the
# headers it includes go into its .d file, as an object's do
$(O)/tests/unit/%_test: tests/unit/%_test.c $(LIBOBJS) $(O)/.flags
	@mkdir -p $(@D)
	$(COMPILE) $(CPGT_LDFLAGS) $(LDFLAGS) -MMD -MP -MF $@.d -MT $@ \
		-o $@ $< $(LIBOBJS) $(CPGT_LDLIBS) $(LDLIBS)

-include $(UNIT_TESTS:=.d)

# every unit test, each a TAP stream ending "N passed, N failed"
unit: $(UNIT_TESTS)
	@st=0; for t in $(UNIT_TESTS); do echo "# $$t"; $$t || st=1; done; \
	exit $$st

# the manual as installed: its footer names the version
cpgtool.1.out: cpgtool.1 .version
	sed 's/^\.Os$$/.Os cpgtool $(VERSION)/' cpgtool.1 >$@

# the unit tests, the simulator (and a short run of its mutants) and the
# suite, then the unit tests and the suite again under ASan/UBSan;
# warnings are errors here
check:
	$(MAKE) WERROR=1 all unit
	$(MAKE) WERROR=1 sim
	$(MAKE) WERROR=1 sim-mutants MUTANT_SEEDS=20000
	tests/run
	$(MAKE) WERROR=1 sanitize

sanitize:
	$(MAKE) O=.san SANITIZE=1 .san/cpgtool unit
	CPGTOOL=$(CURDIR)/.san/cpgtool tests/run

# what needs no corosync, root or namespaces: make lint (LINT=0 skips
# it), the unit tests, --help, --version and misuse; the packages' check
# step
check-offline: $(O)/cpgtool unit $(if $(filter 0,$(LINT)),,lint)
	CPGTOOL=$(abspath $(O))/cpgtool CPGT_VERSION='$(VERSION)' tests/offline

# minutes of streaming into a watch, RSS sampled (SOAK_SECONDS=600)
soak: $(O)/cpgtool
	CPGTOOL=$(abspath $(O))/cpgtool tests/soak

# mutual exclusion while lock processes are SIGKILLed (LOCK_SOAK_SECONDS)
lock-soak: $(O)/cpgtool
	CPGTOOL=$(abspath $(O))/cpgtool tests/lock-soak

# the lock's rules under a deterministic simulation of CPG and votequorum
# (tests/sim/README): SEEDS schedules in mode MODE (1: within the
# protocol's timing assumptions, about a minute here; 2: beyond them),
# then the regression seeds of tests/sim/seeds; ends 'N passed, N failed'
SEEDS = 200000
MODE = 1
SIM = $(O)/tests/sim/locksim
CONFORM = $(O)/tests/sim/conformcheck
$(SIM): tests/sim/locksim.c $(LOCKP_OBJS) $(O)/rules/lockq.o \
		$(O)/rules/lockwire.o
	@mkdir -p $(@D)
	$(LINK) $(CPGT_CPPFLAGS) $(CPPFLAGS) -o $@ tests/sim/locksim.c \
		$(LOCKP_OBJS) $(O)/rules/lockq.o $(O)/rules/lockwire.o

sim: $(SIM) $(CONFORM)
	$(SIM) -q -k $(SEEDS) -n $(SEEDS) -m $(MODE) -f tests/sim/seeds
	$(CONFORM) tests/sim/traces/*.trace

# each rule the lock's rules break on purpose (LP_MUTATE=1..15, 17,
# 21..28) must make the simulator fail: the first seed that shows it, in
# modes 1 and 2. A mutant's three files are built with it and linked into
# one object (ld -r), as cpgtool-notoken takes it.
MUTANT_SEEDS = 200000
$(O)/tests/sim/lockp-m%.o: $(LOCKP_SRCS) rules/lockp.h rules/lockpi.h \
		rules/lockq.h $(O)/.flags
	@mkdir -p $(@D)
	for f in $(LOCKP_SRCS:rules/%.c=%); do \
		$(COMPILE) -DLP_MUTATE=$* -c -o $(basename $@)-$$f.o \
		    rules/$$f.c || exit; \
	done
	$(LD) -r -o $@ $(patsubst rules/%.c,$(basename $@)-%.o,$(LOCKP_SRCS))

$(SIM)-m%: tests/sim/locksim.c $(O)/tests/sim/lockp-m%.o $(O)/rules/lockq.o \
		$(O)/rules/lockwire.o
	$(LINK) $(CPGT_CPPFLAGS) $(CPPFLAGS) -o $@ tests/sim/locksim.c \
		$(O)/tests/sim/lockp-m$*.o $(O)/rules/lockq.o \
		$(O)/rules/lockwire.o

sim-mutants: $(SIM) $(SIM)-m1 $(SIM)-m2 $(SIM)-m3 $(SIM)-m4 $(SIM)-m5 \
		$(SIM)-m6 $(SIM)-m7 $(SIM)-m8 $(SIM)-m9 $(SIM)-m10 $(SIM)-m11 \
		$(SIM)-m12 $(SIM)-m13 $(SIM)-m14 $(SIM)-m15 $(SIM)-m17 \
		$(SIM)-m21 $(SIM)-m22 $(SIM)-m23 $(SIM)-m24 \
		$(SIM)-m25 $(SIM)-m26 $(SIM)-m27 $(SIM)-m28
	tests/sim/mutants $(SIM) $(MUTANT_SEEDS)

# the model against the real corosync (tests/sim/README, Conformance):
# conformcheck holds each recorded trace to the model's assumptions;
# make conform records them anew on clusters of its own, then checks
$(CONFORM): tests/sim/conformcheck.c
	@mkdir -p $(@D)
	$(LINK) $(CPGT_CPPFLAGS) $(CPPFLAGS) -o $@ tests/sim/conformcheck.c

conform-check: $(CONFORM)
	$(CONFORM) tests/sim/traces/*.trace

conform: $(O)/cpgtool $(CONFORM)
	d=$$(mktemp -d /tmp/cpgt-traces.XXXXXX) && tests/conform -o $$d && \
	$(CONFORM) $$d/*.trace tests/sim/traces/*.trace && \
	echo "conform: the new traces are in $$d;" \
	    "copy them into tests/sim/traces to keep them"

# cpgtool against bench/baseline, a bare libcpg client; QUICK=1 for the
# under-two-minutes variant
bench: $(O)/cpgtool bench/baseline bench/stamp $(SIM) bench/cpgtool-notoken
	CPGTOOL=$(abspath $(O))/cpgtool BENCH_QUICK=$(QUICK) bench/run

# libcpg alone: the least a client can load
bench/baseline: bench/baseline.c $(O)/.flags
	$(COMPILE) $(CPGT_LDFLAGS) $(LDFLAGS) -o $@ bench/baseline.c \
		$$($(PKG_CONFIG) --libs libcpg)

# the fencing token's cost (bench/run): cpgtool with mutant 21's rules,
# which never raise a token to the clock nor say 'lock2 granted'
bench/cpgtool-notoken: $(filter-out $(LOCKP_OBJS),$(OBJS)) \
		$(O)/tests/sim/lockp-m21.o
	$(LINK) -o $@ $^ $(CPGT_LDLIBS) $(LDLIBS)

# the hand-over's COMMAND: libc alone, a program's quickest start
bench/stamp: bench/stamp.c $(O)/.flags
	$(COMPILE) $(LDFLAGS) -o $@ bench/stamp.c

# the binary, and its objects for the module map HACKING draws
lint: $(O)/cpgtool cpgtool.1.out bench/baseline
	CPGTOOL=$(abspath $(O))/cpgtool CPGT_OBJS='$(abspath $(OBJS))' \
		CPGT_INCS='$(INCS)' CPGT_VERSION='$(VERSION)' bash tests/lint.sh

# the binary from where the build put it: make O=DIR install
install: $(O)/cpgtool cpgtool.1.out
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(O)/cpgtool $(DESTDIR)$(BINDIR)/cpgtool
	install -m 644 cpgtool.1.out $(DESTDIR)$(MANDIR)/man1/cpgtool.1
	install -m 644 completion/cpgtool.bash \
		$(DESTDIR)$(BASHCOMPDIR)/cpgtool
	install -m 644 completion/_cpgtool $(DESTDIR)$(ZSHCOMPDIR)/_cpgtool
	install -m 644 completion/cpgtool.fish \
		$(DESTDIR)$(FISHCOMPDIR)/cpgtool.fish
	install -d $(DESTDIR)$(EXAMPLESDIR)/systemd
	for f in $(EXAMPLES); do \
		install -m 644 examples/$$f $(DESTDIR)$(EXAMPLESDIR)/$$f || \
			exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cpgtool $(DESTDIR)$(MANDIR)/man1/cpgtool.1 \
		$(DESTDIR)$(BASHCOMPDIR)/cpgtool \
		$(DESTDIR)$(ZSHCOMPDIR)/_cpgtool \
		$(DESTDIR)$(FISHCOMPDIR)/cpgtool.fish \
		$(addprefix $(DESTDIR)$(EXAMPLESDIR)/,$(EXAMPLES))
	rmdir $(DESTDIR)$(EXAMPLESDIR)/systemd $(DESTDIR)$(EXAMPLESDIR) \
		2>/dev/null || true

DIST = cpgtool-$(VERSION)

# The release tarball: what git tracks (with uncommitted changes to it),
# nothing of git itself, and a VERSION file saying the version.
dist:
	@test -e .git || { echo "make dist: needs a git checkout" >&2; exit 1; }
	@set -e; tmp=$$(mktemp -d /tmp/cpgt-dist.XXXXXX); \
	trap 'rm -rf "$$tmp"' EXIT; \
	tree=$$(git stash create); \
	git archive --prefix=$(DIST)/ $${tree:-HEAD} | tar -xf - -C "$$tmp"; \
	find "$$tmp/$(DIST)" -name '.git*' -exec rm -rf {} +; \
	printf '%s\n' '$(VERSION)' >"$$tmp/$(DIST)/VERSION"; \
	tar -C "$$tmp" -cf - --sort=name --owner=0 --group=0 \
		--numeric-owner --mtime=@$$(git log -1 --format=%ct) \
		$(DIST) | gzip -9n >$(DIST).tar.gz; \
	echo "$(DIST).tar.gz"

# The tarball unpacked in a fresh directory: a packager's build (no
# WERROR), make check-offline, install into a DESTDIR and uninstall, and
# make clean leaving what was unpacked.
distcheck: dist
	@set -e; tmp=$$(mktemp -d /tmp/cpgt-distcheck.XXXXXX); \
	trap 'rm -rf "$$tmp"' EXIT; \
	if tar -tzf $(DIST).tar.gz | grep -E '(^|/)\.git'; then \
		echo "distcheck: git files in the tarball" >&2; exit 1; fi; \
	tar -xzf $(DIST).tar.gz -C "$$tmp"; \
	cd "$$tmp/$(DIST)"; \
	find . | sort >"$$tmp/files"; \
	$(MAKE) all; \
	$(MAKE) check-offline; \
	$(MAKE) install DESTDIR="$$tmp/root" PREFIX=/usr; \
	test "$$("$$tmp/root/usr/bin/cpgtool" --version)" = "cpgtool $(VERSION)"; \
	grep -qx '\.Os cpgtool $(VERSION)' \
		"$$tmp/root/usr/share/man/man1/cpgtool.1"; \
	$(MAKE) uninstall DESTDIR="$$tmp/root" PREFIX=/usr; \
	test -z "$$(find "$$tmp/root" ! -type d)"; \
	$(MAKE) clean; \
	find . | sort | diff "$$tmp/files" -; \
	echo "distcheck: $(DIST).tar.gz builds, checks, installs and cleans"

# The Debian package end to end, as root, with a private test cluster:
# installs system-wide, so not part of make check (see tests/pkgcheck)
pkgcheck: dist
	tests/pkgcheck $(DIST).tar.gz '$(VERSION)'

clean:
	rm -rf cpgtool $(foreach d,. cmd $(MODDIRS),$(d)/*.o $(d)/*.d) \
		.flags .version cpgtool.1.out \
		.san bench/baseline bench/stamp bench/cpgtool-notoken \
		$(UNIT_TESTS) $(UNIT_TESTS:=.d) \
		tests/sim/locksim tests/sim/locksim-m[1-9] \
		tests/sim/locksim-m[1-9][0-9] tests/sim/*.o \
		tests/sim/conformcheck
	$(MAKE) -C fuzz clean

FORCE:

.PHONY: all check check-offline unit sanitize soak lock-soak sim \
	sim-mutants conform conform-check bench lint install uninstall dist distcheck pkgcheck \
	clean FORCE
