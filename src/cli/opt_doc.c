/* Everything written from the option tables besides parsing: `greet help CMD`, and the hidden
 * `greet --dump-options` that writes the man page's option lists and the bash, zsh and PowerShell
 * completions (cmake/GreetDocs.cmake keeps docs/greet.1 and completions/ equal to its output). */
#include <ctype.h>
#include <string.h>

#include "cli.h"

#define HELP_WIDTH    79 /* columns of `greet help` */
#define NAMES_MAX_COL 24 /* help starts further right after longer option names */
#define NAMES_SIZE    64

static int is_option(const struct cli_opt *o)
{
    return o->action.kind != CLI_KIND_HEADING;
}

/* "-p, --port N", "    --backlog N" or "-4": the option's names as the help shows them. */
static void names_of(const struct cli_opt *o, char *buf, size_t size)
{
    const char *space = o->arg ? " " : "", *arg = o->arg ? o->arg : "";

    if (!o->long_name) {
        snprintf(buf, size, "-%c%s%s", o->short_name, space, arg);
    } else if (!o->short_name) {
        snprintf(buf, size, "    --%s%s%s", o->long_name, space, arg);
    } else {
        snprintf(buf, size, "-%c, --%s%s%s", o->short_name, o->long_name, space, arg);
    }
}

/* Prints the words of text from column at, wrapping at HELP_WIDTH to lines indented to col. */
static void wrap(FILE *out, const char *text, int at, int col)
{
    int first = 1;

    while (*text) {
        size_t len = strcspn(text, " ");
        if (!first && at + 1 + (int)len > HELP_WIDTH) {
            fprintf(out, "\n%*s", col, "");
            at = col;
        } else if (!first) {
            fputc(' ', out);
            at++;
        }
        fwrite(text, 1, len, out);
        at += (int)len;
        text += len;
        text += strspn(text, " ");
        first = 0;
    }
    fputc('\n', out);
}

static void print_options(const struct cli_opt *table, FILE *out)
{
    const struct cli_opt *o;
    char names[NAMES_SIZE], text[512];
    int col = 0;

    for (o = table; o->action.kind != CLI_KIND_END; o++) {
        int len;
        names_of(o, names, sizeof names);
        len = (int)strlen(names);
        if (is_option(o) && len > col && len <= NAMES_MAX_COL) {
            col = len;
        }
    }
    col += 4; /* two spaces before the names, two after */
    if (table->action.kind != CLI_KIND_HEADING) {
        fputs("\nOptions:\n", out);
    }
    for (o = table; o->action.kind != CLI_KIND_END; o++) {
        int at;
        if (!is_option(o)) {
            fprintf(out, "\n%s\n", o->help);
            continue;
        }
        names_of(o, names, sizeof names);
        snprintf(text, sizeof text, "%s%s%s%s", o->help, o->default_text ? " (default: " : "",
                 o->default_text ? o->default_text : "", o->default_text ? ")" : "");
        at = fprintf(out, "  %s  ", names);
        if (at < col) {
            at += fprintf(out, "%*s", col - at, "");
        }
        wrap(out, text, at, col);
    }
}

void cli_print_help(const struct cli_command *cmd, FILE *out)
{
    fprintf(out, "Usage: greet%s%s %s\n%s", cmd->name ? " " : "", cmd->name ? cmd->name : "",
            cmd->operands, cmd->about);
    if (!cmd->name) {
        const struct cli_command *const *c;
        fputs("\nCommands:\n", out);
        for (c = cli_commands; *c; c++) {
            fprintf(out, "  %-8s %s\n", (*c)->name, (*c)->summary);
        }
        fputs("  help     show a command's options: greet help COMMAND\n", out);
    }
    print_options(cmd->options, out);
    if (cmd->notes[0]) {
        fprintf(out, "\n%s", cmd->notes);
    }
}

/* ---- The man page's option lists ---------------------------------------------------------- */

