/* repl.c — the Lua read-eval-print loop on COM1.
 *
 * Modelled on lua.c: a line is first tried as "return <line>" so that
 * expressions print; otherwise lines are added while the chunk is
 * incomplete (its syntax error ends in "<eof>"); errors are printed with a
 * traceback and the loop goes on.
 *
 * For scripted use a host sends a frame instead of a line, at any prompt:
 *
 *     0x01 "SCRIPT <len>" LF  <len> payload bytes
 *
 * where payload bytes 0x03 (which the UART driver takes as Ctrl-C) and
 * 0x10 travel as 0x10 followed by the byte plus 0x40.  The payload runs as
 * one chunk named "=script"; then the shell prints a trailer line,
 * 0x02 "DONE ok" or 0x02 "DONE err <first line of the error>".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "heap.h"
#include "lineedit.h"
#include "lk.h"
#include "lport.h"
#include "serial.h"
#include "shell.h"

#define PROMPT "bounce> "
#define PROMPT2 ">> "
#define EOFMARK "<eof>"

#define FRAME_START 0x01
#define FRAME_END 0x02
#define FRAME_ESCAPE 0x10

enum input { INPUT_LINE, INPUT_CANCEL, INPUT_FRAME };

static struct lineedit le;
static int held_byte = -1;   /* a byte read while noticing a Ctrl-C, for the next line */

static int next_byte(void)
{
	int c = held_byte;
	held_byte = -1;
	return c >= 0 ? c : serial_getc();
}

/* A process (or a kernel message) printed while a line was being edited:
 * its output went over the line, so show the prompt and the line again
 * below it, as readline's rl_forced_update_display does. */
static void redraw_line(void)
{
	serial_overwritten = 0;
	if (!serial_line_start())
		lport_write("\n", 1);
	le_redraw(&le);
}

/* Read one line with the editor.  A Ctrl-C noticed while typing cancels
 * the line (serial_getc_edit may return -1 for it, or the next byte); so
 * does other output, which redraws it; a frame start on an empty line
 * hands over to run_frame. */
static enum input read_line(const char *prompt)
{
	lport_fresh_line();   /* a prompt always starts a line, as hosts expect */
	serial_overwritten = 0;
	le_start(&le, prompt);
	int redrawn = 0;
	for (;;) {
		int c = held_byte >= 0 ? next_byte() : serial_getc_edit();
		if (serial_break) {
			serial_break = 0;
			held_byte = c;
			lport_puts("^C\n");
			return INPUT_CANCEL;
		}
		if (c < 0) {
			if (serial_overwritten) {
				redraw_line();
				redrawn = 1;
			}
			continue;
		}
		if (c == FRAME_START && le.len == 0) {
			if (redrawn)   /* the chunk's output starts a line, as after the first prompt */
				lport_write("\n", 1);
			return INPUT_FRAME;
		}
		if (le_feed(&le, c) == LE_DONE) {
			le_remember(&le, le.line);
			return INPUT_LINE;
		}
	}
}

static int is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	while (*++s)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Tab completion from the Lua state (lineedit.h's complete callback, run
 * protected).  The word's parts before the last are looked up from the
 * globals with raw gets, so no metamethod runs on a key press; the names
 * offered are the identifier keys of the table they lead to, sorted. */
static int complete_in_lua(lua_State *L)
{
	struct lineedit *e = lua_touserdata(L, 1);
	const char *word = lua_touserdata(L, 2);
	const char *end = word + lua_tointeger(L, 3);
	lua_pushglobaltable(L);
	for (const char *part = word;;) {
		const char *sep = part;
		while (sep < end && *sep != '.' && *sep != ':')
			sep++;
		if (sep == end)
			break;
		if (!lua_istable(L, -1))
			return 0;
		lua_pushlstring(L, part, (size_t)(sep - part));
		lua_rawget(L, -2);
		part = sep + 1;
	}
	if (!lua_istable(L, -1))
		return 0;
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, -3)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && is_identifier(lua_tostring(L, -1))) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, -3, luaL_len(L, -3) + 1);
		}
	}
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, LUA_TABLIBNAME);
	lua_getfield(L, -1, "sort");
	lua_pushvalue(L, -4);
	lua_call(L, 1, 0);
	lua_pop(L, 2);
	lua_Integer n = luaL_len(L, -1);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		le_candidate(e, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return 0;
}

