# greet_warnings(target): the project's warning set, errors unless GREET_WERROR is OFF.
function(greet_warnings target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${GREET_WERROR}>:/WX>)
        target_compile_definitions(${target} PRIVATE _CRT_SECURE_NO_WARNINGS)
    else()
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
            -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2
            $<$<BOOL:${GREET_WERROR}>:-Werror>)
    endif()
endfunction()
