/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The unit tests' runner, a header of macros: each CHECK is one TAP line
 * ("ok N - what" or "not ok N - what", then what was got and wanted), and
 * unit_end() prints the plan and "N passed, N failed" and gives main its
 * exit status. Every test program is one file, tests/unit/AREA_test.c,
 * linked with cpgtool's objects but main's and the commands'; none needs
 * root, a corosync or the network (make check-offline runs them).
 *
 * Tests call the modules' functions, never their files' statics, so that
 * a module split across files still links.
 */

#ifndef UNIT_H
#define UNIT_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned unit_pass, unit_fail;

/* err(3) and warn(3) say "cpgtool: ", as in the program */
__attribute__((constructor)) static void
unit_name(void)
{
	program_invocation_short_name = (char *)"cpgtool";
}

/* Bytes as a C string literal would show them, for a failure's report. */
static inline void
unit_show(const char *label, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i;

	printf("#   %s (%zu bytes): \"", label, n);
	for (i = 0; i < n && i < 400; i++) {
		if (p[i] == '\\' || p[i] == '"')
			printf("\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	printf("%s\"\n", i < n ? "..." : "");
}

static inline int
unit_result(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stderr);
	printf("%sok %u - ", ok ? "" : "not ", unit_pass + unit_fail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		printf("#   at %s:%d\n", file, line);
	if (ok)
		unit_pass++;
	else
		unit_fail++;
	fflush(stdout);
	return ok;
}

static inline int
unit_mem(const char *file, int line, const char *what, const void *got,
    size_t glen, const void *want, size_t wlen)
{
	int ok = glen == wlen && (wlen == 0 || memcmp(got, want, wlen) == 0);

	if (!unit_result(ok, file, line, "%s", what)) {
		unit_show("got ", got, glen);
		unit_show("want", want, wlen);
	}
	return ok;
}

static inline int
unit_str(const char *file, int line, const char *what, const char *got,
    const char *want)
{
	return unit_mem(file, line, what, got, strlen(got), want,
	    strlen(want));
}

static inline int
unit_long(const char *file, int line, const char *what, long long got,
    long long want)
{
	if (unit_result(got == want, file, line, "%s", what))
		return 1;
	printf("#   got %lld, want %lld\n", got, want);
	return 0;
}

/* CHECK(cond, "what", ...): the condition holds */
#define CHECK(cond, ...) \
	unit_result(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* the bytes (got, glen) are the bytes (want, wlen) */
#define CHECK_MEM(what, got, glen, want, wlen) \
	unit_mem(__FILE__, __LINE__, what, got, glen, want, wlen)
/* the bytes (got, glen) are those of the string literal lit, NULs too */
#define CHECK_LIT(what, got, glen, lit) \
	unit_mem(__FILE__, __LINE__, what, got, glen, lit, sizeof(lit) - 1)
/* two NUL-terminated strings are equal */
#define CHECK_STR(what, got, want) \
	unit_str(__FILE__, __LINE__, what, got, want)
#define CHECK_INT(what, got, want) \
	unit_long(__FILE__, __LINE__, what, (long long)(got), \
	    (long long)(want))

/* A string literal with the NULs in it, and its length. */
#define BYTES(lit)	lit, sizeof(lit) - 1

/*
 * What the code under test writes on stderr (its one "cpgtool: ..."
 * line), caught in a temporary file between unit_catch and unit_caught.
 */
static FILE *unit_errf;
static int unit_saved = -1;

static inline void
unit_catch(void)
{
	fflush(stderr);
	if ((unit_errf = tmpfile()) == NULL) {
		perror("tmpfile");
		exit(99);
	}
	unit_saved = dup(STDERR_FILENO);
	dup2(fileno(unit_errf), STDERR_FILENO);
}

/* The text caught, in a static buffer (one call's worth). */
static inline const char *
unit_caught(void)
{
	static char buf[4096];
	size_t n;

	fflush(stderr);
	dup2(unit_saved, STDERR_FILENO);
	close(unit_saved);
	rewind(unit_errf);
	n = fread(buf, 1, sizeof(buf) - 1, unit_errf);
	buf[n] = '\0';
	fclose(unit_errf);
	return buf;
}

/* The plan, the tally, and main's exit status. */
static inline int
unit_end(void)
{
	printf("1..%u\n%u passed, %u failed\n", unit_pass + unit_fail,
	    unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}

#endif