/* roff text: backslashes and hyphens escaped, a leading '.' or '\'' kept literal. */
static void roff(FILE *out, const char *text)
{
    if (*text == '.' || *text == '\'') {
        fputs("\\&", out);
    }
    for (; *text; text++) {
        if (*text == '\\') {
            fputs("\\e", out);
        } else if (*text == '-') {
            fputs("\\-", out);
        } else {
            fputc(*text, out);
        }
    }
}

static void man_option(FILE *out, const struct cli_opt *o)
{
    fputs(".TP\n", out);
    if (o->short_name && o->long_name) {
        fprintf(out, ".BR \\-%c \", \" \\-\\-", o->short_name);
        roff(out, o->long_name);
        if (o->arg) {
            fprintf(out, " \" \\fI%s\\fR\"", o->arg);
        }
    } else {
        fputs(o->arg ? ".BI " : ".B ", out);
        if (o->long_name) {
            fputs("\\-\\-", out);
            roff(out, o->long_name);
        } else {
            fprintf(out, "\\-%c", o->short_name);
        }
        if (o->arg) {
            fprintf(out, " \" %s\"", o->arg);
        }
    }
    fprintf(out, "\n%c", toupper((unsigned char)o->help[0]));
    roff(out, o->help + 1);
    if (o->default_text) {
        fputs(" (default: ", out);
        roff(out, o->default_text);
        fputc(')', out);
    }
    fputs(".\n", out);
}

static void dump_man(FILE *out, const struct cli_command *cmd)
{
    const struct cli_opt *o;

    for (o = cmd->options; o->action.kind != CLI_KIND_END; o++) {
        if (is_option(o)) {
            man_option(out, o);
        } else {
            fputs(".PP\n.I \"", out);
            roff(out, o->help);
            fputs("\"\n", out);
        }
    }
}

/* ---- Shell completions -------------------------------------------------------------------- */

/* An argument named FILE, or a choice that ends in one ("DATE|FILE"). */
static int takes_file(const struct cli_opt *o)
{
    size_t n = o->arg ? strlen(o->arg) : 0;

    return n >= 4 && strcmp(o->arg + n - 4, "FILE") == 0 && (n == 4 || o->arg[n - 5] == '|');
}

static int operand_is_host(const struct cli_command *cmd)
{
    return strstr(cmd->operands, "HOST") != NULL;
}

/* The words "-p --port -l ..." of the options that match: every option (want 0), those that
 * take a value (want 1) or those whose value is a file (want 2). */
static void bash_words(FILE *out, const struct cli_opt *o, int want)
{
    const char *sep = "";

    for (; o->action.kind != CLI_KIND_END; o++) {
        if (!is_option(o) || (want == 1 && !o->arg) || (want == 2 && !takes_file(o))) {
            continue;
        }
        if (o->short_name) {
            fprintf(out, "%s-%c", sep, o->short_name);
            sep = " ";
        }
        if (o->long_name) {
            fprintf(out, "%s--%s", sep, o->long_name);
            sep = " ";
        }
    }
}

