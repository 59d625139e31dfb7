# Sanitizers apply to every target, so the library, the program and the tests agree.
if(GREET_SANITIZE)
    if(MSVC)
        message(FATAL_ERROR "GREET_SANITIZE is for gcc and clang")
    endif()
    add_compile_options(-fsanitize=${GREET_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${GREET_SANITIZE})
endif()