static void complete(struct lineedit *e, const char *word, size_t len)
{
	lua_State *L = e->complete_arg;
	lua_pushcfunction(L, complete_in_lua);
	lua_pushlightuserdata(L, e);
	lua_pushlightuserdata(L, (void *)word);
	lua_pushinteger(L, (lua_Integer)len);
	if (lua_pcall(L, 3, 0, 0) != LUA_OK)
		lua_pop(L, 1);    /* no memory to list names: no completion */
}

/* lua.c's message handler: the error (or its __tostring) plus a traceback. */
static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* Call the function below its narg arguments under the budget, with a traceback on error. */
static int docall(lua_State *L, int narg, int nres)
{
	int base = lua_gettop(L) - narg;
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	lport_begin_chunk(L);
	int status = lua_pcall(L, narg, nres, base);
	lua_remove(L, base);
	return status;
}

/* Print and pop the error message on top, if status says there is one. */
static void report(lua_State *L, int status)
{
	if (status == LUA_OK)
		return;
	const char *msg = lua_tostring(L, -1);
	lport_puts(msg ? msg : "(error with no message)");
	lport_puts("\n");
	lua_pop(L, 1);
}

/* Whether the line's results (1..n) were all printed already (lk.h's
 * LK_SHOWN: the monitor-style globals and explain print their result). */
static int all_shown(lua_State *L, int n)
{
	int shown = 0;
	if (lua_getfield(L, LUA_REGISTRYINDEX, LK_SHOWN) != LUA_TTABLE)
		n = 0;
	for (int i = 1; i <= n; i++) {
		if (lua_isnil(L, i))
			continue;
		lua_pushvalue(L, i);
		shown = lua_rawget(L, -2) != LUA_TNIL;
		lua_pop(L, 1);
		if (!shown)
			break;
	}
	lua_pop(L, 1);
	return shown;
}

/* Print whatever a line returned, with the global print, unless it has
 * been printed already. */
static void print_results(lua_State *L)
{
	int n = lua_gettop(L);
	if (n == 0 || all_shown(L, n))
		return;
	luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
	lua_getglobal(L, "print");
	lua_insert(L, 1);
	if (lua_pcall(L, n, 0, 0) != LUA_OK)
		report(L, LUA_ERRRUN);
}

/* Read a line and push it; returns the input kind (a string is pushed only for INPUT_LINE). */
static enum input push_line(lua_State *L, int first)
{
	enum input in = read_line(first ? PROMPT : PROMPT2);
	if (in != INPUT_LINE)
		return in;
	if (first && le.line[0] == '=')   /* Lua 5.1's "=expr" still works */
		lua_pushfstring(L, "return %s", le.line + 1);
	else
		lua_pushstring(L, le.line);
	return INPUT_LINE;
}

/* Try the line on top as "return <line>"; on success replace it by the function. */
static int add_return(lua_State *L)
{
	const char *retline = lua_pushfstring(L, "return %s;", lua_tostring(L, -1));
	int status = luaL_loadbuffer(L, retline, strlen(retline), "=stdin");
	if (status == LUA_OK)
		lua_remove(L, -2);
	else
		lua_pop(L, 2);
	return status;
}

static int incomplete(lua_State *L, int status)
{
	if (status != LUA_ERRSYNTAX)
		return 0;
	size_t len;
	const char *msg = lua_tolstring(L, -1, &len);
	return len >= strlen(EOFMARK) && strcmp(msg + len - strlen(EOFMARK), EOFMARK) == 0;
}

/* Compile the line on top, reading more lines while the chunk is incomplete.
 * Returns the load status with the function or message on top, or -1 if
 * input was cancelled (*in tells why). */
static int multi_line(lua_State *L, enum input *in)
{
	for (;;) {
		size_t len;
		const char *chunk = lua_tolstring(L, 1, &len);
		int status = luaL_loadbuffer(L, chunk, len, "=stdin");
		if (!incomplete(L, status))
			return status;
		lua_pop(L, 1);
		if ((*in = push_line(L, 0)) != INPUT_LINE)
			return -1;
		lua_pushliteral(L, "\n");
		lua_insert(L, -2);
		lua_concat(L, 3);
	}
}