static void dump_bash(FILE *out, const struct cli_command *global)
{
    const struct cli_command *const *c;

    fputs("# bash completion for greet(1); installed as share/bash-completion/completions/greet.\n"
          "# Generated from the option tables in src/cli by `greet --dump-options bash`: do not\n"
          "# edit, run `cmake --build --preset dev --target update-docs` instead.\n"
          "\n"
          "_greet() {\n"
          "    local cur prev opts value_opts file_opts operand\n"
          "    cur=${COMP_WORDS[COMP_CWORD]}\n"
          "    prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
          "    local commands=\"",
          out);
    for (c = cli_commands; *c; c++) {
        fprintf(out, "%s ", (*c)->name);
    }
    fputs("help\"\n    local global_opts=\"", out);
    bash_words(out, global->options, 0);
    fputs("\"\n"
          "\n"
          "    if ((COMP_CWORD == 1)); then\n"
          "        mapfile -t COMPREPLY < <(compgen -W \"$commands $global_opts\" -- \"$cur\")\n"
          "        return\n"
          "    fi\n"
          "\n"
          "    case ${COMP_WORDS[1]} in\n"
          "    help)\n"
          "        ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W \"$commands\" -- "
          "\"$cur\")\n"
          "        return\n"
          "        ;;\n",
          out);
    for (c = cli_commands; *c; c++) {
        fprintf(out, "    %s)\n        opts=\"", (*c)->name);
        bash_words(out, (*c)->options, 0);
        fputs("\"\n        value_opts=\" ", out);
        bash_words(out, (*c)->options, 1);
        fputs(" \"\n        file_opts=\" ", out);
        bash_words(out, (*c)->options, 2);
        fprintf(out, " \"\n        operand=%s\n        ;;\n",
                operand_is_host(*c) ? "hostname" : "\"\"");
    }
    fputs("    *) return ;;\n"
          "    esac\n"
          "\n"
          "    if [[ $file_opts == *\" $prev \"* ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
          "    elif [[ $value_opts == *\" $prev \"* ]]; then\n"
          "        return\n"
          "    elif [[ $cur == -* ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -W \"$opts\" -- \"$cur\")\n"
          "    elif [[ -n $operand ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -A \"$operand\" -- \"$cur\")\n"
          "    fi\n"
          "}\n"
          "complete -F _greet greet\n",
          out);
}

/* Text inside a single-quoted shell word; zsh's _arguments also needs brackets escaped. */
static void single_quoted(FILE *out, const char *text, int zsh_brackets)
{
    for (; *text; text++) {
        if (*text == '\'') {
            fputs("'\\''", out);
        } else if (zsh_brackets && (*text == '[' || *text == ']')) {
            fprintf(out, "\\%c", *text);
        } else {
            fputc(*text, out);
        }
    }
}

static void zsh_option(FILE *out, const struct cli_opt *o)
{
    fputs("            ", out);
    if (o->short_name && o->long_name) {
        fprintf(out, "'(-%c --%s)'{-%c,--%s}'[", o->short_name, o->long_name, o->short_name,
                o->long_name);
    } else if (o->long_name) {
        fprintf(out, "'--%s[", o->long_name);
    } else {
        fprintf(out, "'-%c[", o->short_name);
    }
    single_quoted(out, o->help, 1);
    fputc(']', out);
    if (o->arg) {
        fprintf(out, ":%s:%s", o->arg, takes_file(o) ? "_files" : " ");
    }
    fputs("' \\\n", out);
}

static void zsh_arguments(FILE *out, const struct cli_command *cmd)
{
    const struct cli_opt *o;

    fputs("        _arguments -s -S \\\n", out);
    for (o = cmd->options; o->action.kind != CLI_KIND_END; o++) {
        if (is_option(o)) {
            zsh_option(out, o);
        }
    }
    if (!cmd->name) {
        fputs("            ':command:->command'\n", out);
    } else if (operand_is_host(cmd)) {
        fputs("            '1:host:_hosts' '*:name: '\n", out);
    } else {
        fputs("            '*:argument: '\n", out);
    }
}

