/* Uses libgreet through its installed public headers only; exits 0 when everything works. */
#include <stdio.h>
#include <string.h>

#include <greet/error.h>
#include <greet/version.h>

static int check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "consumer: %s failed\n", what);
    }
    return ok ? 0 : 1;
}

int main(void)
{
    char text[256];
    int failures = 0;

    failures += check(strcmp(greet_strerror(GREET_ECONNREFUSED), "connection refused") == 0,
                      "greet_strerror");
    failures += check(strcmp(greet_errname(GREET_ETIMEDOUT), "ETIMEDOUT") == 0, "greet_errname");
    failures +=
        check(strlen(greet_error_text(GREET_EINVAL, text, sizeof text)) > 0, "greet_error_text");
    if (failures == 0) {
        printf("consumer: libgreet %s works\n", GREET_VERSION_STRING);
    }
    return failures == 0 ? 0 : 1;
}
