/* Credentials as users give them: the user-info of a URL ("http://user:pass@host/") and the
 * .netrc file that curl and ftp read. The fetch engine (greet/fetch.h) sends them as HTTP Basic
 * authentication; these helpers let a program find them the same way greet fetch does. */
#ifndef GREET_AUTH_H
#define GREET_AUTH_H

#include <stddef.h>

#include "greet/export.h"

GREET_BEGIN_DECLS

/* The longest user name or password, in bytes, not counting the NUL. */
#define GREET_AUTH_TOKEN_MAX 255

/* Splits the user-info off a URL as typed ("https://user:p%40ss@host/x", also without a
 * scheme, "user@host"): rest gets the URL without it (a buffer of strlen(text) + 1 bytes always
 * suffices), user and password (GREET_AUTH_TOKEN_MAX + 1 bytes each) get its two parts,
 * percent-decoded, "" when absent; *has_user says whether there was a user-info at all. Only
 * the authority is looked at (an '@' in the path is not user-info). GREET_EURL for a '%' not
 * followed by two hex digits or a decoded NUL, GREET_ETOOBIG when a part does not fit;
 * after a failure rest, user and password are "". */
GREET_API int greet_url_split_userinfo(const char *text, char *rest, size_t rest_size, char *user,
                                       char *password, int *has_user);

/* Looks host up in the text of a netrc file (len bytes, need not be NUL-terminated): the first
 * "machine" block naming host (case-insensitive) whose login is login (any login when login is
 * NULL or ""), else the "default" block. Tokens are separated by blanks and line ends; a token
 * may be "quoted", with \" \\ \n \r \t escapes; '#' starts a comment to the end of the line;
 * "macdef NAME" skips its macro up to the next empty line; "account" and unknown words are
 * ignored. On success user and password (GREET_AUTH_TOKEN_MAX + 1 bytes each) get the block's
 * login (login itself when the block has none) and password ("" when it has none). Returns
 * GREET_OK, GREET_ENOENT when no block applies, or GREET_EPROTO with *why (a static English
 * reason) for an unterminated quote, a keyword without its value or a token longer than
 * GREET_AUTH_TOKEN_MAX. Reads only the buffer, so it is safe on any input. */
GREET_API int greet_netrc_find(const char *text, size_t len, const char *host, const char *login,
                               char *user, char *password, const char **why);

GREET_END_DECLS

#endif