static void dump_zsh(FILE *out, const struct cli_command *global)
{
    const struct cli_command *const *c;

    fputs("#compdef greet\n"
          "# zsh completion for greet(1); installed as share/zsh/site-functions/_greet.\n"
          "# Generated from the option tables in src/cli by `greet --dump-options zsh`: do not\n"
          "# edit, run `cmake --build --preset dev --target update-docs` instead.\n"
          "\n"
          "_greet() {\n"
          "    local context state state_descr line\n"
          "    typeset -A opt_args\n"
          "    local -a commands\n"
          "    commands=(\n",
          out);
    for (c = cli_commands; *c; c++) {
        fprintf(out, "        '%s:", (*c)->name);
        single_quoted(out, (*c)->summary, 0);
        fputs("'\n", out);
    }
    fputs("        'help:show a command'\\''s options'\n"
          "    )\n"
          "    if ((CURRENT == 2)); then\n",
          out);
    zsh_arguments(out, global);
    fputs("        [[ $state == command ]] && _describe -t commands 'greet command' commands\n"
          "        return\n"
          "    fi\n"
          "    local cmd=${words[2]}\n"
          "    shift words\n"
          "    ((CURRENT--))\n"
          "    case $cmd in\n"
          "    help)\n"
          "        ((CURRENT == 2)) && _describe -t commands 'greet command' commands\n"
          "        ;;\n",
          out);
    for (c = cli_commands; *c; c++) {
        fprintf(out, "    %s)\n", (*c)->name);
        zsh_arguments(out, *c);
        fputs("        ;;\n", out);
    }
    fputs("    esac\n"
          "}\n"
          "\n"
          "_greet \"$@\"\n",
          out);
}

/* A PowerShell single-quoted string: a quote is written twice. */
static void ps_quoted(FILE *out, const char *text)
{
    fputc('\'', out);
    for (; *text; text++) {
        if (*text == '\'') {
            fputc('\'', out);
        }
        fputc(*text, out);
    }
    fputc('\'', out);
}

/* One ",@('--port', 'N', 'server port')" per name of each option: word, argument, tooltip (the
 * comma keeps each triple one element of the list instead of three). */
static void ps_options(FILE *out, const struct cli_opt *o)
{
    for (; o->action.kind != CLI_KIND_END; o++) {
        char name[NAMES_SIZE];
        int i;
        if (!is_option(o)) {
            continue;
        }
        for (i = 0; i < 2; i++) {
            if (i == 0 ? !o->short_name : !o->long_name) {
                continue;
            }
            if (i == 0) {
                snprintf(name, sizeof name, "-%c", o->short_name);
            } else {
                snprintf(name, sizeof name, "--%s", o->long_name);
            }
            fputs("            ,@(", out);
            ps_quoted(out, name);
            fputs(", ", out);
            ps_quoted(out, o->arg ? o->arg : "");
            fputs(", ", out);
            ps_quoted(out, o->help);
            fputs(")\n", out);
        }
    }
}

static void dump_powershell(FILE *out, const struct cli_command *global)
{
    const struct cli_command *const *c;

    fputs("# PowerShell completion for greet; load it from your profile: . path\\to\\greet.ps1\n"
          "# Generated from the option tables in src/cli by `greet --dump-options powershell`:\n"
          "# do not edit, run `cmake --build --preset dev --target update-docs` instead.\n"
          "\n"
          "Register-ArgumentCompleter -Native -CommandName greet, greet.exe -ScriptBlock {\n"
          "    param($wordToComplete, $commandAst, $cursorPosition)\n"
          "    # Each option: its word, the name of its argument ('' for none), its help.\n"
          "    $global = @(\n",
          out);
    ps_options(out, global->options);
    fputs("    )\n    $commands = [ordered]@{\n", out);
    for (c = cli_commands; *c; c++) {
        fputs("        ", out);
        ps_quoted(out, (*c)->name);
        fputs(" = @(\n", out);
        ps_options(out, (*c)->options);
        fputs("        )\n", out);
    }
    fputs("    }\n"
          "    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })\n"
          "    $count = $words.Count\n"
          "    if ($wordToComplete -ne '') { $count-- }\n"
          "    $results = @()\n"
          "    if ($count -le 1) {\n"
          "        $results += @($commands.Keys) + 'help' | ForEach-Object { ,@($_, '', 'command') "
          "}\n"
          "        $options = $global\n"
          "    } elseif ($words[1] -eq 'help') {\n"
          "        if ($count -eq 2) {\n"
          "            $results += @($commands.Keys) | ForEach-Object { ,@($_, '', 'command') }\n"
          "        }\n"
          "        $options = @()\n"
          "    } elseif ($commands.Contains($words[1])) {\n"
          "        $options = $commands[$words[1]]\n"
          "        # After an option that takes a value, offer nothing: PowerShell then\n"
          "        # completes file names.\n"
          "        $prev = $words[$count - 1]\n"
          "        if ($options | Where-Object { $_[0] -eq $prev -and $_[1] -ne '' }) { return }\n"
          "    } else {\n"
          "        return\n"
          "    }\n"
          "    if ($wordToComplete -like '-*') { $results = @() + $options }\n"
          "    $results | Where-Object { $_[0] -like \"$wordToComplete*\" } | ForEach-Object {\n"
          "        [System.Management.Automation.CompletionResult]::new($_[0], $_[0],\n"
          "            'ParameterName', $(if ($_[2]) { $_[2] } else { $_[0] }))\n"
          "    }\n"
          "}\n",
          out);
}