static void run_frame(lua_State *L);

/* One line (or chunk of lines, or frame) from the terminal, run. */
static void repl_once(lua_State *L)
{
	enum input in = push_line(L, 1);
	if (in == INPUT_LINE) {
		int status = add_return(L);
		if (status != LUA_OK)
			status = multi_line(L, &in);
		if (status >= 0) {
			lua_remove(L, 1);
			lua_newtable(L);          /* what this line prints (LK_SHOWN) */
			lua_setfield(L, LUA_REGISTRYINDEX, LK_SHOWN);
			if (status == LUA_OK)
				status = docall(L, 0, LUA_MULTRET);
			if (status == LUA_OK)
				print_results(L);
			else
				report(L, status);
		}
	}
	lua_settop(L, 0);
	if (in == INPUT_FRAME)
		run_frame(L);
}

/* The length a frame may announce: no more than the kernel heap holds, so
 * "len + 1" cannot wrap and a hostile length cannot keep the shell reading. */
#define FRAME_MAX (16u << 20)

/* A Ctrl-C while a frame arrives abandons it (the host stopped sending). */
static int frame_interrupted(void)
{
	if (!serial_break)
		return 0;
	serial_break = 0;
	return 1;
}

/* The payload of a frame, unescaped, in a kernel buffer of *len bytes
 * (NULL if the header is malformed, the heap is short or Ctrl-C came; the
 * payload of a well-formed header is consumed unless Ctrl-C came). */
static char *read_frame(size_t *len, const char **why)
{
	char header[32];
	size_t n = 0;
	int c;
	while ((c = next_byte()) != '\n') {
		if (frame_interrupted()) {
			*why = "frame interrupted";
			return NULL;
		}
		if (n < sizeof header - 1)
			header[n++] = (char)c;
	}
	header[n] = '\0';
	char *end;
	if (strncmp(header, "SCRIPT ", 7) != 0 || header[7] < '0' || header[7] > '9' ||
	    (*len = strtoul(header + 7, &end, 10), *end != '\0') || *len > FRAME_MAX) {
		*why = "malformed frame header";
		return NULL;
	}
	char *buf = kmalloc(*len + 1);
	for (size_t i = 0; i < *len; i++) {
		c = next_byte();
		if (c == FRAME_ESCAPE)
			c = next_byte() - 0x40;
		if (frame_interrupted()) {
			kfree(buf);
			*why = "frame interrupted";
			return NULL;
		}
		if (buf)
			buf[i] = (char)c;
	}
	*why = "script does not fit in the kernel heap";
	return buf;
}

static void frame_trailer(const char *error)
{
	char line[256];
	if (error == NULL)
		snprintf(line, sizeof line, "%cDONE ok\n", FRAME_END);
	else
		snprintf(line, sizeof line, "%cDONE err %.*s\n", FRAME_END,
			 (int)strcspn(error, "\n"), error);
	lport_puts(line);
}

static void run_frame(lua_State *L)
{
	size_t len;
	const char *why;
	char *script = read_frame(&len, &why);
	if (script == NULL) {
		lport_puts(why);
		lport_puts("\n");
		frame_trailer(why);
		return;
	}
	int status = luaL_loadbufferx(L, script, len, "=script", "t");
	kfree(script);
	if (status == LUA_OK)
		status = docall(L, 0, 0);
	if (status == LUA_OK) {
		frame_trailer(NULL);
		return;
	}
	const char *msg = lua_tostring(L, -1);
	lport_puts(msg);
	lport_puts("\n");
	frame_trailer(msg);
	lua_settop(L, 0);
}

/* The loop itself runs protected, so that an error outside any chunk (say,
 * no memory to hold a line) is reported instead of reaching Lua's panic. */
static int repl(lua_State *L)
{
	for (;;)
		repl_once(L);
	return 0;
}

void shell_main(void)
{
	lua_State *L = lport_newstate();
	lk_open(L);
	le_init(&le, lport_write);
	le.complete = complete;
	le.complete_arg = L;
	lport_puts(LUA_RELEASE " in the Bounce kernel.  help() lists the k library.\n");
	for (;;) {
		lua_pushcfunction(L, repl);
		report(L, lua_pcall(L, 0, 0, 0));
		lua_settop(L, 0);
	}
}
