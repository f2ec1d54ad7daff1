# cpgtool: see README. Variables follow the usual conventions, so
#   make CFLAGS=-O3 PREFIX=/usr DESTDIR=/tmp/pkg install
# appends our flags to yours and installs under /tmp/pkg/usr.

PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(shell $(PKG_CONFIG) --define-variable=prefix=$(PREFIX) \
	--variable=completionsdir bash-completion 2>/dev/null || \
	echo $(PREFIX)/share/bash-completion/completions)
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CFLAGS ?= -O2 -g
LIBS_PC = libcpg libcmap libcfg libquorum
CPPFLAGS += -D_GNU_SOURCE
CFLAGS += -std=gnu11 -Wall -Wextra -Werror \
	$(shell $(PKG_CONFIG) --cflags $(LIBS_PC))
LDLIBS += $(shell $(PKG_CONFIG) --libs $(LIBS_PC)) -lm

# make SANITIZE=1: AddressSanitizer and UBSan, failing on the first report
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

SRCS = cpgtool.c opt.c input.c loop.c run.c sess.c out.c lockq.c \
	cmd/join.c cmd/send.c cmd/watch.c cmd/members.c cmd/lock.c
HDRS = cpgtool.h sess.h input.h loop.h run.h lockq.h
# O: where objects and the binary go; the sanitize flavour uses .san
O = .
OBJS = $(SRCS:%.c=$(O)/%.o)

all: $(O)/cpgtool

$(O)/cpgtool: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(O)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# the suite, then again under ASan/UBSan
check: $(O)/cpgtool
	tests/run
	$(MAKE) sanitize

sanitize:
	$(MAKE) O=.san SANITIZE=1 .san/cpgtool
	CPGTOOL=$(CURDIR)/.san/cpgtool tests/run

# minutes of streaming into a watch, RSS sampled (SOAK_SECONDS=600)
soak: cpgtool
	tests/soak

# cpgtool against bench/baseline, a bare libcpg client; QUICK=1 for the
# under-two-minutes variant
bench: cpgtool bench/baseline
	BENCH_QUICK=$(QUICK) bench/run

# libcpg alone: the least a client can load
bench/baseline: bench/baseline.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$$($(PKG_CONFIG) --libs libcpg)

lint: cpgtool bench/baseline
	bash tests/lint.sh

install: cpgtool
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 cpgtool $(DESTDIR)$(BINDIR)/cpgtool
	install -m 644 cpgtool.1 $(DESTDIR)$(MANDIR)/man1/cpgtool.1
	install -m 644 completion/cpgtool.bash \
		$(DESTDIR)$(BASHCOMPDIR)/cpgtool
	install -m 644 completion/_cpgtool $(DESTDIR)$(ZSHCOMPDIR)/_cpgtool
	install -m 644 completion/cpgtool.fish \
		$(DESTDIR)$(FISHCOMPDIR)/cpgtool.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cpgtool $(DESTDIR)$(MANDIR)/man1/cpgtool.1 \
		$(DESTDIR)$(BASHCOMPDIR)/cpgtool \
		$(DESTDIR)$(ZSHCOMPDIR)/_cpgtool \
		$(DESTDIR)$(FISHCOMPDIR)/cpgtool.fish

clean:
	rm -rf cpgtool *.o cmd/*.o .san bench/baseline

.PHONY: all check sanitize soak bench lint install uninstall clean