/* ---- Checking the tables ------------------------------------------------------------------ */

static int table_error(const struct cli_command *cmd, const struct cli_opt *o, const char *why)
{
    char name[NAMES_SIZE];

    fprintf(stderr, "greet: option table of '%s': %s: %s\n", cmd->name ? cmd->name : "greet",
            is_option(o) ? cli_opt_display(o, name, sizeof name) : "heading", why);
    return 1;
}

/* What the compiler cannot see: every option is named and explained once, and an argument is
 * named exactly when the option reads one. */
static int check_table(const struct cli_command *cmd)
{
    const struct cli_opt *o, *q;
    int bad = 0;

    for (o = cmd->options; o->action.kind != CLI_KIND_END; o++) {
        enum cli_kind k = o->action.kind;
        int needs_arg = k == CLI_KIND_STRING || k == CLI_KIND_NUMBER || k == CLI_KIND_SECONDS;
        if (!o->help || !o->help[0]) {
            bad |= table_error(cmd, o, "needs a help text");
            continue;
        }
        if (!is_option(o)) {
            continue;
        }
        if (isupper((unsigned char)o->help[0]) && !isupper((unsigned char)o->help[1])) {
            bad |= table_error(cmd, o, "help text starts in upper case (the man page adds it)");
        }
        if (!o->long_name && !o->short_name) {
            bad |= table_error(cmd, o, "has no name");
        }
        if ((needs_arg && !o->arg) || ((k == CLI_KIND_FLAG || k == CLI_KIND_HELP) && o->arg)) {
            bad |= table_error(cmd, o, "argument name does not match what the option reads");
        }
        for (q = cmd->options; q != o; q++) {
            if (is_option(q) &&
                ((o->long_name && q->long_name && strcmp(o->long_name, q->long_name) == 0) ||
                 (o->short_name && o->short_name == q->short_name))) {
                bad |= table_error(cmd, o, "name used twice");
            }
        }
    }
    return bad;
}

int cli_dump_options(int argc, char **argv)
{
    const struct cli_command *const *c;
    const char *format = argc > 2 ? argv[2] : "";
    int bad = check_table(&cli_global_command);

    for (c = cli_commands; *c; c++) {
        bad |= check_table(*c);
    }
    if (bad) {
        return CLI_EXIT_FAILURE;
    }
    if (strcmp(format, "bash") == 0) {
        dump_bash(stdout, &cli_global_command);
    } else if (strcmp(format, "zsh") == 0) {
        dump_zsh(stdout, &cli_global_command);
    } else if (strcmp(format, "powershell") == 0) {
        dump_powershell(stdout, &cli_global_command);
    } else if (strcmp(format, "commands") == 0) {
        for (c = cli_commands; *c; c++) {
            printf("%s\n", (*c)->name);
        }
    } else if (strcmp(format, "man") == 0 && argc > 3) {
        for (c = cli_commands; *c && strcmp((*c)->name, argv[3]) != 0; c++) {
        }
        dump_man(stdout, *c ? *c : &cli_global_command);
    } else {
        return cli_usage_error(NULL, "--dump-options bash|zsh|powershell|commands|man COMMAND");
    }
    return CLI_EXIT_OK;
}
