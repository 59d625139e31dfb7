# ctest's Docs.* check: the man page and the bash completion list exactly the options that the
# program's own help shows, per command, so neither can drift from `greet --help`.
#   cmake -DGREET=path/to/greet [-DEMULATOR=wine] -DMAN=docs/greet.1
#         -DCOMPLETION=completions/greet.bash -P GreetCheckDocs.cmake
set(failures 0)

function(run_greet out)
    execute_process(COMMAND ${EMULATOR} "${GREET}" ${ARGN} OUTPUT_VARIABLE text
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "greet ${ARGN} exited with ${rc}")
    endif()
    string(REPLACE "\r" "" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Long options (--name) and short ones (-x) mentioned in text, sorted and unique.
function(options_in text out)
    string(REGEX MATCHALL "--[a-z0-9][a-z0-9-]*" long "${text}")
    string(REGEX MATCHALL "(^|[ \t\n,\\[|\"])-[A-Za-z0-9]([ \t\n,=\\]|\"]|$)" short "${text}")
    list(TRANSFORM short REPLACE "^.*(-[A-Za-z0-9]).*$" "\\1")
    set(all ${long} ${short})
    list(REMOVE_DUPLICATES all)
    list(SORT all)
    set(${out} "${all}" PARENT_SCOPE)
endfunction()

function(compare what documented shown)
    set(missing ${shown})
    list(REMOVE_ITEM missing ${documented} "")
    set(extra ${documented})
    list(REMOVE_ITEM extra ${shown} "")
    if(missing OR extra)
        message(SEND_ERROR "${what}: missing [${missing}], not in the help [${extra}]")
    else()
        message(STATUS "${what}: ${shown}")
    endif()
endfunction()

# The text of the man page section that starts with the line `head` up to the next .SH/.SS.
function(man_section head out)
    string(FIND "${man}" "\n${head}\n" at)
    if(at EQUAL -1)
        message(SEND_ERROR "man page: no section '${head}'")
        set(${out} "" PARENT_SCOPE)
        return()
    endif()
    string(LENGTH "${head}" len)
    math(EXPR at "${at} + ${len} + 2")
    string(SUBSTRING "${man}" ${at} -1 rest)
    string(REGEX REPLACE "\n\\.S[HS] .*$" "" rest "${rest}")
    set(${out} "${rest}" PARENT_SCOPE)
endfunction()

# The lines after `header` in the help text, up to the next blank line.
function(help_block text header out)
    string(FIND "${text}" "${header}\n" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "greet --help has no '${header}'")
    endif()
    string(SUBSTRING "${text}" ${at} -1 text)
    string(FIND "${text}\n\n" "\n\n" end)
    string(SUBSTRING "${text}" 0 ${end} text)
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(READ "${MAN}" man)
# Plain text from roff: \- is a hyphen, \fB \fI \fR \fP switch fonts.
string(REPLACE "\\-" "-" man "${man}")
string(REGEX REPLACE "\\\\f[BIRP]" "" man "${man}")
file(READ "${COMPLETION}" completion)

run_greet(usage --help)
help_block("${usage}" "Commands:" commands_block)
string(REGEX MATCHALL "\n  [a-z]+ " commands "${commands_block}")
list(TRANSFORM commands STRIP)
list(REMOVE_ITEM commands help)

help_block("${usage}" "Options:" global_help)
options_in("${global_help}" shown)
man_section(".SH OPTIONS" text)
options_in("${text}" documented)
compare("greet --help vs man OPTIONS" "${documented}" "${shown}")

string(REGEX MATCH "commands=\"([^\"]*)\"" ignored "${completion}")
string(REPLACE " " ";" completed "${CMAKE_MATCH_1}")
list(REMOVE_ITEM completed help)
compare("greet --help commands vs completion" "${completed}" "${commands}")

foreach(cmd IN LISTS commands)
    run_greet(help_text help ${cmd})
    options_in("${help_text}" shown)
    man_section(".SS greet ${cmd}" text)
    options_in("${text}" documented)
    compare("greet help ${cmd} vs man" "${documented}" "${shown}")

    string(REGEX MATCH "${cmd}_opts=\"([^\"]*)\"" ignored "${completion}")
    string(REPLACE " " ";" completed "${CMAKE_MATCH_1}")
    compare("greet help ${cmd} vs completion" "${completed}" "${shown}")
endforeach()
